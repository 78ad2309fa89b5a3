"""Configuration comes from the environment; production refuses the public default secret."""
from __future__ import annotations

import os
import subprocess
import sys

CHECK = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='lienthong.settings'; django.setup(); "
    "from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
)


def run(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIENTHONG_", "DATABASE_URL"))}
    env.update({"LIENTHONG_DATA_DIR": str(tmp_path)}, **env_extra)
    return subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60)


def test_production_refuses_the_default_secret(tmp_path):
    result = run({"LIENTHONG_ENV": "production"}, tmp_path)
    assert result.returncode != 0
    assert "LIENTHONG_SECRET_KEY" in result.stderr


def test_production_with_a_secret_starts_without_debug(tmp_path):
    result = run({"LIENTHONG_ENV": "production", "LIENTHONG_SECRET_KEY": "x" * 50, "LIENTHONG_DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql_and_the_default_is_sqlite_in_the_data_dir(tmp_path):
    assert run({}, tmp_path).stdout.split() == ["False", "django.db.backends.sqlite3"]
    assert (tmp_path).is_dir()
    result = run({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lienthong"}, tmp_path)
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]
