"""Review decisions (issue 8, items 13 and 12): the default only at the engine's threshold, undo,
the score explained as a sum that adds up, level names in words, and a queue that pages and counts.

The proposals are real engine output: a local sync run over the demo province, after some owners
lost their ID (and, for some, their birth date) in the registry, so the engine must ask a person."""
from __future__ import annotations

import math
import re
from datetime import UTC
from decimal import Decimal

import pytest
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.models import Owner
from lienthong.linkage.decide import Thresholds
from lienthong.population.models import Citizen, Extract
from lienthong.sync import actions, engine, explain, identity_changes, linking
from lienthong.sync.models import IdentityChange, IdentityDecision, SyncItem

PASSWORD = "mat-khau-thu-nghiem-2025"  # tests/conftest.py PASSWORD

RAW_CODES = {"exact", "folded", "similar", "different", "null", "one_missing", "part", "swapped", "year_only",
             "same_year", "year_off_by_one", "one_digit", "transposition", "candidate", "exact_folded",
             "middle_dropped", "family_variant", "given_only", "same"}


def _damage(owners):
    """The owners lose their ID; most also their birth date, written as a year one off: the engine asks a person."""
    for n, owner in enumerate(owners):
        c = Citizen.objects.get(cccd=owner.verified_cccd)
        fields = {"raw_id_number": "", "id_number": ""}
        if n % 3:
            fields.update(raw_birth_date=str(c.birth_year + 1), birth_year=c.birth_year + 1, birth_date=None)
        Owner.objects.filter(pk=owner.pk).update(**fields)


@pytest.fixture
def proposals(synced, fisheries_user):
    owners = list(Owner.objects.filter(identity_status__in=("verified", "matched")).order_by("pk")[:24])
    _damage(owners)
    Extract.objects.create(file_name="edited.csv", sha256="e" * 64, rows=Citizen.objects.count())
    engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    items = list(SyncItem.objects.filter(review="open").order_by("owner_id"))
    assert len(items) >= 4, "the damaged owners must leave proposals to review"
    return items


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _proposal_html(html: str, item_pk: int) -> str:
    start = html.index(f'data-item="{item_pk}"')
    end = html.find("</article>", start)
    return html[start:end]


def _number(text: str, lang: str = "vi") -> Decimal:
    """A number as the page shows it (1.250,5 / 1,250.5; true minus sign)."""
    t = text.strip().replace("−", "-").replace("+", "")
    t = t.replace(".", "").replace(",", ".") if lang == "vi" else t.replace(",", "")
    return Decimal(t)


# --- the default exists only at the engine's threshold ----------------------------------------------------
def test_the_default_is_the_best_candidate_only_at_or_above_the_threshold():
    t = explain.auto_weight()
    assert t == Thresholds().auto_weight == linking.THRESHOLDS.auto_weight
    low = {"cccd": "1", "match_weight": -2.6, "probability": 1 / (1 + 2 ** 2.6)}  # 14 %
    assert round(low["probability"], 2) == 0.14
    assert explain.default_candidate([low]) is None
    assert explain.default_candidate([{"cccd": "2", "match_weight": t - 0.01}, low]) is None
    at = {"cccd": "3", "match_weight": t}
    assert explain.default_candidate([low, at]) is at
    # Two candidates above the threshold: the choice is the officer's.
    assert explain.default_candidate([at, {"cccd": "4", "match_weight": t + 5}]) is None


