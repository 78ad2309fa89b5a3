"""What the fleet registry already holds about a vessel, for the procedures it serves (Procedure.prefill "vessel"):
the registration and the papers are copied into the dossier with their source, and the procedure's components
that are those papers are marked held by the state, so the citizen is not asked for them again.

Which component is which paper is read from the component's name (the national procedure database names them
in a handful of fixed ways); the phrases are data, below.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lienthong.identity.text import fold

# paper → phrases (folded) one of which a component's name contains when it is that paper.
PAPERS: dict[str, tuple[str, ...]] = {
    # Giấy chứng nhận đăng ký tàu cá; Sổ đăng ký tàu cá
    "registration": ("chung nhan dang ky tau", "dang ky tau ca"),
    # Giấy phép khai thác thủy sản
    "licence": ("giay phep khai thac",),
    # Giấy chứng nhận an toàn kỹ thuật tàu cá
    "safety": ("an toan ky thuat",),
}
SOURCE = "fleet"  # Dossier.data["vessels"][i]["source"] and DossierComponent.held_by_state's prefix


# A component that is an application or a declaration ABOUT a paper ("Đơn đề nghị cấp lại Giấy phép khai thác
# thủy sản", "Tờ khai …") is filled in by the citizen, never held by the registry.
FORMS = ("don ", "to khai", "ban khai")


def paper_of(component_name: str) -> str | None:
    name = fold(component_name)
    if name.startswith(FORMS):
        return None
    for paper, phrases in PAPERS.items():
        if any(p in name for p in phrases):
            return paper
    return None


def _has(vessel, paper: str) -> bool:
    if paper == "registration":
        return bool(vessel.registration_number)
    if paper == "licence":
        return any(True for _ in vessel.licences.all())
    return any(True for _ in vessel.safety_certificates.all())


def held_by_fleet(component_name: str, vessels: Sequence) -> tuple[str, str]:
    """("fleet:<paper>:<registration numbers>", "<registration numbers>") when the registry holds that paper for
    every chosen vessel; ("", "") when the component is no vessel paper or a vessel lacks it."""
    paper = paper_of(component_name)
    if paper is None or not vessels or not all(_has(v, paper) for v in vessels):
        return "", ""
    numbers = ", ".join(v.registration_number for v in vessels)
    return f"{SOURCE}:{paper}:{numbers}"[:100], numbers


def held_label(held_by_state: str) -> tuple[str, str]:
    """(paper, registration numbers) of a stored held_by_state, ("", text) when it is not the fleet's."""
    source, _, rest = held_by_state.partition(":")
    if source != SOURCE:
        return "", held_by_state
    paper, _, numbers = rest.partition(":")
    return paper, numbers


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _num(value) -> str | None:
    return None if value is None else str(value)


def vessel_data(vessel, at: datetime) -> dict:
    """The vessel's registration and papers as the registry holds them at `at`, with the source named."""
    licence = next(iter(vessel.licences.all()), None)  # ordered newest expiry first (FishingLicence.Meta)
    safety = next(iter(vessel.safety_certificates.all()), None)
    return {
        "source": SOURCE, "read_at": at.isoformat(),
        "registration_number": vessel.registration_number, "name": vessel.name,
        "registration_date": _iso(vessel.registration_date), "home_port": vessel.home_port,
        "commune_code": vessel.commune_code, "length_m": _num(vessel.length_m), "engine_kw": _num(vessel.engine_kw),
        "tonnage": _num(vessel.tonnage), "hull_material": vessel.hull_material, "gear": vessel.gear,
        "fishing_zone": vessel.fishing_zone, "status": vessel.status,
        "licence": {"number": licence.number, "issued_on": _iso(licence.issued_on), "expires_on": _iso(licence.expires_on),
                    "zone": licence.zone, "gear": licence.gear} if licence else None,
        "safety_certificate": {"number": safety.number, "expires_on": _iso(safety.expires_on)} if safety else None,
    }
