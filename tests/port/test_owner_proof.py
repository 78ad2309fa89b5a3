"""Guessing the owner's CCCD on the public pre-declaration is limited per address, atomically, and a stranger's
guesses cannot lock the owner out: past the vessel's ceiling the owner declares with a one-time code sent to
the owner's phone on record (hashed, short-lived, limited tries, audited)."""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections  # noqa: F401 - connection: the skipif conditions
from django.test import Client, RequestFactory
from django.utils import timezone

from lienthong.accounts.models import AuditEvent
from lienthong.notify.models import OutboxEntry
from lienthong.port import services
from lienthong.port.models import OwnerCode, Trip, TripStatus
from lienthong.port.services import PortError

from .test_pages import _form

RIGHT = "091085001234"
WRONG_TRIES = "Port pre-declaration: owner CCCD does not match"


def _request(address: str):
    request = RequestFactory().post("/cang/khai-bao/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def _declare(ports, address: str, owner_cccd: str, owner_code: str = ""):
    start = timezone.now() + dt.timedelta(hours=1)
    return services.declare(
        registration_number="KG-91234-TS", port=ports["rach-gia"], owner_cccd=owner_cccd, owner_code=owner_code,
        captain=services.CrewInput("Nguyễn Văn Tư", RIGHT), crew=[], zone="offshore", gear="trawl",
        departure_at=start, expected_return_at=start + dt.timedelta(days=2), request=_request(address))


def _checked_wrong() -> int:
    return AuditEvent.objects.filter(action="denied", detail__summary_msg__msgid=WRONG_TRIES).count()


@pytest.fixture
def owner_phone(vessel):
    vessel.owner.phone = "0912 345 678"
    vessel.owner.save()
    return "0912 345 678"


def test_wrong_tries_from_one_address_stop_that_address_only(settings, ports, vessel, population):
    settings.OWNER_PROOF_ADDRESS_TRIES = 5
    for guess in range(5):
        with pytest.raises(PortError) as err:
            _declare(ports, "203.0.113.5", f"09108500{guess:04d}")
        assert "Không tìm thấy tàu" in err.value.errors["registration_number"]
    with pytest.raises(PortError) as err:  # the sixth, even right, is refused and says until when
        _declare(ports, "203.0.113.5", RIGHT)
    assert err.value.errors["registration_number"].startswith("Nhập sai số định danh quá nhiều lần từ kết nối này: "
                                                              "hãy thử lại sau 00:51 01/12/2026")
    assert _checked_wrong() == 5
    assert AuditEvent.objects.filter(action="denied", detail__rate_limit="owner-proof-address").count() == 1
    # the owner at another address is not held up
    assert _declare(ports, "198.51.100.20", RIGHT).status == TripStatus.DECLARED


def test_right_answers_do_not_use_up_the_addresss_tries(settings, ports, vessel, population):
    """A port's Wi-Fi is one address for many owners: right CCCDs are given back."""
    settings.OWNER_PROOF_ADDRESS_TRIES = 2
    for _ in range(4):
        _declare(ports, "203.0.113.6", RIGHT)
        Trip.objects.update(status=TripStatus.REFUSED)  # dealt with: the vessel may declare again
    assert Trip.objects.count() == 4


def test_strangers_guessing_from_many_addresses_do_not_stop_the_owner(settings, ports, vessel, population,
                                                                      owner_phone):
    settings.OWNER_PROOF_ADDRESS_TRIES, settings.OWNER_PROOF_VESSEL_TRIES = 5, 30
    for i in range(40):  # 40 addresses, 5 guesses each: 200 guesses
        for guess in range(5):
            with pytest.raises(PortError):
                _declare(ports, f"192.0.2.{i}", f"0910850{i:02d}{guess:03d}")
    assert _checked_wrong() == 30  # the vessel's ceiling: no more CCCDs were compared
    # The owner, at a fresh address, with the right CCCD: not refused outright, offered a code.
    owner = Client(REMOTE_ADDR="198.51.100.30")
    page = owner.post("/cang/khai-bao/", _form(ports))
    html = page.content.decode()
    assert page.status_code == 200 and Trip.objects.count() == 0
    assert "Đã có quá nhiều lần nhập sai số định danh cho tàu này" in html and 'data-testid="send-code"' in html
    sent = owner.post("/cang/khai-bao/", {**_form(ports), "send_code": "1"}).content.decode()
    assert "Đã gửi mã tới điện thoại chủ tàu •••••••678" in sent and 'name="owner_code"' in sent
    [entry] = OutboxEntry.objects.all()
    assert entry.recipients == [owner_phone] and "KG-91234-TS" in entry.body
    code = re.search(r": (\d{6})\.", entry.body).group(1)
    done = owner.post("/cang/khai-bao/", _form(ports, owner_code=code))
    trip = Trip.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/cang/khai-bao/{trip.public_token}/"
    created = AuditEvent.objects.get(action="create", object_type="trip")
    assert created.detail["owner_code"] == OwnerCode.objects.get().pk
    assert AuditEvent.objects.filter(action="create", object_type="vessel", object_id="KG-91234-TS",
                                     detail__summary_msg__msgid="One-time code for %(reg)s sent to the owner's phone"
                                     ).count() == 1
    # the code is used up
    Trip.objects.all().delete()
    with pytest.raises(PortError) as err:
        _declare(ports, "198.51.100.30", RIGHT, owner_code=code)
    assert err.value.errors["registration_number"] == "Mã xác nhận không đúng hoặc đã hết hạn"


def test_the_code_is_kept_hashed_and_expires(clock, settings, ports, vessel, population, owner_phone):
    from lienthong.port import ownerproof

    settings.OWNER_CODE_MINUTES = 10
    assert ownerproof.send_code(vessel, _request("198.51.100.31")).sent
    code = re.search(r": (\d{6})\.", OutboxEntry.objects.get().body).group(1)
    stored = OwnerCode.objects.get()
    assert code not in (stored.code_hash, stored.salt) and len(stored.code_hash) == 64
    clock.shift(dt.timedelta(minutes=10, seconds=1))
    with pytest.raises(PortError) as err:
        _declare(ports, "198.51.100.31", RIGHT, owner_code=code)
    assert err.value.errors["registration_number"] == "Mã xác nhận không đúng hoặc đã hết hạn"
    assert AuditEvent.objects.filter(action="denied",
                                     detail__summary_msg__msgid__startswith="Port pre-declaration: wrong or expired"
                                     ).count() == 1


def test_wrong_codes_are_limited(settings, ports, vessel, population, owner_phone):
    from lienthong.port import ownerproof

    settings.OWNER_CODE_TRIES = 5
    ownerproof.send_code(vessel, _request("198.51.100.32"))
    code = re.search(r": (\d{6})\.", OutboxEntry.objects.get().body).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(PortError):
            _declare(ports, f"192.0.2.{_ + 100}", RIGHT, owner_code=wrong)
    with pytest.raises(PortError) as err:  # the right code after five wrong ones: spent
        _declare(ports, "198.51.100.32", RIGHT, owner_code=code)
    assert err.value.errors["registration_number"] == "Mã xác nhận không đúng hoặc đã hết hạn"
    assert OwnerCode.objects.get().tries == 5 and Trip.objects.count() == 0


def test_code_tries_from_one_address_are_limited_too(settings, ports, vessel, population, owner_phone):
    """Without it, one address could make the audit log record a wrong code per request once the codes are spent."""
    settings.OWNER_CODE_TRIES = 3
    for _ in range(5):
        with pytest.raises(PortError):
            _declare(ports, "203.0.113.60", RIGHT, owner_code="000000")
    denied = AuditEvent.objects.filter(action="denied")
    assert denied.filter(detail__summary_msg__msgid__startswith="Port pre-declaration: wrong or expired").count() == 3
    assert denied.filter(detail__rate_limit="owner-code-address").count() == 1


def test_a_right_code_still_needs_the_right_cccd(ports, vessel, population, owner_phone):
    from lienthong.port import ownerproof

    ownerproof.send_code(vessel, _request("198.51.100.33"))
    code = re.search(r": (\d{6})\.", OutboxEntry.objects.get().body).group(1)
    with pytest.raises(PortError) as err:
        _declare(ports, "198.51.100.33", "091085009999", owner_code=code)
    assert "Không tìm thấy tàu" in err.value.errors["registration_number"]
    assert _declare(ports, "198.51.100.33", RIGHT, owner_code=code).status == TripStatus.DECLARED


def test_codes_sent_for_a_vessel_are_limited_and_need_a_phone(settings, ports, vessel, population):
    from lienthong.port import ownerproof

    no_phone = ownerproof.send_code(vessel, _request("198.51.100.34"))
    assert not no_phone.sent and "chưa có số điện thoại" in no_phone.message
    assert not ownerproof.send_code(None, _request("198.51.100.34")).sent  # unknown vessel: the same answer
    vessel.owner.phone = "0912345678"
    vessel.owner.save()
    settings.OWNER_CODES_PER_VESSEL = 3
    outcomes = [ownerproof.send_code(vessel, _request(f"192.0.2.{i}")).sent for i in range(5)]
    assert outcomes == [True, True, True, False, False] and OutboxEntry.objects.count() == 3
    assert AuditEvent.objects.filter(action="denied", detail__rate_limit="owner-code-sent").count() == 1


def _concurrent_guesses(ports, addresses: list[str]) -> None:
    barrier = threading.Barrier(len(addresses))
    errors: list[BaseException] = []

    def one(address: str, i: int):
        try:
            barrier.wait()
            _declare(ports, address, f"0910850{i:05d}")
        except PortError:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(a, i)) for i, a in enumerate(addresses)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_sixty_concurrent_guesses_from_one_address_check_at_most_the_limit(settings, ports, vessel, population,
                                                                          empties_the_audit_log_after):
    settings.OWNER_PROOF_ADDRESS_TRIES = 5
    _concurrent_guesses(ports, ["203.0.113.50"] * 60)
    assert _checked_wrong() == 5


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_sixty_concurrent_guesses_from_sixty_addresses_check_at_most_the_vessels_ceiling(
        settings, ports, vessel, population, empties_the_audit_log_after):
    settings.OWNER_PROOF_VESSEL_TRIES = 5
    _concurrent_guesses(ports, [f"192.0.2.{i}" for i in range(60)])
    assert _checked_wrong() == 5


