"""What officers do in a campaign; each function checks, writes in one transaction, refreshes the record's state
and audits itself. A refusal is a CampaignError with a stable code, translated where it is shown."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts import audit
from lienthong.identity.cccd import parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.text import fold
from lienthong.population.models import Citizen

from . import states
from .models import Decision, Person, Question, QuestionKind, QuestionState, Record

# Refusals, code → message (English msgid, translated at the edge).
MESSAGES = {
    "bad_cccd": gettext_noop("The CCCD must be 12 digits with a valid province code: %(reason)s"),
    "not_in_population": gettext_noop("CCCD %(cccd)s is not in the population database."),
    "no_proposal": gettext_noop("The identity engine proposed nobody for this person: give the CCCD."),
    "not_linkable": gettext_noop("This person is not in the population database and is not linked."),
    "already_asked": gettext_noop("A question about this person is already waiting for an answer."),
    "closed": gettext_noop("This question has already been answered."),
    "need_note": gettext_noop("Say in the note why the person cannot be found."),
    "bad_kind": gettext_noop("Questions go to a People's Committee or the police."),
    "differs": gettext_noop("CCCD %(cccd)s is %(name)s, born %(year)s: the name or the year differs from the record. "
                            "Check the papers, then tick “link anyway”."),
    "no_cccd": gettext_noop("Give the 12-digit CCCD to link."),
    "nothing_to_undo": gettext_noop("There is no decision of the department to undo on this person."),
}

# What re-checking an answer against the population database said (stored on the question).
ANSWER_RESULTS = {
    "verified": gettext_noop("CCCD, name and birth agree with the population database"),
    "differs": gettext_noop("The CCCD exists but its name or birth differs: the department decides"),
    "unresolvable": gettext_noop("The commune says the person cannot be found"),
}


class CampaignError(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    def message(self) -> str:
        from django.utils.translation import gettext

        return gettext(MESSAGES[self.code]) % self.params


def citizens(cccds) -> dict[str, Citizen]:
    """The population's persons of these CCCDs (empty ones skipped), by CCCD; asked 500 at a time, so a campaign's
    export stays under the databases' limit of parameters per query."""
    ids = sorted({c for c in cccds if c})
    out = {}
    for i in range(0, len(ids), 500):
        out.update((c.cccd, c) for c in Citizen.objects.filter(cccd__in=ids[i:i + 500]))
    return out


def citizen_of(cccd: str) -> Citizen:
    """The person of a CCCD in the population database; CampaignError when it is malformed or nobody's."""
    check = parse_id_number(cccd)
    if not check.valid or check.kind != "cccd":
        raise CampaignError("bad_cccd", reason=check.reason)
    citizen = Citizen.objects.filter(cccd=check.digits).first()
    if citizen is None:
        raise CampaignError("not_in_population", cccd=check.digits)
    return citizen


def agrees(person: Person, citizen: Citizen) -> bool:
    """The record's name and birth (what it has of them) agree with the population's."""
    if fold(person.name).split() != fold(citizen.full_name).split():
        return False
    # The year only: placeholder dates (01/01 of the year) are legal in old books, and a year is all some give.
    born = parse_date(person.birth_date) if person.birth_date.strip() else None
    if born is not None and born.year is not None and born.year != citizen.birth_year:
        return False
    return True


def _audit(who, person: Person, action: str, detail: dict) -> None:
    rec = person.record
    audit.record(who, "update", object_type="campaign_person", object_id=person.pk,
                 summary=audit.msg(gettext_noop("Registry campaign %(campaign)s, record %(record)s (%(role)s): %(action)s"),
                                   campaign=rec.campaign_id, record=rec.record_id, role=person.role, action=action),
                 detail={"campaign": rec.campaign_id, "record": rec.record_id, "role": person.role, **detail})


