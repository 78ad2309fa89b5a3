"""Audit summaries are codes translated at the edge: no `audit.record(…, summary="…")` writes a sentence in one
language (the sync and notification summaries were Vietnamese f-strings, shown as such to an English reader)."""
from __future__ import annotations

import ast
from pathlib import Path

import lienthong
from lienthong.accounts import audit
from lienthong.accounts.models import AuditEvent

SRC = Path(lienthong.__file__).parent


def _sentence_summaries() -> list[str]:
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "record"):
                continue
            for kw in node.keywords:
                if kw.arg == "summary" and (isinstance(kw.value, ast.JoinedStr)
                                            or (isinstance(kw.value, ast.Constant) and kw.value.value)):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_no_audit_summary_is_a_sentence_in_one_language():
    assert _sentence_summaries() == []


def test_a_sync_summary_reads_in_the_readers_language(fisheries_user):
    from django.utils import translation
    from django.utils.translation import gettext_noop

    event = audit.record(fisheries_user, "export", object_type="sync_export", object_id=1,
                         summary=audit.msg(gettext_noop("VNFishbase update exported: %(n)s vessels"), n=12))
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.summary == "Xuất cập nhật VNFishbase: 12 tàu"  # the record, as issued
    with translation.override("en"):
        assert audit.summary_text(event) == "VNFishbase update exported: 12 vessels"
