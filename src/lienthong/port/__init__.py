"""Port control: fishing ports, departure pre-declarations and their checks, clearance documents, arrivals."""
