"""What officers do in a campaign: confirm or reject the engine's proposal, ask the commune, the commune's answer
re-checked against the population database; each act recomputes the record's state and is audited."""
from __future__ import annotations

import pytest

from lienthong.accounts.models import AuditEvent
from lienthong.campaigns import actions
from lienthong.campaigns.actions import CampaignError
from lienthong.campaigns.models import Decision, Person, Question, QuestionState, Record
from lienthong.population.models import Citizen


def _unlinked(campaign, **extra) -> Person:
    return (Person.objects.filter(record__campaign=campaign, linkable=True, record__duplicate_of="", record__flags=[], **extra)
            .exclude(status__in=("verified", "matched")).select_related("record").first())


def _someone_else(person) -> Citizen:
    return Citizen.objects.exclude(cccd=person.person_id).first()


def test_confirm_links_the_proposal_and_may_clean_the_record(marriage_campaign, department_user):
    p = Person.objects.filter(record__campaign=marriage_campaign, status="review").exclude(person_id="").first()
    assert p is not None
    actions.confirm(p, department_user)
    p.refresh_from_db()
    assert p.status == "verified" and p.decision == Decision.CONFIRMED and p.decided_by == department_user
    event = AuditEvent.objects.filter(object_type="campaign_person", object_id=str(p.pk)).get()
    assert event.detail["cccd"] == p.person_id and event.detail["before"]["status"] == "review"
    rec = Record.objects.get(pk=p.record_id)
    others_resolved = all(o.resolved for o in rec.people.all())
    assert rec.state == ("clean" if others_resolved and not rec.flags and not rec.duplicate_of else rec.state)


def test_confirm_refuses_a_cccd_that_is_not_in_the_population(marriage_campaign, department_user):
    p = _unlinked(marriage_campaign)
    with pytest.raises(CampaignError) as bad:
        actions.confirm(p, department_user, cccd="091090123456")
    assert bad.value.code == "not_in_population"
    with pytest.raises(CampaignError) as bad:
        actions.confirm(p, department_user, cccd="12345")
    assert bad.value.code == "bad_cccd"
    p.refresh_from_db()
    assert p.decision == "" and not AuditEvent.objects.filter(object_type="campaign_person").exists()


def test_reject_ask_and_a_commune_answer(marriage_campaign, department_user, make_user):
    p = _unlinked(marriage_campaign)
    code = p.record.commune_code
    commune = make_user("xa_test", "commune", communes=(code,))
    elsewhere = make_user("xa_khac", "commune", communes=("99999",))
    if p.person_id:
        actions.reject(p, department_user)
    [q] = actions.ask(Person.objects.filter(pk=p.pk), department_user)
    assert Record.objects.get(pk=p.record_id).state == "commune"
    with pytest.raises(CampaignError) as again:
        actions.ask(Person.objects.filter(pk=p.pk), department_user)
    assert again.value.code == "already_asked"
    assert list(Question.objects.visible_to(commune)) == [q]
    assert not Question.objects.visible_to(elsewhere).exists()
    assert Record.objects.visible_to(commune).filter(pk=p.record_id).exists()
    assert not Record.objects.visible_to(elsewhere).exists()
    # A wrong CCCD is refused and stores nothing; the right one verifies the person and frees the record.
    with pytest.raises(CampaignError):
        actions.answer(q, commune, cccd="000000000000")
    q.refresh_from_db()
    assert q.state == QuestionState.OPEN
    truth = Citizen.objects.filter(full_name=p.name).first()
    if truth is None:  # the book's spelling differs from the population's: the answer says "differs"
        truth = _someone_else(p)
    actions.answer(q, commune, cccd=truth.cccd, note="đã gặp")
    q.refresh_from_db()
    p.refresh_from_db()
    assert q.state == QuestionState.CLOSED and q.answered_by == commune
    if actions.agrees(p, truth):
        assert q.answer_result == "verified" and p.status == "verified" and p.person_id == truth.cccd
    else:
        assert q.answer_result == "differs" and p.status == "review"
    assert Record.objects.get(pk=p.record_id).state != "commune"
    with pytest.raises(CampaignError) as closed:
        actions.answer(q, commune, cccd=truth.cccd)
    assert closed.value.code == "closed"


