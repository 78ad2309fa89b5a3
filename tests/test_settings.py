"""Configuration comes from the environment; production refuses the public default secret, a weak one, and a
start without the clearance signing key, and sends the security headers (docs/security.md "Production")."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from production_env import production

CHECK = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='lienthong.settings'; django.setup(); "
    "from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
)


def run(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIENTHONG_", "DATABASE_URL"))}
    env.update({"LIENTHONG_DATA_DIR": str(tmp_path)}, **env_extra)
    return subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60)


def test_production_refuses_the_default_secret(tmp_path):
    env = production(tmp_path)
    del env["LIENTHONG_SECRET_KEY"]
    result = run(env, tmp_path)
    assert result.returncode != 0
    assert "LIENTHONG_SECRET_KEY" in result.stderr and "default development key" in result.stderr


@pytest.mark.parametrize("key, why", [
    ("kX3v9_Qm2TzL8rWb-Yp4NcHd7Fs1GjE6uAoKiR5", "characters, at least 50"),  # short
    ("a" * 60, "different characters"),
    ("x" * 50, "different characters"),
    ("Ab3$" * 15, "different characters"),
    ("abcdefghijklmnopqrstuvwxyz" * 3, "repeats itself"),
    ("thisismysupersecretkeyforthelienthongproductionserver2026", "common words"),
    ("my-django-secret-key-for-the-fishing-fleet-registry-2026!!", "common words"),
])
def test_production_refuses_a_weak_secret_and_says_how_to_make_one(tmp_path, key, why):
    result = run(production(tmp_path, LIENTHONG_SECRET_KEY=key), tmp_path)
    assert result.returncode != 0
    assert "LIENTHONG_SECRET_KEY" in result.stderr and why in result.stderr, result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_random_keys_pass_the_strength_estimate():
    import secrets

    from lienthong.secret_strength import weak_secret

    for _ in range(300):
        for key in (secrets.token_urlsafe(50), secrets.token_hex(32), secrets.token_hex(25)):
            assert weak_secret(key) == "", key


@pytest.mark.parametrize("missing", ["LIENTHONG_SIGNING_KEY", "LIENTHONG_SIGNING_CERT"])
def test_production_refuses_to_start_without_the_signing_key(tmp_path, missing):
    env = production(tmp_path)
    del env[missing]
    result = run(env, tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr, result.stderr
    result = run({**production(tmp_path), missing: str(tmp_path / "no-such.pem")}, tmp_path)  # named, but absent
    assert result.returncode != 0
    assert missing in result.stderr, result.stderr


def test_production_with_a_secret_starts_without_debug(tmp_path):
    result = run(production(tmp_path, LIENTHONG_DEBUG="1"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


HEADERS = (
    "import django, os, json; os.environ['DJANGO_SETTINGS_MODULE']='lienthong.settings'; django.setup(); "
    "from django.test import Client; r = Client().get('/dang-nhap/', secure=True); "
    "print(json.dumps({'status': r.status_code, **{k.lower(): v for k, v in r.headers.items()}}))"
)


def headers(env: dict, tmp_path) -> dict:
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIENTHONG_", "DATABASE_URL"))} | {
        "LIENTHONG_DATA_DIR": str(tmp_path), "LIENTHONG_ALLOWED_HOSTS": "testserver", **env}
    result = subprocess.run([sys.executable, "-c", HEADERS], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_csp_and_the_other_security_headers(tmp_path):
    got = headers(production(tmp_path), tmp_path)
    assert got["status"] == 200
    assert got["strict-transport-security"] == "max-age=31536000"
    csp = {d.split()[0]: d.split()[1:] for d in got["content-security-policy"].split("; ")}
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "unsafe" not in got["content-security-policy"]
    assert got["x-content-type-options"] == "nosniff"
    assert got["referrer-policy"] == "same-origin"
    assert got["x-frame-options"] == "DENY"
    subdomains = headers(production(tmp_path, LIENTHONG_HSTS_INCLUDE_SUBDOMAINS="1", LIENTHONG_HSTS_SECONDS="600"), tmp_path)
    assert subdomains["strict-transport-security"] == "max-age=600; includeSubDomains"


def test_development_sends_neither_hsts_nor_csp_unless_asked(tmp_path):
    got = headers({}, tmp_path)
    assert "strict-transport-security" not in got and "content-security-policy" not in got
    assert got["x-frame-options"] == "DENY" and got["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in headers({"LIENTHONG_CSP": "1"}, tmp_path)


def test_database_url_selects_postgresql_and_the_default_is_sqlite_in_the_data_dir(tmp_path):
    assert run({}, tmp_path).stdout.split() == ["False", "django.db.backends.sqlite3"]
    assert (tmp_path).is_dir()
    result = run({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lienthong"}, tmp_path)
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]
