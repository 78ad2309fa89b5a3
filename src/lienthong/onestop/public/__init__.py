"""public pages of the one-stop centre."""
