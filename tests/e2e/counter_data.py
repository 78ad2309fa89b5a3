"""Run in a demo site's environment (`python counter_data.py`) after `lienthong demo-setup`: the Rạch Giá ward
centre with two procedures (one whose vessel papers the fleet registry holds), its counter officer, and the
QR code of a demo citizen who owns a vessel, written to counter.json in the data directory for the browser."""
from __future__ import annotations

import json
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
django.setup()

from lienthong.accounts.models import AreaScope, User  # noqa: E402
from lienthong.demo_site import DEMO_PASSWORD  # noqa: E402
from lienthong.fleet.models import Owner  # noqa: E402
from lienthong.identity.cccd import consistent_with  # noqa: E402
from lienthong.onestop.models import Agency, Procedure, ProcedureComponent  # noqa: E402
from lienthong.population.models import Citizen  # noqa: E402


def main() -> None:
    # A centre of its own (An Phú commune) with two procedures of its own (local suffix E2E): the demo's catalogue and
    # its Rạch Giá centre stay as they are, and this officer sees exactly these two procedures.
    centre = Agency.objects.create(code="000.00.99.H56", name="Trung tâm Phục vụ hành chính công xã An Phú",
                                   commune_code="30337")
    marriage = Procedure.objects.create(code="1.000894.000.00.00.E2E", national_code="1.000894",
                                        name="Đăng ký kết hôn", field="Hộ tịch", processing_days=5)
    fishery = Procedure.objects.create(code="1.004359.000.00.00.E2E", national_code="1.004359",
                                       name="Cấp lại Giấy phép khai thác thủy sản", field="Thủy sản",
                                       processing_days=3, fee_amount=40000, prefill="vessel")
    for p in (marriage, fishery):
        p.agencies.add(centre)
    ProcedureComponent.objects.create(procedure=marriage, position=1, name="Tờ khai đăng ký kết hôn")
    for i, (name, originals, copies) in enumerate([
        ("Đơn đề nghị cấp lại Giấy phép khai thác thủy sản", 1, 0), ("Giấy chứng nhận đăng ký tàu cá", 0, 1),
        ("Giấy chứng nhận an toàn kỹ thuật tàu cá", 0, 1), ("Danh sách thuyền viên tàu cá", 1, 0),
    ], start=1):
        ProcedureComponent.objects.create(procedure=fishery, position=i, name=name, originals=originals, copies=copies)
    officer = User.objects.create_user("tn_e2e_quay", password=DEMO_PASSWORD, role="centre",
                                       first_name="Lê Thị Tiếp Nhận")
    AreaScope.objects.create(user=officer, commune_code="30337")

    # A demo citizen who owns a vessel (the registry's ID number is theirs) and whose CCCD is consistent.
    for owner in Owner.objects.filter(id_kind="cccd", vessels__isnull=False).exclude(id_number="").distinct():
        c = Citizen.objects.filter(cccd=owner.id_number).first()
        if c is None or consistent_with(c.cccd, c.gender, c.birth_date.year) is not True:
            continue
        if owner.vessels.count() != 1 or c.birth_date.year > 2004:
            continue
        qr = "|".join([c.cccd, c.old_id_number if len(c.old_id_number) == 9 else "", c.full_name,
                       c.birth_date.strftime("%d%m%Y"), "Nữ" if c.gender == "nữ" else "Nam", c.address, "10052021"])
        vessel = owner.vessels.get()
        out = {"qr": qr, "name": c.full_name, "cccd": c.cccd, "vessel": vessel.registration_number}
        break
    else:
        raise SystemExit("no demo citizen owns a vessel under a consistent CCCD")
    Path(os.environ["LIENTHONG_DATA_DIR"], "counter.json").write_text(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
