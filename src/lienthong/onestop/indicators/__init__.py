"""indicators pages of the one-stop centre."""
