"""`lienthong demo-setup`: a working demo province in one command.

Migrates the database, writes the synthetic demo files (lienthong.demo), imports the registry through the
same importer officers use, and creates one demo login per role. Idempotent: a second run re-imports
(which changes nothing) and resets the demo passwords.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEMO_PASSWORD = "AnGiang-2025"

# username, role, communes (2025 codes), description
DEMO_USERS = (
    ("quantri", "admin", (), "Quản trị tỉnh"),
    ("thuysan", "fisheries", (), "Cán bộ Chi cục Thủy sản"),
    ("cang", "port", (), "Cán bộ cảng cá"),
    ("xa_phuquoc", "commune", ("31078",), "Cán bộ đặc khu Phú Quốc"),
    ("congan_phuquoc", "police", ("31078",), "Công an đặc khu Phú Quốc"),
    ("xem", "viewer", (), "Chỉ xem"),
    ("tn_rachgia", "centre", ("30742",), "Cán bộ tiếp nhận, Trung tâm PVHCC phường Rạch Giá"),
    ("cb_rachgia", "centre", ("30742",), "Cán bộ xử lý hồ sơ (Tư pháp), phường Rạch Giá"),
    ("tnv_rachgia", "volunteer", (), "Tình nguyện viên thanh niên, phường Rạch Giá"),
)


@dataclass
class DemoSetup:
    files_dir: Path
    import_status: str
    rows_total: int
    rows_rejected: int
    population_rows: int
    users: tuple
    procedures: int = 0
    dossiers: int = 0
    vessel_dossiers: int = 0
    centre_seconds: float = 0.0
    hall: object = None  # hall.demo.DemoHall
    campaigns: object = None  # campaigns.demo.DemoCampaigns
    vms: object = None  # demo_vms.DemoVms


def create_demo_users(password: str = DEMO_PASSWORD) -> tuple:
    from lienthong.accounts.models import AreaScope, User

    for username, role, communes, description in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role = role
        user.first_name = description
        user.is_staff = role == "admin"
        user.is_superuser = role == "admin"
        user.set_password(password)
        user.save()
        for code in communes:
            AreaScope.objects.get_or_create(user=user, commune_code=code)
    return DEMO_USERS


def setup(files_dir: Path, *, vessels: int = 10026, population: int = 200_000, password: str = DEMO_PASSWORD) -> DemoSetup:
    from django.core.management import call_command

    from lienthong.demo import generate
    from lienthong.fleet.importer import import_registry
    from lienthong.population.extract import import_extract

    call_command("migrate", verbosity=0, interactive=False)
    files_dir.mkdir(parents=True, exist_ok=True)
    files = generate(files_dir, vessels=vessels, population=population)
    users = create_demo_users(password)
    from lienthong.port.demo import create_demo_ports

    create_demo_ports()
    from lienthong.signing.demo import create_demo_signers

    create_demo_signers()
    from lienthong.accounts.models import User

    result = import_registry(files.registry_xlsx, file_name=files.registry_xlsx.name, user=User.objects.get(username="thuysan"))
    # The demo's population source is the local extract (issue 4): imported once, replaced on a re-run.
    extract = import_extract(files.population)
    # The one-stop centre: the procedure catalogue (shipped workbook, same importer) and a month of Rạch Giá's dossiers.
    from lienthong.onestop.demo import setup_centre

    centre = setup_centre(files_dir, files.population)
    from lienthong.hall.demo import setup_hall

    hall = setup_hall()
    # The departments' registries (marriage, student, land, martyr), one campaign each.
    from lienthong.demo_campaigns import setup_campaigns

    campaigns = setup_campaigns(files_dir, password)
    # The steering board's budget: the Department of Finance's sheet of the last two years (digital literacy came
    # with the campaigns: the staff register and the learning platform's list).
    from lienthong.board.budget import import_budget
    from lienthong.demo.budget import write_budget

    write_budget(files_dir / "ngan-sach-chuyen-doi-so.xlsx")
    import_budget((files_dir / "ngan-sach-chuyen-doi-so.xlsx").read_bytes(), "ngan-sach-chuyen-doi-so.xlsx",
                  User.objects.get(username="quantri"))
    _volunteer_visits(User.objects.get(username="tnv_rachgia"))
    # Vessel monitoring: a month of positions of the vessels of 15 m and over, ending now, and their alerts.
    from lienthong.demo_vms import setup_vms

    vms = setup_vms(files_dir, password)
    return DemoSetup(files_dir, result.status, result.rows_total, result.rows_rejected, extract.rows, users,
                     centre.procedures, centre.dossiers, centre.vessel_dossiers, centre.seconds, hall,
                     campaigns, vms)


def _volunteer_visits(volunteer, weeks: int = 8) -> int:
    """The youth volunteers' last weeks of visits to households, logged as the phone form logs them (idempotent: each
    visit's id is drawn from a seeded generator, so a second demo-setup stores none twice)."""
    import random
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from lienthong.board import volunteers
    from lienthong.board.models import HelpVisit

    rng = random.Random("20250930:visits")
    communes = [c.code for c in volunteers.communes()]
    home = ["30742", "31078", "30307", "30316"]  # Rạch Giá, Phú Quốc, Long Xuyên, Châu Đốc: where the demo volunteers work
    now = timezone.now()
    made = 0
    for _ in range(weeks * 25):
        commune = rng.choice(home) if rng.random() < 0.8 else rng.choice(communes)
        when = now - timedelta(days=rng.uniform(0, weeks * 7 - 1))
        topics = rng.sample(HelpVisit.Topic.values, k=rng.choice((1, 1, 2, 3)))
        _v, created = volunteers.log_visit(
            volunteer, client_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), commune_code=commune,
            household=f"Số {rng.randint(1, 250)}, ấp {rng.randint(1, 9)}", people=rng.choice((1, 1, 2, 2, 3, 4, 6)),
            topics=topics, minutes=rng.choice((15, 20, 30, 45, 60, 90)), visited_at=when)
        made += created
    return made

