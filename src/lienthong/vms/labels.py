"""The words of vessel monitoring's codes (problems of a batch, the desk's refusals, the no-signal reasons), in
the reader's language: the codes stay in the data, the words are chosen here, at the edge."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROBLEMS = {
    "empty": gettext_lazy("empty"),
    "not_a_number": gettext_lazy("not a number"),
    "out_of_range": gettext_lazy("out of range"),
    "not_iso_time": gettext_lazy("not an ISO 8601 time (e.g. 2026-11-30T14:05:00+07:00)"),
    "no_offset": gettext_lazy("time without its offset (add +07:00 or Z)"),
    "missing_column": gettext_lazy("column missing from the header"),
    "too_many_cells": gettext_lazy("more cells than the header has columns"),
    "not_utf8": gettext_lazy("the file is not UTF-8 text"),
    "bad_json": gettext_lazy("not the JSON expected (a list of positions)"),
    "no_rows": gettext_lazy("no position in the batch"),
}

REFUSALS = {
    "forbidden": gettext_lazy("You may not work the monitoring desk."),
    "closed": gettext_lazy("This alert is closed."),
    "not_new": gettext_lazy("This alert was already acknowledged."),
    "note_required": gettext_lazy("Write what was said or done."),
    "report_on_gap_only": gettext_lazy("A captain's position report belongs to a lost-signal alert."),
    "report_in_future": gettext_lazy("The report's time is in the future."),
    "bad_coordinates": gettext_lazy("Latitude or longitude out of range."),
    "already_escalated": gettext_lazy("This alert is already escalated."),
}

NO_SIGNAL = {
    "no_device": gettext_lazy("no VMS device registered"),
    "no_position": gettext_lazy("no position received yet"),
    "silent": gettext_lazy("no position for over 24 hours, not in port"),
}


def problem_text(problem) -> str:
    where = []
    if problem.row:
        where.append(_("row %(n)s") % {"n": problem.row})
    if problem.column:
        where.append(_("column %(c)s") % {"c": problem.column})
    words = str(PROBLEMS.get(problem.code, problem.code))
    value = f" ({problem.value})" if problem.value else ""
    return f"{', '.join(where)}: {words}{value}" if where else f"{words}{value}"


def refusal_text(exc) -> str:
    lines = [_("%(name)s: refused, nothing stored (%(n)s problems)") % {"name": exc.name, "n": exc.total}]
    lines += [f"- {problem_text(p)}" for p in exc.problems]
    if exc.total > len(exc.problems):
        lines.append(_("… and %(n)s more") % {"n": exc.total - len(exc.problems)})
    return "\n".join(lines) + "\n"
