"""Where each record of a campaign stands, recomputed from its persons and questions whenever they change:

- waiting on a commune: a question about one of its persons is open;
- in review: a person is not linked (one the commune could not find, until the department has checked the
  record: it decides what the registry does), or the record repeats an earlier one or carries a
  rule's flag that no officer has looked at yet (flags that only say how it was read do not count:
  registries.sheets.INFORMATIVE_FLAGS);
- clean: otherwise.

Overdue is read, not stored: a record not clean once the campaign's deadline (a Việt Nam date) has passed."""
from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Prefetch
from django.utils import timezone

from lienthong.registries.sheets import holding_flags

from .models import Decision, Person, Question, QuestionState, Record, RecordState


def state_of(record: Record) -> str:
    people = list(record.people.all())
    if any(q.state == QuestionState.OPEN for p in people for q in p.questions.all()):
        return RecordState.COMMUNE
    if any(not p.resolved and not (p.decision == Decision.UNRESOLVABLE and record.checked_at) for p in people):
        return RecordState.REVIEW
    if (holding_flags(record.flags) or record.duplicate_of) and record.checked_at is None:
        return RecordState.REVIEW
    return RecordState.CLEAN


def refresh(records) -> int:
    """Store the state of the records of a queryset; returns how many changed."""
    records = records.prefetch_related(
        Prefetch("people", queryset=Person.objects.prefetch_related(
            Prefetch("questions", queryset=Question.objects.only("id", "state", "person_id")))))
    changed = []
    for r in records:
        new = state_of(r)
        if new != r.state:
            r.state = new
            changed.append(r)
    Record.objects.bulk_update(changed, ["state"], batch_size=2000)
    return len(changed)


def is_overdue(deadline: date, state: str, today: date | None = None) -> bool:
    return state != RecordState.CLEAN and (today or timezone.localdate()) > deadline


def counts(campaign, today: date | None = None) -> dict[str, int]:
    """{clean, review, commune, overdue, total} of one campaign."""
    c = Counter(dict(campaign.items.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n")))
    total = sum(c.values())
    overdue = total - c[RecordState.CLEAN] if (today or timezone.localdate()) > campaign.deadline else 0
    return {"clean": c[RecordState.CLEAN], "review": c[RecordState.REVIEW], "commune": c[RecordState.COMMUNE],
            "overdue": overdue, "total": total}

