"""Every object type the code writes to the audit log is shown in words, in the officer's language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

import lienthong
from lienthong.accounts.audit import object_type_label, registered_object_types

SRC = Path(lienthong.__file__).parent
WRITTEN = re.compile(r"""object_type\s*=\s*["']([a-z_]+)["']""")


def _written_object_types() -> set[str]:
    return {code for path in SRC.rglob("*.py") for code in WRITTEN.findall(path.read_text(encoding="utf-8"))}


def test_the_scan_finds_what_the_apps_write():
    assert {"owner", "vessel", "trip", "worklist", "review_queue"} <= _written_object_types()


@pytest.mark.parametrize("code", sorted(_written_object_types()))
def test_each_written_object_type_is_registered_and_translated(code):
    assert code in registered_object_types(), f"{code}: register it in its app's AppConfig.ready()"
    with translation.override("vi"):
        vietnamese = object_type_label(code)
    with translation.override("en"):
        english = object_type_label(code)
    assert vietnamese != code and vietnamese != english, code


def test_audit_page_shows_object_types_in_words(client_for, make_user):
    from lienthong.accounts import audit

    admin = make_user("quantri", "admin")
    audit.record(admin, "view", object_type="review_queue", object_id="", summary="")
    html = client_for(admin).get("/nhat-ky/").content.decode()
    assert "hàng đợi xem xét" in html and "review_queue" not in html.replace('data-action="', "")


def test_coded_summaries_are_shown_in_the_readers_language(client_for, make_user):
    from django.utils.translation import gettext_noop

    from lienthong.accounts import audit
    from lienthong.accounts.models import AuditEvent

    admin = make_user("quantri", "admin")
    event = audit.record(admin, "update", object_type="trip", object_id="T1",
                         summary=audit.msg(gettext_noop("Cleared %(reg)s for departure"), reg="KG-91234-TS"))
    assert AuditEvent.objects.get(pk=event.pk).summary == "Cho KG-91234-TS xuất bến"  # the record, as issued
    client = client_for(admin)
    assert "Cho KG-91234-TS xuất bến" in client.get("/nhat-ky/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/nhat-ky/"})
    assert "Cleared KG-91234-TS for departure" in client.get("/nhat-ky/").content.decode()
