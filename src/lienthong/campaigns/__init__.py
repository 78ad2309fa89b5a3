"""Registry campaigns: marriage, student, land and martyr registries cleaned against the population database."""
