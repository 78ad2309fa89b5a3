"""The dossier app's fixtures: the Rạch Giá ward centre, two procedures (days and hours), a centre officer."""
from __future__ import annotations

from datetime import date

import pytest

RACH_GIA = "30742"
PHU_QUOC = "31078"


@pytest.fixture
def centre(db):
    from lienthong.onestop.models import Agency

    return Agency.objects.create(code="000.00.06.H56", name="Trung tâm Phục vụ hành chính công phường Rạch Giá",
                                 commune_code=RACH_GIA)


@pytest.fixture
def other_centre(db):
    from lienthong.onestop.models import Agency

    return Agency.objects.create(code="000.00.31.H56", name="Trung tâm Phục vụ hành chính công đặc khu Phú Quốc",
                                 commune_code=PHU_QUOC)


@pytest.fixture
def marriage(centre, other_centre):
    """Marriage registration: 3 working days... in law "immediately or 5 days when verification is needed";
    the catalogue keeps one number per procedure and the demo uses 5."""
    from lienthong.onestop.models import Procedure, ProcedureComponent

    p = Procedure.objects.create(code="1.000894.000.00.00.H56", national_code="1.000894", name="Đăng ký kết hôn",
                                 field="Hộ tịch", processing_days=5, result_type="Giấy chứng nhận kết hôn")
    p.agencies.add(centre, other_centre)
    ProcedureComponent.objects.create(procedure=p, position=1, name="Tờ khai đăng ký kết hôn", originals=1)
    ProcedureComponent.objects.create(procedure=p, position=2, name="Giấy xác nhận tình trạng hôn nhân",
                                      originals=1, required=False)
    return p


@pytest.fixture
def certification(centre):
    """Certification of copies: an hours-counted procedure."""
    from lienthong.onestop.models import Procedure

    p = Procedure.objects.create(code="2.000815.000.00.00.H56", national_code="2.000815",
                                 name="Chứng thực bản sao từ bản chính", field="Chứng thực", processing_hours=8,
                                 fee_amount=2000)
    p.agencies.add(centre)
    return p


@pytest.fixture
def centre_officer(make_user):
    return make_user("tn_rachgia", "centre", communes=(RACH_GIA,))


@pytest.fixture
def applicant():
    from lienthong.onestop.lifecycle import Applicant

    return Applicant(cccd="091085001234", full_name="Nguyễn Thị Ánh", birth_date=date(1985, 3, 14), gender="Nữ",
                     address="12 Nguyễn Trung Trực, phường Rạch Giá, An Giang", phone="0912345678")
