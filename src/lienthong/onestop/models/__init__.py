"""The one-stop centre's data: its calendar, its procedure catalogue, and the dossiers it handles."""
from .calendar import CalendarDay, DayOff, DaySwap
from .dossiers import FINAL_STATES, OPEN_STATES, Channel, DailySequence, Dossier, DossierComponent, DossierStep, PortalOutbox, State
from .feedback import Complaint, Rating
from .procedures import Agency, Procedure, ProcedureComponent

__all__ = [
    "CalendarDay", "DayOff", "DaySwap", "Agency", "Procedure", "ProcedureComponent", "Channel", "DailySequence",
    "Dossier", "DossierComponent", "Rating", "Complaint", "DossierStep", "PortalOutbox", "State", "OPEN_STATES", "FINAL_STATES",
]