def test_an_unresolvable_answer_needs_a_note_and_resolves_the_person(marriage_campaign, department_user, make_user):
    p = _unlinked(marriage_campaign)
    commune = make_user("xa_test", "commune", communes=(p.record.commune_code,))
    [q] = actions.ask(Person.objects.filter(pk=p.pk), department_user)
    with pytest.raises(CampaignError) as bad:
        actions.answer(q, commune, unresolvable=True)
    assert bad.value.code == "need_note"
    actions.answer(q, commune, unresolvable=True, note="Đã chuyển đi nước ngoài năm 2019")
    p.refresh_from_db()
    assert p.decision == Decision.UNRESOLVABLE and not p.resolved and "Đã chuyển đi" in p.reason
    assert not actions.unresolved(marriage_campaign).filter(pk=p.pk).exists()  # not asked again
    # The record waits on the department (what does the registry do?), not clean, until it has checked it.
    record = Record.objects.get(pk=p.record_id)
    assert record.state == "review"
    actions.check_record(record, department_user, "Ghi chú vào sổ: đã chuyển đi")
    record.refresh_from_db()
    others = [o for o in record.people.all() if o.pk != p.pk]
    assert record.state == ("clean" if all(o.resolved for o in others) and not record.duplicate_of
                            and not [f for f in record.flags if f != "matched_by_household"] else "review")


def test_a_given_cccd_whose_person_differs_needs_the_officers_word(marriage_campaign, department_user):
    p = _unlinked(marriage_campaign)
    stranger = Citizen.objects.exclude(full_name=p.name).exclude(cccd=p.person_id).first()
    with pytest.raises(CampaignError) as differs:
        actions.confirm(p, department_user, cccd=stranger.cccd)
    assert differs.value.code == "differs" and differs.value.params["name"] == stranger.full_name
    p.refresh_from_db()
    assert p.status != "verified"
    actions.confirm(p, department_user, cccd=stranger.cccd, anyway=True)
    p.refresh_from_db()
    assert p.status == "verified" and p.person_id == stranger.cccd and "đã kiểm tra giấy tờ" in p.reason


def test_checking_a_flagged_record(marriage_campaign, department_user):
    rec = Record.objects.filter(campaign=marriage_campaign).exclude(duplicate_of="").first()
    assert rec.state == "review"
    actions.check_record(rec, department_user, "Đăng ký lại năm 2018, giữ bản ghi gốc")
    rec.refresh_from_db()
    assert rec.checked_at is not None
    assert rec.state == ("clean" if all(p.resolved for p in rec.people.all()) else "review")


def test_ask_all_sends_every_unresolved_person_once(marriage_campaign, department_user):
    n = actions.unresolved(marriage_campaign).count()
    assert n > 0
    made = actions.ask(actions.unresolved(marriage_campaign), department_user)
    assert len(made) == n and actions.unresolved(marriage_campaign).count() == 0
    assert not Person.objects.filter(record__campaign=marriage_campaign, linkable=False).exists()


def test_the_police_are_asked_apart_from_the_commune(marriage_campaign, department_user, make_user):
    p = _unlinked(marriage_campaign)
    code = p.record.commune_code
    police = make_user("ca_test", "police", communes=(code,))
    commune = make_user("xa_test", "commune", communes=(code,))
    [q] = actions.ask(Person.objects.filter(pk=p.pk), department_user, kind="police")
    assert list(Question.objects.visible_to(police)) == [q]
    assert not Question.objects.visible_to(commune).exists()
    actions.answer(q, police, unresolvable=True, note="Không có trong hồ sơ cư trú")
    p.refresh_from_db()
    assert p.reason.startswith("công an báo không xác định được")


def test_a_confirm_or_a_reject_is_undone(marriage_campaign, department_user, client_for):
    p = Person.objects.filter(record__campaign=marriage_campaign, status="review").exclude(person_id="").first()
    before = (p.status, p.person_id, p.reason, Record.objects.get(pk=p.record_id).state)
    actions.reject(p, department_user)
    p.refresh_from_db()
    assert p.status == "not_found" and p.person_id == ""
    r = client_for(department_user).post(f"/so-dang-ky/{marriage_campaign.pk}/nguoi/{p.pk}/hoan-tac/")
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.person_id, p.reason, Record.objects.get(pk=p.record_id).state) == before
    assert p.decision == "" and p.previous == {}
    assert [e.detail["undone"]["decision"] for e in AuditEvent.objects.filter(object_type="campaign_person")
            if "undone" in e.detail] == ["rejected"]
    with pytest.raises(CampaignError) as nothing:
        actions.undo(p, department_user)
    assert nothing.value.code == "nothing_to_undo"