def confirm(person: Person, who, *, cccd: str = "", anyway: bool = False) -> Person:
    """The department confirms a link: the engine's (or the commune's) proposal, or the CCCD the officer gives. A
    CCCD given whose person disagrees with the record's name or year is refused unless the officer says they
    checked (`anyway`): a typed number is the easiest way to link the wrong person."""
    if not person.linkable:
        raise CampaignError("not_linkable")
    given = cccd.strip()
    cccd = given or person.person_id
    if not cccd:
        raise CampaignError("no_proposal")
    citizen = citizen_of(cccd)
    same = agrees(person, citizen)
    if given and not anyway and not same:
        raise CampaignError("differs", cccd=citizen.cccd, name=citizen.full_name, year=citizen.birth_year)
    with transaction.atomic():
        before = {"status": person.status, "person_id": person.person_id, "reason": person.reason}
        person.previous = _snapshot(person)
        person.status, person.person_id = "verified", citizen.cccd
        person.reason = (f"cán bộ xác nhận: {citizen.full_name}, sinh {citizen.birth_date:%d/%m/%Y}"
                         + ("" if same else " (họ tên hoặc năm sinh khác sổ: đã kiểm tra giấy tờ)"))
        person.decision, person.decided_by, person.decided_at = Decision.CONFIRMED, _user(who), timezone.now()
        person.save(update_fields=["status", "person_id", "reason", "decision", "decided_by", "decided_at", "previous"])
        states.refresh(Record.objects.filter(pk=person.record_id))
        _audit(who, person, "confirm", {"before": before, "cccd": citizen.cccd})
    return person


def reject(person: Person, who) -> Person:
    """The department rejects the proposal: the person is nobody the engine found (a commune is asked next)."""
    if not person.linkable:
        raise CampaignError("not_linkable")
    with transaction.atomic():
        before = {"status": person.status, "person_id": person.person_id, "reason": person.reason}
        person.previous = _snapshot(person)
        person.status, person.person_id = "not_found", ""
        person.reason = "cán bộ bác đề xuất: chưa xác định được người này"
        person.decision, person.decided_by, person.decided_at = Decision.REJECTED, _user(who), timezone.now()
        person.save(update_fields=["status", "person_id", "reason", "decision", "decided_by", "decided_at", "previous"])
        states.refresh(Record.objects.filter(pk=person.record_id))
        _audit(who, person, "reject", {"before": before})
    return person


_KEPT = ("status", "person_id", "reason", "decision", "decided_by_id", "decided_at")


def _snapshot(person: Person) -> dict:
    return {k: (getattr(person, k).isoformat() if k == "decided_at" and getattr(person, k) else getattr(person, k))
            for k in _KEPT}


def undo(person: Person, who) -> Person:
    """Undo the department's last confirm or reject of a person: the person as they were before it."""
    from django.utils.dateparse import parse_datetime

    if not person.previous or person.decision not in (Decision.CONFIRMED, Decision.REJECTED):
        raise CampaignError("nothing_to_undo")
    with transaction.atomic():
        undone = {"status": person.status, "person_id": person.person_id, "decision": person.decision}
        for k, v in person.previous.items():
            setattr(person, k, parse_datetime(v) if k == "decided_at" and v else v)
        person.previous = {}
        person.save(update_fields=[*("decided_by" if k == "decided_by_id" else k for k in _KEPT), "previous"])
        states.refresh(Record.objects.filter(pk=person.record_id))
        _audit(who, person, "undo", {"undone": undone})
    return person


def check_record(record: Record, who, note: str = "") -> Record:
    """An officer has looked at a record's flags and duplicate: they no longer hold it in review."""
    with transaction.atomic():
        record.checked_by, record.checked_at, record.check_note = _user(who), timezone.now(), note.strip()
        record.save(update_fields=["checked_by", "checked_at", "check_note"])
        states.refresh(Record.objects.filter(pk=record.pk))
        audit.record(who, "update", object_type="campaign_record", object_id=record.pk,
                     summary=audit.msg(gettext_noop("Registry campaign %(campaign)s, record %(record)s: flags checked"),
                                       campaign=record.campaign_id, record=record.record_id),
                     detail={"flags": record.flags, "duplicate_of": record.duplicate_of, "note": record.check_note})
    return record


def repeats_held(campaign) -> list[int]:
    """The records held only because they repeat an earlier one: unchecked, no rule's flag that holds them."""
    from lienthong.registries.sheets import holding_flags

    return [pk for pk, flags in campaign.items.exclude(duplicate_of="").filter(checked_at__isnull=True)
            .values_list("pk", "flags") if not holding_flags(flags)]


def check_duplicates(campaign, who) -> int:
    """Mark as checked, at once, the records held only because they repeat an earlier one (no rule's flag): the
    officer has sampled the pairs and accepts the rest. Returns how many were checked."""
    now, user = timezone.now(), _user(who)
    held = repeats_held(campaign)
    with transaction.atomic():
        Record.objects.filter(pk__in=held).update(checked_by=user, checked_at=now,
                                                                  check_note="trùng bản ghi trước (kiểm tra hàng loạt)")
        states.refresh(Record.objects.filter(pk__in=held))
        audit.record(who, "update", object_type="campaign", object_id=campaign.pk,
                     summary=audit.msg(gettext_noop("Registry campaign %(campaign)s: %(n)s repeated records checked at once"),
                                       campaign=campaign.pk, n=len(held)),
                     detail={"records": held[:5000]})
    return len(held)


