"""Proving, on the public pre-declaration, that the declaration comes from the vessel's owner.

The declarant types the owner's CCCD as the registry holds it. Guessing it is limited without letting a
stranger lock the owner out:
- per address: OWNER_PROOF_ADDRESS_TRIES wrong CCCDs from one address within OWNER_PROOF_WINDOW; then that
  address is refused until its window ends (the owner at another address is not affected);
- per vessel, from all addresses together: a higher ceiling, OWNER_PROOF_VESSEL_TRIES. Past it no CCCD is
  checked for the vessel (a guesser with many addresses learns nothing more), but the owner is not refused:
  the page offers a one-time code sent to the owner's phone on record through the notification adapter, and
  the CCCD with that code is accepted whatever the ceiling.
Each try is counted before the CCCD is compared and uncounted when it was right (accounts.ratelimit: one
atomic statement), so concurrent guesses never get more than the limit checked.
A code: 6 digits, only a keyed hash kept, valid OWNER_CODE_MINUTES, OWNER_CODE_TRIES tries, used once; at
most OWNER_CODES_PER_VESSEL sent for a vessel within the window. Every wrong try, code and refusal is audited
(a refusal by a limit once a window).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lienthong.accounts import ratelimit
from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.fleet.models import Vessel
from lienthong.identity.cccd import parse_id_number

from .models import OwnerCode

ADDRESS_BUCKET = "owner-proof-address"
VESSEL_BUCKET = "owner-proof-vessel"
CODE_BUCKET = "owner-code-sent"
CODE_ADDRESS_BUCKET = "owner-code-address"
PROOF_DENIED = gettext_noop("Port pre-declaration: owner CCCD does not match")
CODE_DENIED = gettext_noop("Port pre-declaration: wrong or expired one-time code for %(reg)s")
CODE_SENT = gettext_noop("One-time code for %(reg)s sent to the owner's phone")
CODE_DIGITS = 6


@dataclass
class Proof:
    """The outcome: ok, or the message for the registration-number field and whether to offer a code."""

    ok: bool
    error: str = ""
    offer_code: bool = False
    code: OwnerCode | None = None  # the code that proved it, to be used up with the declaration


def owner_cccd_matches(vessel: Vessel, owner_cccd: str) -> bool:
    """The declarant knows the owner's CCCD as the registry holds it (verified or as recorded)."""
    owner = vessel.owner
    given = parse_id_number(owner_cccd or "").digits or ""
    return bool(owner and given and given in {owner.verified_cccd, owner.id_number})


def owner_id_on_record(vessel: Vessel) -> bool:
    """The registry holds an ID number for the owner (verified or as recorded) that a declarant can type."""
    owner = vessel.owner
    return bool(owner and (owner.verified_cccd or owner.id_number))


def _local_time(when) -> str:
    return timezone.localtime(when).strftime("%H:%M %d/%m/%Y")


def not_found() -> str:
    # One message for an unknown vessel and a wrong CCCD: the form must not tell a stranger whose CCCD it is.
    return _("No vessel found with this registration number and owner's ID number")


def prove(vessel: Vessel | None, owner_cccd: str, owner_code: str = "", request=None) -> Proof:
    """Check the owner's proof for a declaration without a port role; counts and audits the try."""
    if owner_code.strip() and vessel is not None:
        return _prove_with_code(vessel, owner_cccd, owner_code, request)
    subject = ratelimit.client_subject(request)
    window = settings.OWNER_PROOF_WINDOW
    by_address = ratelimit.take(ADDRESS_BUCKET, subject, limit=settings.OWNER_PROOF_ADDRESS_TRIES, window=window)
    if not by_address.allowed:
        ratelimit.audit_refusal(request, ADDRESS_BUCKET, subject, by_address, limit=settings.OWNER_PROOF_ADDRESS_TRIES)
        return Proof(False, _("Too many wrong ID numbers from this connection: try again after %(time)s, or have a "
                              "one-time code sent to the owner's phone") % {"time": _local_time(by_address.retry_at)},
                     offer_code=vessel is not None)
    if vessel is None:
        return Proof(False, not_found())  # the address's try stays counted: probing numbers costs tries
    if not owner_id_on_record(vessel):
        # Nothing to type: the owner proves the declaration with the code to the phone on record instead.
        ratelimit.give_back(ADDRESS_BUCKET, subject, by_address)  # nothing was compared
        return Proof(False, _("The registry holds no ID number for this vessel's owner: have a one-time code sent "
                              "to the owner's phone on record."), offer_code=True)
    reg = vessel.registration_number
    by_vessel = ratelimit.take(VESSEL_BUCKET, reg, limit=settings.OWNER_PROOF_VESSEL_TRIES, window=window)
    if not by_vessel.allowed:
        ratelimit.give_back(ADDRESS_BUCKET, subject, by_address)  # nothing was checked
        ratelimit.audit_refusal(request, VESSEL_BUCKET, reg, by_vessel, limit=settings.OWNER_PROOF_VESSEL_TRIES,
                                object_type="vessel")
        return Proof(False, _("Too many wrong ID numbers were tried for this vessel. To declare, have a one-time "
                              "code sent to the owner's phone on record."), offer_code=True)
    if owner_cccd_matches(vessel, owner_cccd):
        ratelimit.give_back(ADDRESS_BUCKET, subject, by_address)
        ratelimit.give_back(VESSEL_BUCKET, reg, by_vessel)
        return Proof(True)
    record(request, AuditAction.DENIED, object_type="vessel", object_id=reg, summary=msg(PROOF_DENIED))
    return Proof(False, not_found())


