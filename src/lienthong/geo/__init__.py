"""Administrative units (2025 and pre-2025, with the official conversion) and address resolution.

Framework-free: imports nothing from Django. See units.py for the canonical code forms.
"""