def test_below_the_threshold_nothing_is_preselected_and_confirm_is_refused(proposals, client, fisheries_user):
    below = [i for i in proposals if max(c["match_weight"] for c in i.candidates) < explain.auto_weight()]
    assert below, "the demo leaves proposals below the threshold"
    html = _login(client, fisheries_user).get(reverse("sync-review")).content.decode()
    for item in below:
        block = _proposal_html(html, item.pk)
        assert 'data-default=""' in block and "btn-primary" not in block and 'value="confirm"' not in block
        assert 'data-testid="no-default"' in block
    item = below[0]
    owner_before = Owner.objects.values("identity_status", "verified_cccd").get(pk=item.owner_id)
    r = client.post(reverse("sync-review-decide", args=[item.pk]), {"action": "confirm"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 409
    assert Owner.objects.values("identity_status", "verified_cccd").get(pk=item.owner_id) == owner_before
    assert SyncItem.objects.get(pk=item.pk).review == "open"


def test_at_the_threshold_the_best_candidate_is_the_primary_default(proposals, client, fisheries_user, monkeypatch):
    # The same real proposals, with the engine's threshold where their best candidates stand.
    tops = sorted(max(c["match_weight"] for c in i.candidates) for i in proposals)
    monkeypatch.setattr(linking, "THRESHOLDS", Thresholds(auto_weight=tops[len(tops) // 2]))
    html = _login(client, fisheries_user).get(reverse("sync-review")).content.decode()
    for item in proposals:
        block = _proposal_html(html, item.pk)
        default = explain.default_candidate(item.candidates)
        if default is None:
            assert "btn-primary" not in block
            continue
        assert f'data-default="{default["cccd"]}"' in block
        assert block.count("btn-primary") == 1
        section = block[block.index(f'data-cccd="{default["cccd"]}"'):]
        assert section.index("btn-primary") < section.index("</section>")
    assert any(explain.default_candidate(i.candidates) for i in proposals)
    assert any(explain.default_candidate(i.candidates) is None for i in proposals)
    item = next(i for i in proposals if explain.default_candidate(i.candidates))
    r = client.post(reverse("sync-review-decide", args=[item.pk]), {"action": "confirm"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and r.json()["cccd"] == explain.default_candidate(item.candidates)["cccd"]


# --- undo -------------------------------------------------------------------------------------------------
def _identity(owner_pk):
    return Owner.objects.values("identity_status", "verified_cccd", "verified_name", "verified_at").get(pk=owner_pk)


@pytest.mark.parametrize("action", ["choose", "reject"])
def test_undo_restores_the_previous_identity_exactly_and_is_audited(proposals, client, fisheries_user, action,
                                                                   make_user):
    item = proposals[0]
    # A previous state with every field set: as a sync run leaves a matched owner.
    Owner.objects.filter(pk=item.owner_id).update(identity_status="review", verified_cccd="", verified_name="",
                                                  verified_at=None)
    before = _identity(item.owner_id)
    c = _login(client, fisheries_user)
    cccd = item.candidates[-1]["cccd"]
    r = c.post(reverse("sync-review-decide", args=[item.pk]), {"action": action, "cccd": cccd},
               HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    decision = IdentityDecision.objects.get(pk=r.json()["decision"])
    assert _identity(item.owner_id) != before
    assert item.pk not in actions.review_queue_ids()
    r = c.post(r.json()["undo_url"], HTTP_ACCEPT="application/json")
    assert r.status_code == 200, r.content
    undone_by = fisheries_user
    if action == "choose":  # the choice verified the owner: undoing it changes a resolved identity (issue 9)
        assert r.json()["pending"] and _identity(item.owner_id) != before
        undone_by = make_user("thuysan2", "fisheries")
        identity_changes.approve(undone_by, IdentityChange.objects.get(pk=r.json()["change"]))
    assert _identity(item.owner_id) == before
    assert SyncItem.objects.get(pk=item.pk).review == "open" and item.pk in actions.review_queue_ids()
    decision.refresh_from_db()
    assert decision.undone and decision.undone_by == fisheries_user
    event = AuditEvent.objects.filter(object_type="owner", object_id=str(item.owner_id), detail__undo=decision.pk).get()
    assert event.username == undone_by.username
    assert event.detail["action"] == action and event.detail["restored"]["identity_status"] == "review"
    # Undone once: a second undo is refused; the proposal can be decided again.
    assert c.post(reverse("sync-review-undo", args=[decision.pk]), HTTP_ACCEPT="application/json").status_code == 409
    r = c.post(reverse("sync-review-decide", args=[item.pk]), {"action": "reject"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 200


def test_undo_restores_a_verified_owner_with_its_timestamp(proposals, fisheries_user, make_user):
    from datetime import datetime

    item = proposals[1]
    first = item.candidates[0]
    stamp = datetime(2025, 7, 1, 1, 2, 3, 456789, tzinfo=UTC)
    Owner.objects.filter(pk=item.owner_id).update(identity_status="matched", verified_cccd=first["cccd"],
                                                  verified_name=first["name"], verified_at=stamp)
    before = _identity(item.owner_id)
    # Rejecting a matched owner changes a resolved identity: a second officer approves it (issue 9).
    change = actions.decide_review(fisheries_user, item, "reject")
    assert _identity(item.owner_id) == before
    identity_changes.approve(make_user("thuysan2", "fisheries"), change)
    decision = IdentityDecision.objects.get(owner_id=item.owner_id, action="reject")
    assert _identity(item.owner_id)["verified_at"] is None
    actions.undo_decision(fisheries_user, decision)
    assert _identity(item.owner_id) == before and before["verified_at"] == stamp


def test_undo_is_refused_when_the_identity_changed_since(proposals, fisheries_user, admin_user, make_user):
    item = proposals[0]
    decision = actions.decide_review(fisheries_user, item, "reject")
    colleague = make_user("thuysan2", "fisheries")
    with pytest.raises(actions.ActionError):
        actions.undo_decision(colleague, decision)  # only the officer who decided, or an administrator
    Owner.objects.filter(pk=item.owner_id).update(identity_status="verified", verified_cccd="089080000001")
    with pytest.raises(actions.ActionError):
        actions.undo_decision(admin_user, decision)
    assert not IdentityDecision.objects.get(pk=decision.pk).undone


def test_a_sync_run_after_an_undo_may_decide_the_owner_again(proposals, fisheries_user):
    item = proposals[0]
    decision = actions.decide_review(fisheries_user, item, "reject")
    actions.undo_decision(fisheries_user, decision)
    Extract.objects.create(file_name="again.csv", sha256="f" * 64, rows=Citizen.objects.count())
    run = engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    again = SyncItem.objects.get(run=run, vessel_id=item.vessel_id)
    assert again.reason != "giữ quyết định của cán bộ" and again.review == "open"


def test_the_page_offers_undo_after_a_decision_and_in_the_decided_list(proposals, client, fisheries_user):
    item = proposals[0]
    c = _login(client, fisheries_user)
    r = c.post(reverse("sync-review-decide", args=[item.pk]), {"action": "reject", "page": "1"})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    decision = IdentityDecision.objects.get(sync_item=item)
    assert reverse("sync-review-undo", args=[decision.pk]) in page and 'data-testid="undo-bar"' in page
    assert "hidden" not in page[page.index('data-testid="undo-bar"'):page.index('data-testid="undo-bar"') + 80]
    listed = c.get(reverse("sync-review-decided")).content.decode()
    assert f'data-decision="{decision.pk}"' in listed and reverse("sync-review-undo", args=[decision.pk]) in listed
    r = c.post(reverse("sync-review-undo", args=[decision.pk]))
    listed = c.get(reverse("sync-review-decided")).content.decode()
    row = listed[listed.index(f'data-decision="{decision.pk}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-testid="undone"' in row and fisheries_user.username in row


# --- the score adds up ----------------------------------------------------------------------------------------
def _check_sums(candidates):
    for cand in candidates:
        e = explain.explain(cand)
        shown = [p.weight for p in e.parts]
        assert sum(shown, Decimal(0)) == e.total
        assert abs(float(e.total) - cand["match_weight"]) <= 0.05 + 1e-9  # rounded to 0.1: half a unit, float noise
        # The parts are the engine's: prior + comparisons = its match weight (up to the stored rounding).
        assert abs(sum(p.exact for p in e.parts) - cand["match_weight"]) < 0.01
        assert math.isclose(e.probability, 1 / (1 + 2 ** -cand["match_weight"]), rel_tol=1e-3, abs_tol=1e-6)
        assert all(abs(float(p.weight) - p.exact) <= 0.1 + 1e-9 for p in e.parts)


def test_the_local_engine_scores_add_up_from_their_parts(proposals):
    cands = [c for i in proposals for c in i.candidates]
    assert cands and all("prior_weight" in c for c in cands)
    _check_sums(cands)


def test_the_remote_scores_add_up_from_their_parts(proposals, population_serve_port):
    from lienthong.population.client import HttpPopulationSource
    from lienthong.sync.linking import RemoteLinker

    from .conftest import POPULATION_TOKEN

    owners = list(Owner.objects.order_by("pk")[:60])  # damaged and intact: searches and verifies
    with HttpPopulationSource(f"http://127.0.0.1:{population_serve_port}", POPULATION_TOKEN, 2000) as source:
        linker = RemoteLinker(source, lookup_threads=4)
        try:
            outcomes = engine.link_owners(linker, owners)
        finally:
            linker.close()
    cands = [c for o in outcomes.values() for c in o.candidates]
    assert len(cands) > 20 and all("prior_weight" in c for c in cands)
    _check_sums(cands)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_shows_parts_that_sum_to_the_total_in_words(proposals, client, fisheries_user, lang):
    c = _login(client, fisheries_user)
    if lang == "en":
        c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = c.get(reverse("sync-review")).content.decode()
    assert ("Hiển thị" in html) == (lang == "vi")
    tables = re.findall(r'<table class="table compact explain".*?</table>', html, re.S)
    assert len(tables) == sum(len(i.candidates) for i in proposals)
    for table in tables:
        parts = [_number(t, lang) for t in re.findall(r'data-testid="part-weight">([^<]+)<', table)]
        total = _number(re.search(r'data-testid="total">([^<]+)<', table).group(1), lang)
        assert parts and sum(parts, Decimal(0)) == total
        levels = [t.strip() for t in re.findall(r'data-testid="part-level">([^<]*)<', table)]
        assert levels[0] == "" and all(levels[1:])  # the prior has no level; every comparison has words
        # English words may be "same" or "different"; never the engine's codes ("exact", "year_only", "null")
        codes = RAW_CODES if lang == "vi" else RAW_CODES - {"same", "different", "similar"}
        for words in levels[1:]:
            assert words not in codes and "_" not in words
    words = " ".join(re.findall(r'data-testid="part-level">([^<]*)<', html))
    if lang == "vi":
        assert "giống" in words or "trùng" in words
    else:
        assert "same" in words


# --- the queue pages and its counts never lie -------------------------------------------------------------------
def test_the_queue_pages_with_the_true_count(proposals, client, fisheries_user, monkeypatch):
    monkeypatch.setattr(actions, "REVIEW_PAGE_SIZE", 2)
    n = len(actions.review_queue_ids())
    assert n == len(proposals) >= 4
    c = _login(client, fisheries_user)
    seen = []
    for number in range(1, (n + 1) // 2 + 1):
        html = c.get(reverse("sync-review"), {"page": number}).content.decode()
        ids = [int(x) for x in re.findall(r'data-testid="proposal" data-item="(\d+)"', html)]
        assert len(ids) == min(2, n - 2 * (number - 1))
        start, end = 2 * (number - 1) + 1, 2 * (number - 1) + len(ids)
        assert re.search(rf'data-testid="review-start">{start}<.*data-testid="review-end">{end}<.*'
                         rf'data-testid="review-total">{n}<', html, re.S)
        assert "Hiển thị" in html and 'data-testid="pager"' in html
        if number * 2 < n:
            assert f'?page={number + 1}"' in html
        seen += ids
    assert sorted(seen) == sorted(actions.review_queue_ids()) and len(set(seen)) == n