def _prove_with_code(vessel: Vessel, owner_cccd: str, owner_code: str, request) -> Proof:
    """The code proves the owner's phone; the CCCD is then checked whatever the CCCD limits (a stranger without
    the code learns nothing from it), unless the registry holds none for the owner: then the code alone
    proves it. Each submission uses one try of every live code of the vessel, and one of
    the address's code tries (their own count: a neighbour's CCCD guesses on a shared address do not stop it)."""
    subject = ratelimit.client_subject(request)
    limit = settings.OWNER_CODE_TRIES
    by_address = ratelimit.take(CODE_ADDRESS_BUCKET, subject, limit=limit, window=settings.OWNER_PROOF_WINDOW)
    if not by_address.allowed:
        ratelimit.audit_refusal(request, CODE_ADDRESS_BUCKET, subject, by_address, limit=limit)
        return Proof(False, _("The one-time code is wrong or has expired"))
    code = match_code(vessel, owner_code)
    if code is None:
        record(request, AuditAction.DENIED, object_type="vessel", object_id=vessel.registration_number,
               summary=msg(CODE_DENIED, reg=vessel.registration_number))
        return Proof(False, _("The one-time code is wrong or has expired"), offer_code=True)
    if owner_id_on_record(vessel) and not owner_cccd_matches(vessel, owner_cccd):
        record(request, AuditAction.DENIED, object_type="vessel", object_id=vessel.registration_number,
               summary=msg(PROOF_DENIED))
        return Proof(False, not_found(), offer_code=True)
    ratelimit.give_back(CODE_ADDRESS_BUCKET, subject, by_address)
    return Proof(True, code=code)


# --- one-time codes ------------------------------------------------------------------------------------
def _hash(salt: str, code: str) -> str:
    return salted_hmac("lienthong.port.owner-code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def match_code(vessel: Vessel, typed: str) -> OwnerCode | None:
    """The live code of this vessel that `typed` is, using one try of each live code (atomically: a try is
    taken by a conditional UPDATE, so concurrent submissions never get more than OWNER_CODE_TRIES each)."""
    typed = "".join(ch for ch in typed if ch.isdigit())
    now, tries = timezone.now(), settings.OWNER_CODE_TRIES
    live = OwnerCode.objects.filter(vessel=vessel, used_at__isnull=True, expires_at__gt=now, tries__lt=tries)
    found = None
    for code in live.order_by("-created_at"):
        took = OwnerCode.objects.filter(pk=code.pk, used_at__isnull=True, tries__lt=tries).update(tries=F("tries") + 1)
        if took and found is None and len(typed) == CODE_DIGITS and constant_time_compare(_hash(code.salt, typed),
                                                                                          code.code_hash):
            found = code
    return found


def use_code(code: OwnerCode) -> bool:
    """Use the code up (with the declaration it proved); False if another request used it first."""
    return OwnerCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=timezone.now()) == 1


def masked_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "•" * max(0, len(digits) - 3) + digits[-3:]


@dataclass
class CodeSent:
    sent: bool
    message: str


def send_code(vessel: Vessel | None, request=None) -> CodeSent:
    """Send a one-time code to the owner's phone on record (notification adapter); audited."""
    from lienthong.notify import services as notify

    owner = vessel.owner if vessel is not None else None
    phone = (owner.phone or "").strip() if owner is not None else ""
    if not phone:
        # Also for an unknown registration number: the page does not tell which vessels exist.
        return CodeSent(False, _("No phone number is on record for this vessel's owner: declare at the port office, "
                                 "or ask the fisheries office to record the owner's phone."))
    reg = vessel.registration_number
    taken = ratelimit.take(CODE_BUCKET, reg, limit=settings.OWNER_CODES_PER_VESSEL, window=settings.OWNER_PROOF_WINDOW)
    if not taken.allowed:
        ratelimit.audit_refusal(request, CODE_BUCKET, reg, taken, limit=settings.OWNER_CODES_PER_VESSEL,
                                object_type="vessel")
        return CodeSent(False, _("Codes were sent for this vessel several times already: use the last one, or ask for "
                                 "a new one after %(time)s.") % {"time": _local_time(taken.retry_at)})
    digits = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    expires = timezone.now() + timedelta(minutes=settings.OWNER_CODE_MINUTES)
    code = OwnerCode.objects.create(vessel=vessel, salt=salt, code_hash=_hash(salt, digits), expires_at=expires)
    with translation.override(settings.LANGUAGE_CODE):  # the owner's phone gets the site's language
        subject = _("Departure declaration code")
        body = _("Code to declare a departure of vessel %(reg)s: %(code)s. Valid until %(time)s. "
                 "Give it to no one who does not sail with the vessel.") % {
            "reg": reg, "code": digits, "time": _local_time(expires)}
    message = notify.send(request, to=[phone], subject=subject, body=body, ref=f"owner-code:{code.pk}")
    record(request, AuditAction.CREATE, object_type="vessel", object_id=reg, summary=msg(CODE_SENT, reg=reg),
           detail={"owner_code": code.pk, "notification": message.pk, "status": message.status})
    if message.status == "failed":
        return CodeSent(False, _("The code could not be sent now: try again in a few minutes, or declare at the "
                                 "port office."))
    return CodeSent(True, _("A code was sent to the owner's phone %(phone)s. It is valid for %(minutes)s minutes.")
                    % {"phone": masked_phone(phone), "minutes": settings.OWNER_CODE_MINUTES})
