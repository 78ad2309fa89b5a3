"""The campaign's refusals (a module of its own so that actions and identity_changes share them)."""
from __future__ import annotations


class ActionError(ValueError):
    """A refused action; the message is for the officer (Vietnamese)."""


class CheckLimitReached(ActionError):
    """The officer used today's allowance of population checks (settings.SYNC_ANSWER_CHECKS_PER_DAY)."""
