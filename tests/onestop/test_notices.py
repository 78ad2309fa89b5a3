"""What the citizen is told, by SMS and e-mail, at each step of the dossier (onestop.notices): written by the demo's
file adapter once the step has committed, never for a step that rolled back, and listed for the officers who may
see the dossier, recipients masked."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.accounts.models import AuditEvent
from lienthong.notify import services as notify
from lienthong.notify.models import Message
from lienthong.onestop import lifecycle
from lienthong.onestop.errors import DossierError
from lienthong.onestop.models import Channel, Dossier
from lienthong.workdays import VN_TZ

from .test_public_portal import PDF, answers, citizen, parts, submit_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
LIST = "/mot-cua/thong-bao/"


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture
def outfile(settings, tmp_path):
    """The demo's adapter: every notice a JSON line in this file."""
    path = tmp_path / "thong-bao.jsonl"
    settings.NOTIFY_URL = f"file:{path}"
    notify.reset_notifier()
    yield path
    notify.reset_notifier()


def written(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def bodies(path) -> list[tuple[list, str]]:
    return [(m["to"], m["body"]) for m in written(path)]


def test_each_step_the_citizen_must_know_of_is_sent_by_sms_and_e_mail(
        client, outfile, centre, marriage, parts, citizen, centre_officer, django_capture_on_commit_callbacks):
    declaration, _ = parts
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(marriage), {**answers(centre), f"component-{declaration.pk}": SimpleUploadedFile("a.pdf", PDF)})
    d = Dossier.objects.get()
    url = f"http://127.0.0.1:8000/dich-vu-cong/tra-cuu/?ma={d.code}"
    submitted = (f"Hồ sơ {d.code} (Đăng ký kết hôn) đã được nộp trực tuyến lúc 00:36 01/12/2026. Trung tâm sẽ kiểm tra "
                 f"và tiếp nhận. Tra cứu: {url}")
    assert bodies(outfile) == [(["0912345678"], submitted), (["anh.nguyen@example.vn"], submitted)]
    assert {m["subject"] for m in written(outfile)} == {f"Hồ sơ {d.code}"}
    assert {m["ref"] for m in written(outfile)} == {f"dossier:{d.code}"}

    steps = [
        (lambda: lifecycle.step(d, centre_officer, "accept", at=vn("2026-12-01T08:00:00")),
         f"Hồ sơ {d.code} (Đăng ký kết hôn) đã được tiếp nhận. Hẹn trả kết quả lúc 17:00 08/12/2026."),
        (lambda: lifecycle.step(d, centre_officer, "request_supplement", at=vn("2026-12-01T09:00:00"),
                                note="Thiếu giấy xác nhận tình trạng hôn nhân."),  # its full stop is not doubled
         f"Hồ sơ {d.code} cần bổ sung: Thiếu giấy xác nhận tình trạng hôn nhân. Nộp bổ sung trực tuyến: {url}"),
        (lambda: lifecycle.step(d, None, "resubmit", citizen=True, at=vn("2026-12-02T10:00:00")),
         f"Hồ sơ {d.code} (Đăng ký kết hôn) đã được tiếp nhận. Hẹn trả kết quả lúc 17:00 09/12/2026."),
        (lambda: lifecycle.apologise(d, centre_officer, new_due=vn("2026-12-11T17:00:00"), reason="Chờ xác minh nơi cư trú",
                                     at=vn("2026-12-08T09:00:00")),
         f"Xin lỗi ông/bà: kết quả hồ sơ {d.code} sẽ trễ hẹn. Hẹn lại: 17:00 11/12/2026. Lý do: Chờ xác minh nơi cư trú"),
        (lambda: lifecycle.step(d, centre_officer, "finish", at=vn("2026-12-10T15:00:00")),
         f"Hồ sơ {d.code} (Đăng ký kết hôn) đã có kết quả. Mời nhận kết quả tại "
         "Trung tâm Phục vụ hành chính công phường Rạch Giá."),
    ]
    for do, expected in steps:
        before = len(written(outfile))
        with django_capture_on_commit_callbacks(execute=True):
            do()
        assert bodies(outfile)[before:] == [(["0912345678"], expected), (["anh.nguyen@example.vn"], expected)]
    # Handing the result over and inner hand-offs are no news to the citizen.
    before = len(written(outfile))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.step(d, centre_officer, "return_result")
    assert len(written(outfile)) == before
    assert Message.objects.filter(ref=f"dossier:{d.code}", status="sent", channel="file").count() == 12