def unresolved(campaign):
    """Persons of the campaign to ask about: linkable, not linked, not declared unresolvable, no question open."""
    return (Person.objects.filter(record__campaign=campaign, linkable=True)
            .exclude(status__in=("verified", "matched")).exclude(decision=Decision.UNRESOLVABLE)
            .exclude(questions__state=QuestionState.OPEN))


def ask(persons, who, *, kind: str = QuestionKind.COMMUNE) -> list[Question]:
    """Put a question to the commune (or police) of each person's record."""
    if kind not in QuestionKind.values:
        raise CampaignError("bad_kind")
    persons = list(persons.select_related("record") if hasattr(persons, "select_related") else persons)
    with transaction.atomic():
        made = []
        for p in persons:
            if not p.linkable:
                raise CampaignError("not_linkable")
            if p.questions.filter(state=QuestionState.OPEN).exists():
                raise CampaignError("already_asked")
            made.append(Question(person=p, kind=kind, commune_code=p.record.commune_code, asked_by=_user(who)))
        Question.objects.bulk_create(made)
        states.refresh(Record.objects.filter(pk__in={p.record_id for p in persons}))
        if persons:
            campaign = persons[0].record.campaign_id
            audit.record(who, "create", object_type="campaign_question", object_id=campaign,
                         summary=audit.msg(gettext_noop("Registry campaign %(campaign)s: %(n)s persons sent to %(kind)s"),
                                           campaign=campaign, n=len(made), kind=kind),
                         detail={"persons": [p.pk for p in persons][:1000], "kind": kind})
    return made


def answer(question: Question, who, *, cccd: str = "", note: str = "", unresolvable: bool = False) -> Question:
    """The commune's (or police's) answer: the person's CCCD, re-checked against the population database, or that
    the person cannot be found (with why). A CCCD not in the database is refused and nothing is stored."""
    if question.state != QuestionState.OPEN:
        raise CampaignError("closed")
    person = question.person
    if unresolvable:
        if not note.strip():
            raise CampaignError("need_note")
        citizen, result = None, "unresolvable"
    else:
        citizen = citizen_of(cccd)
        result = "verified" if agrees(person, citizen) else "differs"
    with transaction.atomic():
        question.state, question.answer_result = QuestionState.CLOSED, result
        question.answer_cccd, question.answer_note = citizen.cccd if citizen else "", note.strip()
        question.answered_by, question.answered_at = _user(who), timezone.now()
        question.save()
        before = {"status": person.status, "person_id": person.person_id, "reason": person.reason}
        who_said = "công an" if question.kind == QuestionKind.POLICE else "xã"
        if result == "verified":
            person.status, person.person_id, person.decision = "verified", citizen.cccd, Decision.ANSWERED
            person.reason = f"{who_said} trả lời CCCD {citizen.cccd}: họ tên và năm sinh khớp CSDL dân cư"
        elif result == "differs":  # the department looks at it: proposed, not linked
            person.status, person.person_id, person.decision = "review", citizen.cccd, Decision.ANSWERED
            person.reason = (f"{who_said} trả lời CCCD {citizen.cccd}, nhưng CSDL dân cư ghi {citizen.full_name}, "
                             f"sinh {citizen.birth_date:%d/%m/%Y}: họ tên hoặc năm sinh khác sổ, cần cán bộ quyết định")
        else:  # the department decides what to do with the record (mark it checked once it has acted)
            person.decision = Decision.UNRESOLVABLE
            person.reason = f"{who_said} báo không xác định được: {question.answer_note}"
        person.decided_by, person.decided_at = _user(who), timezone.now()
        person.save(update_fields=["status", "person_id", "reason", "decision", "decided_by", "decided_at"])
        if result == "unresolvable":  # an earlier check of the record did not see this
            Record.objects.filter(pk=person.record_id).update(checked_at=None, checked_by=None)
        states.refresh(Record.objects.filter(pk=person.record_id))
        _audit(who, person, "answer", {"before": before, "question": question.pk, "result": result,
                                       "cccd": question.answer_cccd, "note": question.answer_note})
    return question


def _user(who):
    """The signed-in user of a request (or a user given as it is), else None (a job, an anonymous call)."""
    user = getattr(who, "user", who)
    return user if getattr(user, "is_authenticated", False) else None
