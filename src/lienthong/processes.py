"""Process helpers shared by the server and the sync worker (framework-free, so both layers may use them)."""
from __future__ import annotations

import sys


def die_with_parent() -> None:
    """Linux: have the kernel send SIGTERM to this process when its parent exits, however it exits.
    gunicorn's own check (parent pid changed) only runs between requests, once a second at best; prctl has
    no wrapper in the standard library, hence ctypes."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