def test_an_owner_the_registry_holds_no_id_number_for_declares_with_a_code(ports, vessel, population, owner_phone):
    """Such an owner could not pre-declare at all (there was nothing to type): the code to the phone on record is
    the proof."""
    vessel.owner.id_number = vessel.owner.raw_id_number = vessel.owner.verified_cccd = ""
    vessel.owner.save()
    owner = Client(REMOTE_ADDR="198.51.100.40")
    html = owner.post("/cang/khai-bao/", _form(ports, owner_cccd="")).content.decode()
    assert Trip.objects.count() == 0 and 'data-testid="send-code"' in html
    assert "Sổ đăng ký chưa có số định danh của chủ tàu này" in html
    owner.post("/cang/khai-bao/", {**_form(ports, owner_cccd=""), "send_code": "1"})
    code = re.search(r": (\d{6})\.", OutboxEntry.objects.get().body).group(1)
    done = owner.post("/cang/khai-bao/", _form(ports, owner_cccd="", owner_code=code))
    assert done.status_code == 302 and Trip.objects.get().status == TripStatus.DECLARED
    # Without the code, any CCCD typed for it is still a wrong one (nothing to match).
    Trip.objects.all().delete()
    with pytest.raises(PortError):
        _declare(ports, "198.51.100.41", RIGHT)
