"""Django settings, all configuration from the environment.

LIENTHONG_ENV=production turns debug off and refuses to start with the default secret key.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lienthong.secret_strength import weak_secret

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LIENTHONG_DATA_DIR", Path.cwd() / "var")).resolve()

DEFAULT_SECRET_KEY = "lienthong-insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("LIENTHONG_SECRET_KEY", DEFAULT_SECRET_KEY)
PRODUCTION = os.environ.get("LIENTHONG_ENV", "development").lower() == "production"
if PRODUCTION:
    # Refused at start, not at the first request: a guessable key forges sessions and signed links.
    _weak = "the default development key is public" if SECRET_KEY == DEFAULT_SECRET_KEY else weak_secret(SECRET_KEY)
    if _weak:
        raise ImproperlyConfigured(
            f"LIENTHONG_ENV=production refuses this LIENTHONG_SECRET_KEY ({_weak}). Set it to a long random value, "
            'e.g. the output of: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    # Documents (port clearances, one-stop results) are signed with the agency's key (signing/keys.py): a server without it would
    # only fail at the first signature, so it does not start.
    _missing = [name for name in ("LIENTHONG_SIGNING_KEY", "LIENTHONG_SIGNING_CERT")
                if not os.environ.get(name, "").strip() or not os.access(os.environ[name].strip(), os.R_OK)]
    if _missing:
        raise ImproperlyConfigured(
            f"LIENTHONG_ENV=production needs {' and '.join(_missing)}: the path of a readable PEM file "
            "(the port authority's clearance signing key and its certificate)."
        )
# Off by default, also in the demo: officers must see the app's own error pages, never a traceback.
DEBUG = os.environ.get("LIENTHONG_DEBUG", "0") == "1" and not PRODUCTION
ALLOWED_HOSTS = [h for h in os.environ.get("LIENTHONG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LIENTHONG_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The address the public reaches this site at (the port clearance's QR code points there), never the host an
# officer happened to browse to on the intranet. Required in production (clearing a departure refuses without it).
PUBLIC_URL = os.environ.get("LIENTHONG_PUBLIC_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lienthong.accounts.lockout_app.LockoutConfig",  # django-axes
    "lienthong.accounts",
    "lienthong.fleet",
    "lienthong.population",
    "lienthong.port",
    "lienthong.onestop",
    "lienthong.hall",
    "lienthong.signing",
    "lienthong.search",
    "lienthong.web",
    "lienthong.sync",
    "lienthong.campaigns",
    "lienthong.vms",
    "lienthong.board",
    "lienthong.notify",
    "lienthong.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lienthong.web.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lienthong.web.middleware.AnonymousBodyLimitMiddleware",  # before anything reads a body (413 without a login)
    "django.contrib.messages.middleware.MessageMiddleware",
    "lienthong.web.middleware.RefuseNulMiddleware",  # 400 before a NUL reaches PostgreSQL (after auth: the page has the menu)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the page that says until when
]

ROOT_URLCONF = "lienthong.urls"
WSGI_APPLICATION = "lienthong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'lienthong.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while an import writes; the timeout waits for a writer instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 60
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: this is short-query work; the search's correlated lookups inflate the planner's cost estimate
    # past jit_above_cost, and compiling then costs 0.2-2 s for a query that runs in 10 ms. No parallel
    # workers either: starting them cost 7 ms for a 1.5 ms search (its range grouping), and concurrent
    # requests already use every core.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(None, [DATABASES["default"]["OPTIONS"].get("options", ""), "-c jit=off -c max_parallel_workers_per_gather=0"])
    )
DATABASES["default"].setdefault("TEST", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = ["lienthong.accounts.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]

# Login lockout (django-axes; accounts/lockout.py): per account and, separately, per address.
AXES_FAILURE_LIMIT = int(os.environ.get("LIENTHONG_LOCKOUT_FAILURES", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LIENTHONG_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]  # accounts; addresses by accounts.lockout (a higher limit)
LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("LIENTHONG_LOCKOUT_ADDRESS_FAILURES", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a stranger's retries must not keep an officer out
AXES_LOCKOUT_CALLABLE = "lienthong.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "lienthong.accounts.lockout.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log already
AXES_VERBOSE = False
# axes.W006 asks for ip_address among the lockout parameters; addresses are limited by accounts.lockout instead, at a
# higher limit than accounts (a ward office shares one address), so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lienthong.formats"]  # Vietnamese number grouping (lienthong/formats/vi)
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True  # serve straight from the package in dev and demo; no collectstatic needed
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_AGE = 8 * 3600  # one working day

# Response headers (Django's SecurityMiddleware and XFrameOptionsMiddleware; docs/security.md "Production").
# HSTS: browsers that reached the site over HTTPS keep to HTTPS for a year. Sent on HTTPS requests only: behind a
# reverse proxy that ends TLS set LIENTHONG_PROXY_SSL_HEADER=1 so that Django knows a request was HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("LIENTHONG_HSTS_SECONDS", str(365 * 24 * 3600) if PRODUCTION else "0"))
# Off by default: another host of the province's domain may still serve plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("LIENTHONG_HSTS_INCLUDE_SUBDOMAINS", "") == "1"
if os.environ.get("LIENTHONG_PROXY_SSL_HEADER", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp; Django 5.2 has none of its own): scripts, styles, images and requests from
# this site only, no inline script or style (the templates have none; the browser test tests/e2e/test_csp.py
# fails on any refusal). On in production; LIENTHONG_CSP=1 or 0 turns it on or off elsewhere.
CSP_ENABLED = os.environ.get("LIENTHONG_CSP", "1" if PRODUCTION else "0") == "1"
if CSP_ENABLED:
    from csp.constants import NONE, SELF

    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
    CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, "data:"],  # the API docs (Swagger UI) draw their icons from data: images
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [NONE],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }

# Registration number pattern (DOMAIN.md: unverified, so a setting): province prefix, serial, "TS".
REGISTRATION_NUMBER_PATTERN = os.environ.get("LIENTHONG_REGISTRATION_PATTERN", r"^[A-Z]{2,3}-\d{4,6}-TS$")

# Registry import limits (fleet.readers.Limits), checked before a file is parsed. A province registry
# has ~10,000 vessels; the problems stored per import are capped (the true totals are counted).
IMPORT_MAX_MB = float(os.environ.get("LIENTHONG_IMPORT_MAX_MB", "50"))  # uncompressed (xlsx: the unzipped parts)
IMPORT_MAX_ROWS = int(os.environ.get("LIENTHONG_IMPORT_MAX_ROWS", "50000"))
IMPORT_MAX_PROBLEMS = int(os.environ.get("LIENTHONG_IMPORT_MAX_PROBLEMS", "1000"))
# Above either, an uploaded registry file is imported by the background worker (the page shows its progress)
# instead of inside the request: a 10,000-row xlsx takes 5-12 s, past a proxy's patience on a busy machine.
IMPORT_BACKGROUND_MB = float(os.environ.get("LIENTHONG_IMPORT_BACKGROUND_MB", "1"))
IMPORT_BACKGROUND_ROWS = int(os.environ.get("LIENTHONG_IMPORT_BACKGROUND_ROWS", "2000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIENTHONG_LOG_LEVEL", "WARNING")},
}

# Population source for sync runs: the local extract by default; a remote verification service
# (contract: docs/population-api.md) when LIENTHONG_POPULATION_URL is set.
POPULATION_URL = os.environ.get("LIENTHONG_POPULATION_URL", "")
POPULATION_TOKEN = os.environ.get("LIENTHONG_POPULATION_TOKEN", "")
POPULATION_RATE = float(os.environ.get("LIENTHONG_POPULATION_RATE", "50"))  # requests per second allowed to us
SYNC_ANSWERS_VIA_HTTP = os.environ.get("LIENTHONG_SYNC_ANSWERS_VIA_HTTP", "") == "1"
# Population checks one officer may make per day by answering worklists (form and uploaded files together):
# each is a read of personal data; the limit stops the answer form being used to probe CCCDs in bulk.
SYNC_ANSWER_CHECKS_PER_DAY = int(os.environ.get("LIENTHONG_ANSWER_CHECKS_PER_DAY", "300"))

# Office hours of the one-stop centre (onestop.provider): a dossier counted in working days is due at the close
# of the last session; one counted in working hours runs only inside them. Sessions in local time.
OFFICE_HOURS = os.environ.get("LIENTHONG_OFFICE_HOURS", "07:00-11:30,13:30-17:00")
# A checked-in appointment goes to the front of its queue this many minutes before its time (the hall).
HALL_APPOINTMENT_EARLY_MINUTES = int(os.environ.get("LIENTHONG_HALL_APPOINTMENT_EARLY_MINUTES", "10"))
# Online booking of a visit to the hall: how many working days ahead, how long before a slot it closes, and how
# many upcoming visits one phone number may hold (a number booking every slot would empty the calendar).
HALL_BOOKING_DAYS = int(os.environ.get("LIENTHONG_HALL_BOOKING_DAYS", "10"))
HALL_BOOKING_LEAD_MINUTES = int(os.environ.get("LIENTHONG_HALL_BOOKING_LEAD_MINUTES", "60"))
HALL_BOOKING_PER_PHONE = int(os.environ.get("LIENTHONG_HALL_BOOKING_PER_PHONE", "3"))

# The citizens' online portal (/dich-vu-cong/): the largest file one component may be, and all the files of one
# dossier (or one supplement) together. The anonymous body limit (PUBLIC_UPLOAD_MAX_KB) is raised to the dossier's
# on the portal's upload pages only (onestop.public.views: accounts.ratelimit.body_limit), so a file over the
# per-file limit is still read and refused with a message naming its component.
ONESTOP_FILE_MAX_MB = float(os.environ.get("LIENTHONG_ONESTOP_FILE_MAX_MB", "10"))
ONESTOP_DOSSIER_MAX_MB = float(os.environ.get("LIENTHONG_ONESTOP_DOSSIER_MAX_MB", "40"))
# Wrong identities (ID number, name and birth date that do not match the population database) and wrong tracking
# tries (dossier code and ID number) one address may make within the window, before it must wait.
ONESTOP_WRONG_TRIES = int(os.environ.get("LIENTHONG_ONESTOP_WRONG_TRIES", "10"))
ONESTOP_WRONG_WINDOW = dt.timedelta(minutes=int(os.environ.get("LIENTHONG_ONESTOP_WRONG_MINUTES", "15")))

# The agency that issues the worklists (printed on their PDF).
AGENCY_NAME = os.environ.get("LIENTHONG_AGENCY_NAME", "Chi cục Thủy sản tỉnh An Giang")

# Notifications (reminders to communes and police, notices to citizens about their dossiers): the local outbox
# (stored in the database, shown to administrators) by default; a notification gateway (contract:
# docs/notify-api.md) when the URL is set; `file:PATH` (the demo) appends each message as a JSON line to PATH
# (relative: under the data directory).
NOTIFY_URL = os.environ.get("LIENTHONG_NOTIFY_URL", "")
NOTIFY_TOKEN = os.environ.get("LIENTHONG_NOTIFY_TOKEN", "")

# The national public-service portal (contract: docs/portal-api.md): the one-stop centre's outbox is pushed there
# by the job worker when the URL is set; unset, the outbox keeps its rows.
PORTAL_URL = os.environ.get("LIENTHONG_PORTAL_URL", "")
PORTAL_TOKEN = os.environ.get("LIENTHONG_PORTAL_TOKEN", "")

import warnings  # noqa: E402

# WhiteNoise serves from the app directories (WHITENOISE_USE_FINDERS); STATIC_ROOT is only filled by an
# optional `collectstatic`, so its absence is normal here, not worth a warning at every start.
warnings.filterwarnings("ignore", message="No directory at: ")

# Behind the province's reverse proxy: take the client address (audit log, guessing limits) from the first
# X-Forwarded-For hop. Only set it when a proxy that overwrites that header stands in front.
LIENTHONG_TRUST_X_FORWARDED_FOR = os.environ.get("LIENTHONG_TRUST_X_FORWARDED_FOR", "") == "1"

# Public pages (no login: the pre-declaration, its receipt and PDF, the clearance verification), limited per client
# address (accounts.ratelimit; counted in the database, so across every server process): every request, and
# submissions (POST) lower. Generous: fishers behind a carrier's shared address or the port's Wi-Fi share one.
PUBLIC_RATE_WINDOW = dt.timedelta(minutes=int(os.environ.get("LIENTHONG_PUBLIC_RATE_MINUTES", "10")))
PUBLIC_PAGE_LIMIT = int(os.environ.get("LIENTHONG_PUBLIC_PAGE_LIMIT", "300"))
PUBLIC_POST_LIMIT = int(os.environ.get("LIENTHONG_PUBLIC_POST_LIMIT", "30"))
# A request without a login may send at most this much (web.middleware.AnonymousBodyLimitMiddleware answers 413
# before the body is read): a signed clearance PDF is far smaller; the login form and the declaration a few KB.
PUBLIC_UPLOAD_MAX_KB = int(os.environ.get("LIENTHONG_PUBLIC_UPLOAD_MAX_KB", "2048"))
# Django's own caps on what it reads into memory (form fields; a file beyond this goes to a temporary file).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Proving the owner's CCCD on the public pre-declaration (port.ownerproof): wrong tries from one address, and
# a higher ceiling for one vessel from all addresses, within the window. Past the vessel's ceiling the owner
# declares with a one-time code sent to the owner's phone on record (valid OWNER_CODE_MINUTES, OWNER_CODE_TRIES
# tries, at most OWNER_CODES_PER_VESSEL codes a window), so strangers' guesses never keep the owner out.
OWNER_PROOF_WINDOW = dt.timedelta(minutes=int(os.environ.get("LIENTHONG_OWNER_PROOF_MINUTES", "15")))
OWNER_PROOF_ADDRESS_TRIES = int(os.environ.get("LIENTHONG_OWNER_PROOF_ADDRESS_TRIES", "5"))
OWNER_PROOF_VESSEL_TRIES = int(os.environ.get("LIENTHONG_OWNER_PROOF_VESSEL_TRIES", "30"))
OWNER_CODE_MINUTES = int(os.environ.get("LIENTHONG_OWNER_CODE_MINUTES", "10"))
OWNER_CODE_TRIES = int(os.environ.get("LIENTHONG_OWNER_CODE_TRIES", "5"))
OWNER_CODES_PER_VESSEL = int(os.environ.get("LIENTHONG_OWNER_CODES_PER_VESSEL", "3"))
