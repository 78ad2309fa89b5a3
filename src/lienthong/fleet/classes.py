"""Fishing-vessel vocabularies from the Law on Fisheries 2017: length classes, gears, zones.

Pure Python: used by models, import, demo data and port checks.
"""
from __future__ import annotations

from decimal import Decimal

# (code, lower bound inclusive in metres, upper bound exclusive, Vietnamese label)
LENGTH_CLASSES = (
    ("lt6", Decimal("0"), Decimal("6"), "Dưới 6 m"),
    ("6-12", Decimal("6"), Decimal("12"), "Từ 6 m đến dưới 12 m"),
    ("12-15", Decimal("12"), Decimal("15"), "Từ 12 m đến dưới 15 m"),
    ("15-24", Decimal("15"), Decimal("24"), "Từ 15 m đến dưới 24 m"),
    ("ge24", Decimal("24"), None, "Từ 24 m trở lên"),
)


def length_class(length_m) -> str | None:
    """The length-class code for a length in metres, or None when the length is unknown."""
    if length_m is None:
        return None
    length = Decimal(str(length_m))
    if length <= 0:
        return None
    for code, low, high, _label in LENGTH_CLASSES:
        if length >= low and (high is None or length < high):
            return code
    return None


# code -> (Vietnamese name, other spellings seen in registries)
GEARS: dict[str, tuple[str, tuple[str, ...]]] = {
    "trawl": ("Lưới kéo", ("Kéo đơn", "Kéo đôi", "Lưới kéo đôi", "Lưới kéo đơn", "Giã cào", "Cào")),
    "gillnet": ("Lưới rê", ("Rê", "Lưới rê thu ngừ", "Lưới rê hỗn hợp", "Lưới cản")),
    "purse_seine": ("Lưới vây", ("Vây", "Lưới vây rút chì", "Vây ánh sáng")),
    "hook_line": ("Câu", ("Câu tay", "Câu vàng", "Câu mực", "Câu cá ngừ")),
    "squid_net": ("Chụp mực", ("Lưới chụp", "Lưới chụp mực", "Chụp")),
    "trap": ("Lồng bẫy", ("Bẫy", "Lồng", "Bẫy ghẹ", "Lồng bẫy ghẹ")),
    "lift_net": ("Lưới vó", ("Vó", "Mành", "Lưới mành")),
    "logistics": ("Dịch vụ hậu cần", ("Hậu cần", "Dịch vụ", "Thu mua")),
    "other": ("Nghề khác", ("Khác",)),
}

# code -> Vietnamese name
ZONES: dict[str, str] = {
    "coastal": "Vùng ven bờ",
    "inshore": "Vùng lộng",
    "offshore": "Vùng khơi",
    "high_seas": "Vùng biển cả",
}

SAFETY_CERT_MIN_LENGTH = Decimal("12")  # technical safety certificate required from 12 m
VMS_MIN_LENGTH = Decimal("15")  # VMS device required from 15 m


def gear_code(text: str | None) -> str | None:
    """Map a gear as written in a registry to its code; None when unrecognised or blank."""
    from lienthong.identity.text import fold

    key = fold(text)
    if not key:
        return None
    for code, (name, others) in GEARS.items():
        if key in {fold(name), *(fold(o) for o in others)}:
            return code
    for code, (name, others) in GEARS.items():  # "Lưới kéo đôi tầng đáy" -> trawl
        if any(key.startswith(fold(n)) for n in (name, *others)):
            return code
    return None
