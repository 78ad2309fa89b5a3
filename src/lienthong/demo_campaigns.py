"""The registry campaigns of `lienthong demo-setup`: one department officer per registry and one campaign per
profile, each imported from a demo file written with the usual damage (lienthong.demo) through the same import
officers use (beside demo_site, not in the campaigns app: it writes the files with lienthong.demo, which stands
above the apps); the marriage campaign's unresolved persons are sent to their communes, so the communes' question
lists have something to answer and the board shows every state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lienthong.registries.profiles import PROFILES

# username, registry, description
DEPARTMENT_USERS = (
    ("tuphap", "marriage", "Cán bộ Sở Tư pháp (hộ tịch)"),
    ("giaoduc", "student", "Cán bộ Sở Giáo dục và Đào tạo"),
    ("nongnghiep", "land", "Cán bộ Sở Nông nghiệp và Môi trường (đất đai)"),
    ("noivu", "martyr", "Cán bộ Sở Nội vụ (người có công)"),
    ("noivu_canbo", "staff", "Cán bộ Sở Nội vụ (tổ chức cán bộ, Bình dân học vụ số)"),
)
# profile: (file, title, department, deadline, records)
CAMPAIGNS = {
    "marriage": ("marriages.csv", "Làm sạch dữ liệu đăng ký kết hôn", "Sở Tư pháp", date(2026, 9, 30), 600),
    "student": ("students.csv", "Cập nhật dữ liệu học sinh", "Sở Giáo dục và Đào tạo", date(2027, 3, 31), 600),
    "land": ("land.csv", "Cập nhật dữ liệu đất đai", "Sở Nông nghiệp và Môi trường", date(2027, 3, 31), 400),
    "martyr": ("martyrs.csv", "Cập nhật dữ liệu liệt sĩ và thân nhân", "Sở Nội vụ", date(2027, 3, 31), 300),
    # the staff register of the departments and of this many communes (digital literacy: lienthong.board)
    "staff": ("staff.csv", "Danh sách cán bộ, công chức năm 2026", "Sở Nội vụ", date(2026, 12, 31), 8),
}


@dataclass(frozen=True)
class DemoCampaigns:
    campaigns: int
    records: int
    questions: int


def create_department_users(password: str) -> None:
    from lienthong.accounts.models import User

    for username, registry, description in DEPARTMENT_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={"role": "department"})
        user.role, user.registry, user.first_name = "department", registry, description
        user.set_password(password)
        user.save()


def _write(profile: str, files_dir: Path, n: int) -> Path:
    from lienthong.demo.land import write_land
    from lienthong.demo.marriages import write_marriages
    from lienthong.demo.students import write_students

    pop, out = files_dir / "population.csv", files_dir / "campaigns"
    out.mkdir(parents=True, exist_ok=True)
    name = CAMPAIGNS[profile][0]
    if profile == "marriage":
        write_marriages(pop, out / name, out / "marriages-truth.csv", marriages=n)
    elif profile == "student":
        write_students(pop, files_dir / "households.csv", out / name, out / "students-truth.csv", students=n)
    elif profile == "land":
        write_land(pop, out / name, out / "land-truth.csv", parcels=n, households=files_dir / "households.csv")
    elif profile == "staff":
        from lienthong.demo.staff import write_staff

        write_staff(pop, out / name, out / "staff-truth.csv", out / "completions.xlsx", out / "completions-truth.csv",
                    communes=n)
    else:
        from lienthong.demo.martyrs import write_martyrs

        write_martyrs(pop, out / name, out / "martyrs-truth.csv", martyrs=n)
    return out / name


def setup_campaigns(files_dir: Path, password: str) -> DemoCampaigns:
    """Idempotent: a campaign already loaded (same title) is kept as it is."""
    from lienthong.accounts.models import User
    from lienthong.campaigns import actions
    from lienthong.campaigns.importing import import_campaign
    from lienthong.campaigns.models import Campaign

    create_department_users(password)
    records = questions = 0
    for profile, (_name, title, department, deadline, n) in CAMPAIGNS.items():
        if profile not in PROFILES:
            continue
        user = User.objects.get(username=next(u for u, r, _ in DEPARTMENT_USERS if r == profile))
        campaign = Campaign.objects.filter(title=title).first()
        if campaign is None:
            path = _write(profile, files_dir, n)
            campaign = import_campaign(path.read_bytes(), path.name, profile=profile, title=title,
                                       department=department, deadline=deadline, user=user)
            if profile == "marriage":
                questions += len(actions.ask(actions.unresolved(campaign), user))
            if profile == "staff":  # the learning platform's list, as the keeper imports it
                from lienthong.board.importing import import_completions

                listed = path.parent / "completions.xlsx"
                import_completions(listed.read_bytes(), "hoan-thanh-binh-dan-hoc-vu-so.xlsx", user)
        records += campaign.records
    return DemoCampaigns(Campaign.objects.count(), records, questions)
