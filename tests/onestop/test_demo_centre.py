"""`lienthong demo-setup`'s one-stop centre: the catalogue and a month of Rạch Giá's dossiers, made only through the
lifecycle, in every state, for people of the demo population."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime, time

import pytest

from lienthong.accounts.models import User
from lienthong.onestop import timeliness
from lienthong.onestop.demo import CENTRE_CODE, setup_centre
from lienthong.onestop.models import Channel, Dossier, DossierStep, Procedure, State
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 0, 36, tzinfo=VN_TZ)  # the suite's pinned instant: Tuesday before the office opens


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    from lienthong.demo import generate

    return generate(tmp_path_factory.mktemp("demo-pop"), vessels=60, population=3000)


@pytest.fixture
def population(demo_files):
    return demo_files.population


@pytest.fixture
def centre_demo(demo_files, tmp_path):
    from lienthong.demo_site import create_demo_users
    from lienthong.fleet.importer import import_registry

    create_demo_users("mat-khau-demo")
    import_registry(demo_files.registry_xlsx, file_name="registry.xlsx")
    return setup_centre(tmp_path, demo_files.population, now=NOW)


def test_the_centre_gets_a_month_of_dossiers_in_every_state_in_office_hours_once(centre_demo, population, tmp_path):
    assert centre_demo.procedures == 30
    dossiers = list(Dossier.objects.filter(agency__code=CENTRE_CODE))
    vessel_dossiers = list(Dossier.objects.filter(agency__code="000.00.13.H56").select_related("procedure"))
    assert (len(dossiers), len(vessel_dossiers)) == (centre_demo.dossiers, centre_demo.vessel_dossiers)
    assert 200 <= len(dossiers) <= 400
    states = Counter(d.state for d in dossiers)
    assert set(states) == set(State.values), states
    assert states[State.RETURNED] > len(dossiers) / 2
    online = sum(d.channel == Channel.ONLINE for d in dossiers)
    assert 0.5 < online / len(dossiers) < 0.7
    helped = [d for d in dossiers if d.helped_by_id]
    assert helped and all(d.consent_at == d.submitted_at and d.channel == Channel.ONLINE for d in helped)
    assert {d.helped_by.username for d in helped} == {"tnv_rachgia"}
    marks = Counter(timeliness.of(d, NOW) for d in dossiers)
    assert marks[timeliness.EARLY] > marks[timeliness.LATE] > 10
    assert any(d.rescheduled_due_at for d in dossiers)  # form 04 apologies
    # Applicants are people of the demo population (the population source knows them).
    with open(population, encoding="utf-8", newline="") as fh:
        known = {row["cccd"]: row["full_name"] for row in csv.DictReader(fh)}
    assert all(known.get(d.applicant_cccd) == d.applicant_name for d in dossiers)

    # The vessel procedures' dossiers at the Sở Nông nghiệp và Môi trường name a registry vessel of the applicant.
    from lienthong.fleet.models import Vessel

    assert 10 <= len(vessel_dossiers) <= 24
    for d in vessel_dossiers:
        assert d.procedure.prefill == "vessel"
        assert Vessel.objects.get(registration_number=d.data["vessel"]).owner.id_number == d.applicant_cccd
    fisheries = User.objects.get(username="thuysan")
    assert set(Dossier.objects.visible_to(fisheries)) == set(vessel_dossiers)

    # Every step in office hours, before now, in order; the oldest thirty working days back.
    first = None
    for dossier in Dossier.objects.prefetch_related("steps"):
        steps = list(dossier.steps.order_by("id"))
        assert [s.at for s in steps] == sorted(s.at for s in steps)
        assert steps[0].action == ("submit" if dossier.channel == Channel.ONLINE else "receive")
        for s in steps:
            local = s.at.astimezone(VN_TZ)
            assert s.at <= NOW and local.weekday() < 5
            assert time(7) <= local.time() <= time(11, 30) or time(13, 30) <= local.time() <= time(17), (dossier.code, s.action, local)
            first = min(first or local, local)
    assert (NOW - first).days >= 35  # thirty working days back
    assert DossierStep.objects.filter(action="apologise").exists()

    # A second run adds nothing.
    before = Dossier.objects.count(), Procedure.objects.count()
    again = setup_centre(tmp_path, population, now=NOW)
    assert again.dossiers == again.vessel_dossiers == 0 and (Dossier.objects.count(), Procedure.objects.count()) == before
