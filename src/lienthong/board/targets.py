"""The digital-literacy targets as data (data/literacy_targets.csv: a share of staff due by a date), and which of
them a unit stands against on a day."""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date
from importlib import resources

from lienthong.identity.text import fold


@dataclass(frozen=True)
class Milestone:
    due_on: date
    share: float
    text: str


@functools.cache
def milestones() -> tuple[Milestone, ...]:
    text = resources.files(__package__).joinpath("data/literacy_targets.csv").read_text(encoding="utf-8")
    rows = [Milestone(date.fromisoformat(r["due_on"]), float(r["share"]), r["text"]) for r in csv.DictReader(text.splitlines())]
    return tuple(sorted(rows, key=lambda m: m.due_on))


@functools.cache
def basic_course_phrases() -> tuple[str, ...]:
    text = resources.files(__package__).joinpath("data/basic_courses.txt").read_text(encoding="utf-8")
    return tuple(fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def is_basic_course(course: str) -> bool:
    folded = fold(course)
    return any(p in folded for p in basic_course_phrases())


@dataclass(frozen=True)
class Standing:
    required: Milestone | None  # the last target already due: a unit under it is behind
    next: Milestone | None  # the next target to reach


def standing(today: date, marks: tuple[Milestone, ...] | None = None) -> Standing:
    marks = milestones() if marks is None else marks
    passed = [m for m in marks if m.due_on < today]
    coming = [m for m in marks if m.due_on >= today]
    return Standing(passed[-1] if passed else None, coming[0] if coming else None)
