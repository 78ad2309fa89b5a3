"""The migrations describe the models: a model change without its migration fails the suite."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as stop:
        pytest.fail(f"makemigrations would write migrations (exit {stop.code}):\n{out.getvalue()}")
