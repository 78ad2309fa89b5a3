"""Run in a demo site's environment (`python onestop_data.py`, or imported by layout_data.py): one-stop centres
for two demo communes, a centre officer, and last month's dossiers through the lifecycle (on time and late,
online and at the counter, digitised or not, known to the national portal or not), ratings and a complaint,
so the indicators page has figures to show. Writes the period's ?ky= value to DATA_DIR/indicators-period.txt."""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from lienthong.accounts.models import AreaScope, User  # noqa: E402
from lienthong.demo_site import DEMO_PASSWORD  # noqa: E402
from lienthong.onestop import lifecycle  # noqa: E402
from lienthong.onestop.indicators.compute import Period  # noqa: E402
from lienthong.onestop.models import Agency, Channel, Complaint, DossierComponent, PortalOutbox, Procedure, Rating  # noqa: E402
from lienthong.workdays import VN_TZ  # noqa: E402

CENTRES = (("000.00.31.H56", "Trung tâm Phục vụ hành chính công đặc khu Phú Quốc", "31078"),
           ("000.00.06.H56", "Trung tâm Phục vụ hành chính công phường Rạch Giá", "30742"))
APPLICANT = lifecycle.Applicant(cccd="091085001234", full_name="Nguyễn Thị Ánh")


def last_month() -> Period:
    today = timezone.now().astimezone(VN_TZ).date()
    return Period.containing("month", today.replace(day=1) - timedelta(days=1))


def indicators() -> Period:
    admin = User.objects.get(username="quantri")
    officer, _ = User.objects.get_or_create(username="tn_phuquoc", defaults={"role": "centre"})
    officer.set_password(DEMO_PASSWORD)
    officer.save()
    AreaScope.objects.get_or_create(user=officer, commune_code="31078")
    marriage, _ = Procedure.objects.get_or_create(
        code="1.000894.000.00.00.H56", defaults={"national_code": "1.000894", "name": "Đăng ký kết hôn",
                                                "field": "Hộ tịch", "processing_days": 5})
    period = last_month()
    for n, (code, name, commune) in enumerate(CENTRES):
        agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": name, "commune_code": commune})
        marriage.agencies.add(agency)
        for k in range(10 + 4 * n):
            at = datetime.combine(period.first_day + timedelta(days=1 + k % 9), datetime.min.time(), tzinfo=VN_TZ) \
                + timedelta(hours=8, minutes=k)
            parts = [lifecycle.ComponentIn("Tờ khai đăng ký kết hôn")]
            if k % 3 == 0:
                d = lifecycle.create_dossier(None, agency=agency, procedure=marriage, channel=Channel.ONLINE,
                                             applicant=APPLICANT, components=parts, at=at)
                lifecycle.step(d, admin, "accept", at=at + timedelta(minutes=20))
            else:
                d = lifecycle.create_dossier(admin, agency=agency, procedure=marriage, channel=Channel.COUNTER,
                                             applicant=APPLICANT, components=parts, at=at)
            if k % 5 != 4:  # one in five still open (late by now)
                done = at + timedelta(days=12 if k % 4 == 1 else 2)
                lifecycle.step(d, admin, "assign", department="Tư pháp - Hộ tịch", at=done - timedelta(hours=2))
                lifecycle.step(d, admin, "finish", at=done)
                if k % 2 == 0:
                    Rating.objects.create(dossier=d, reception=5, handling=5 if k % 4 == 0 else 2,
                                          at=done + timedelta(hours=1))
            if k % 2 == 0:
                DossierComponent.objects.filter(dossier=d).update(digitised=True)
            if k % 4 != 3:
                PortalOutbox.objects.filter(dossier=d).update(sent_at=at + timedelta(hours=1))
        Complaint.objects.create(agency=agency, received_at=period.start + timedelta(days=3),
                                 due_at=period.start + timedelta(days=13),
                                 answered_at=period.start + timedelta(days=5 + 10 * n))
    Path(settings.DATA_DIR, "indicators-period.txt").write_text(period.value)
    return period


if __name__ == "__main__":
    indicators()