def test_a_refusal_says_why_and_a_step_that_rolled_back_sends_nothing(
        outfile, centre, marriage, centre_officer, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                     applicant=applicant, at=vn("2026-12-01T08:10:00"))
    assert bodies(outfile) == [(["0912345678"], f"Hồ sơ {d.code} (Đăng ký kết hôn) đã được tiếp nhận. "
                                                "Hẹn trả kết quả lúc 17:00 08/12/2026.")]  # no e-mail given
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DossierError):
            lifecycle.step(d, centre_officer, "return_result")  # not done yet: refused, rolled back
    assert len(written(outfile)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.step(d, centre_officer, "refuse", note="Hai bên chưa đủ tuổi kết hôn")
    assert bodies(outfile)[-1] == (["0912345678"], f"Hồ sơ {d.code} (Đăng ký kết hôn) bị từ chối: Hai bên chưa đủ tuổi "
                                                   "kết hôn")


def test_a_gateway_that_is_down_leaves_the_step_done_and_the_notice_failed(
        settings, centre, marriage, centre_officer, applicant, django_capture_on_commit_callbacks):
    import socket

    with socket.socket() as s:  # a port nobody listens on: the connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.NOTIFY_URL, settings.NOTIFY_TOKEN = f"http://127.0.0.1:{port}", "t"
    notify.reset_notifier()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            d = lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                         applicant=applicant)
    finally:
        notify.reset_notifier()
    assert Dossier.objects.get(pk=d.pk).state == 2
    m = Message.objects.get(ref=f"dossier:{d.code}")
    assert (m.status, m.channel, m.retryable) == ("failed", "http", True)


def test_officers_see_the_notices_of_the_dossiers_they_may_see_recipients_masked(
        client_for, outfile, centre, other_centre, marriage, centre_officer, make_user, applicant, viewer_user,
        django_capture_on_commit_callbacks):
    applicant.email = "anh.nguyen@example.vn"
    with django_capture_on_commit_callbacks(execute=True):
        d = lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                     applicant=applicant, at=vn("2026-12-01T08:10:00"))
    page = re.sub(r"\s+", " ", client_for(centre_officer).get(LIST).content.decode())
    rows = re.findall(r'data-testid="notification" data-code="([^"]+)"', page)
    assert rows == [d.code, d.code]
    assert re.findall(r'data-testid="notification-to">([^<]+)<', page) == ["a***@example.vn", "091****678"]
    assert "0912345678" not in page and "anh.nguyen@" not in page
    assert page.count("đã được tiếp nhận. Hẹn trả kết quả lúc 17:00 08/12/2026.") == 2
    assert re.findall(r'data-testid="notification-status">([^<]+)<', page) == ["đã gửi", "đã gửi"]
    assert ">SMS<" in page and ">Thư điện tử<" in page
    assert AuditEvent.objects.filter(object_type="notification", action="view", username="tn_rachgia").count() == 1

    phu_quoc = make_user("tn_phuquoc", "centre", communes=("31078",))
    assert 'data-testid="notifications-none"' in client_for(phu_quoc).get(LIST).content.decode()
    assert client_for(viewer_user).get(LIST).status_code == 403
    # One dossier's notices by its code.
    page = client_for(centre_officer).get(LIST, {"ma": "000.00.06.H56-000000-0000"}).content.decode()
    assert 'data-testid="notifications-none"' in page
