"""The monitoring rules' numbers as data, so the Django app can store and change them without a release.

Defaults: Decree 37/2024 and the province's practice (docs/REGISTRIES.md, VMS): more than 6 hours without signal at
sea is acted on, more than 10 days means the vessel must come home, a vessel of 15 m and over with no position in the
last 24 hours while not in port is listed; escalation after 24 hours, 12 after a zone breach.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import timedelta

__all__ = ["Thresholds"]

# The stored form's keys and their units: numbers are easier to edit in an admin form than durations.
_UNITS = {
    "gap_at_sea": ("gap_at_sea_hours", timedelta(hours=1)),
    "long_gap": ("long_gap_days", timedelta(days=1)),
    "no_signal": ("no_signal_hours", timedelta(hours=1)),
    "escalate_after": ("escalate_after_hours", timedelta(hours=1)),
    "escalate_after_zone": ("escalate_after_zone_hours", timedelta(hours=1)),
}


@dataclass(frozen=True)
class Thresholds:
    gap_at_sea: timedelta = timedelta(hours=6)
    long_gap: timedelta = timedelta(days=10)
    no_signal: timedelta = timedelta(hours=24)
    min_length_m: float = 15.0
    escalate_after: timedelta = timedelta(hours=24)
    escalate_after_zone: timedelta = timedelta(hours=12)
    default_port_radius_km: float = 3.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if (value <= timedelta(0)) if isinstance(value, timedelta) else not value > 0:
                raise ValueError(f"ngưỡng {f.name} phải lớn hơn 0")
        if self.long_gap < self.gap_at_sea:
            raise ValueError("ngưỡng long_gap phải không nhỏ hơn gap_at_sea")

    def to_dict(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _UNITS:
                key, unit = _UNITS[f.name]
                out[key] = value / unit
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Thresholds:
        """The stored form (to_dict's keys; missing keys take the default, an unknown key is an error)."""
        by_key = {key: (name, unit) for name, (key, unit) in _UNITS.items()}
        plain = {f.name for f in fields(cls)} - set(_UNITS)
        kwargs = {}
        for key, value in data.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"ngưỡng {key}: phải là một số, không phải {value!r}")
            if key in by_key:
                name, unit = by_key[key]
                kwargs[name] = value * unit
            elif key in plain:
                kwargs[key] = float(value)
            else:
                raise ValueError(f"ngưỡng không biết: {key}")
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str) -> Thresholds:
        return cls.from_dict(json.loads(text))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)
