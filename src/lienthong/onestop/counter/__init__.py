"""counter pages of the one-stop centre."""
