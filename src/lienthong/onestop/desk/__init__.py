"""desk pages of the one-stop centre."""
