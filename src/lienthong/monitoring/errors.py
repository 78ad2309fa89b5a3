"""The one error of bad input, as linkage.prepare.InputError (this package sits below linkage and cannot import it)."""
from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """A bad input file: the message names the file, the row (or feature) and the column."""
