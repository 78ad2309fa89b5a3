"""The hall's fixtures: the Rạch Giá ward centre (tests.onestop's), two services (A civil status, B certification),
three counters, a board and a display, two centre officers."""
from __future__ import annotations

import pytest

RACH_GIA = "30742"


@pytest.fixture
def centre(db):
    from lienthong.onestop.models import Agency

    return Agency.objects.create(code="000.00.06.H56", name="Trung tâm Phục vụ hành chính công phường Rạch Giá",
                                 commune_code=RACH_GIA)


@pytest.fixture
def other_centre(db):
    from lienthong.onestop.models import Agency

    return Agency.objects.create(code="000.00.31.H56", name="Trung tâm Phục vụ hành chính công đặc khu Phú Quốc",
                                 commune_code="31078")


@pytest.fixture
def marriage(centre):
    from lienthong.onestop.models import Procedure, ProcedureComponent

    p = Procedure.objects.create(code="1.000894.000.00.00.H56", national_code="1.000894", name="Đăng ký kết hôn",
                                 field="Hộ tịch", processing_days=5)
    p.agencies.add(centre)
    ProcedureComponent.objects.create(procedure=p, position=1, name="Tờ khai đăng ký kết hôn", originals=1)
    return p


@pytest.fixture
def certification(centre):
    from lienthong.onestop.models import Procedure

    p = Procedure.objects.create(code="2.000815.000.00.00.H56", national_code="2.000815",
                                 name="Chứng thực bản sao từ bản chính", field="Chứng thực", processing_hours=8)
    p.agencies.add(centre)
    return p


@pytest.fixture
def centre_officer(make_user):
    return make_user("tn_rachgia", "centre", communes=(RACH_GIA,))


@pytest.fixture
def services(centre, marriage, certification):
    from lienthong.hall.models import Service

    a = Service.objects.create(agency=centre, letter="A", name="Hộ tịch", field="Hộ tịch", order=1)
    a.procedures.add(marriage)
    b = Service.objects.create(agency=centre, letter="B", name="Chứng thực", field="Chứng thực", order=2)
    b.procedures.add(certification)
    return a, b


@pytest.fixture
def counters(centre):
    from lienthong.hall.models import Counter

    return [Counter.objects.create(agency=centre, number=n, name=f"Quầy {n}") for n in (1, 2, 3)]


@pytest.fixture
def kiosk(centre):
    from lienthong.hall.models import Device

    return Device.objects.create(agency=centre, kind=Device.Kind.KIOSK, name="Bảng điện tử sảnh chính")


@pytest.fixture
def display(centre):
    from lienthong.hall.models import Device

    return Device.objects.create(agency=centre, kind=Device.Kind.DISPLAY, name="Màn hình sảnh")


@pytest.fixture
def second_officer(make_user):
    return make_user("tn2_rachgia", "centre", communes=(RACH_GIA,))


@pytest.fixture
def elderly(db):
    from lienthong.hall.models import PriorityGroup

    return PriorityGroup.objects.get(code="elderly")
