"""Settings for ReformTracker.

Everything that differs between a laptop and a city's server comes from the
environment. The defaults are safe: DEBUG is off, SQLite is used unless
``DB=postgres`` is set, and a missing SECRET_KEY is generated once per machine
instead of falling back to a published value.
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

from csp.constants import NONCE
from csp.constants import NONE
from csp.constants import SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envlist(name: str, default: str) -> list[str]:
    return [
        part.strip()
        for part in os.environ.get(name, default).split(",")
        if part.strip()
    ]


def envsecret() -> str:
    """Return SECRET_KEY from the environment, else a key kept in VAR_DIR.

    A production deployment sets SECRET_KEY; a laptop or a test run gets a
    random key generated on first use, so no shared default key exists.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        key = secrets.token_urlsafe(50)
        f.write(key)
    return key


SECRET_KEY = envsecret()
DEBUG = envbool("DEBUG", "false")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "modeltrans",
    "reformtracker.lockout.LockoutConfig",
    "csp",
    "reformtracker.holds",
    "plans",
    "surveys",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reformtracker.lib.caching.PrivateUnlessPublicMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and the messages are known: it decides by both.
    "public.caching.PublicCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reformtracker.urls"
WSGI_APPLICATION = "reformtracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "surveys.context_processors.notices",
            ],
        },
    },
]

if os.environ.get("DB", "sqlite") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("DB_NAME", "reformtracker"),
            "USER": os.environ.get("DB_USER", "postgres"),
            "PASSWORD": os.environ.get("DB_PASSWORD", ""),
            "HOST": os.environ.get("DB_HOST", ""),
            "PORT": os.environ.get("DB_PORT", ""),
            "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "0")),
            "TEST": {"NAME": os.environ.get("DB_TEST_NAME")},
        }
    }
    # PostgreSQL's JIT compiles a query the planner costs high before running it:
    # for a search of a large plan that took longer (about 90 ms) than the query.
    # Server settings passed at connect; empty behind a pooler that refuses them.
    if options := os.environ.get("DB_OPTIONS", "-c jit=off"):
        DATABASES["default"]["OPTIONS"] = {"options": options}
elif os.environ.get("DB", "sqlite") == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DB_NAME", VAR_DIR / "db.sqlite3"),
        }
    }
else:
    raise ImproperlyConfigured("DB must be sqlite or postgres")

# Public pages are cached (public/caching.py). On a laptop, in this process's
# memory; in production, where several server processes run, in Redis, shared
# by them all: REDIS_URL=redis://127.0.0.1:6379/0. Either way the plan's stamp,
# read from the database on each request, decides which copy is current.
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a copy is kept; 0 turns the public cache and its 304s off (benchmarks).
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", 24 * 60 * 60))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_VALIDATORS = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _VALIDATORS + name}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A plan's names are Japanese; django-modeltrans keeps their English, where a city
# gives it, beside them (name_en), and never changes what `name` holds.
MODELTRANS_DEFAULT_LANGUAGE = "ja"
MODELTRANS_AVAILABLE_LANGUAGES = ("en",)
MODELTRANS_ADD_FIELD_HELP_TEXT = False
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Off: ids and classes built from primary keys (sheet-1234) must not become sheet-1,234.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# WhiteNoise serves static files from the app. Without collectstatic (laptop,
# tests) it finds them where they are, on each request; production serves the
# hashed, compressed copies collectstatic makes (reformtracker/production.py).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploads waiting for confirmation, ours and django-import-export's, are kept
    # in the database, so that a preview made through one app server can be
    # confirmed through another: servers share nothing but the database.
    "held_uploads": {"BACKEND": "reformtracker.holds.storage.DatabaseStorage"},
    "import_export": {"BACKEND": "reformtracker.holds.storage.DatabaseStorage"},
}

# Login: django-axes locks a username on one address after repeated failures.
# City offices share one public address, so the lock is on the combination:
# one person guessing does not lock out the whole office.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind PROXY_COUNT proxies, the client address is the one the nearest of
# them appended to X-Forwarded-For (reformtracker/lib/addresses.py).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "reformtracker.lib.addresses.client_address"

# A working day; the session cookie is HTTP-only and, in production, HTTPS-only.
SESSION_COOKIE_AGE = 12 * 60 * 60

# Everything the pages use comes from this site: no CDN, no inline script. The
# one inline style (grade colours) carries the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "surveys:dashboard"
LOGOUT_REDIRECT_URL = "public:plan_list"

# Absolute links in e-mail; the console backend prints mail unless one is configured.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "reformtracker@localhost")

# Uploaded workbooks (plan imports, survey sheets filled offline).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
UPLOAD_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
UPLOAD_MAX_COMPRESSION_RATIO = 200
# One part of an xlsx unpacked: the shared strings are read whole into memory,
# a worksheet is streamed row by row.
UPLOAD_MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
UPLOAD_MAX_PART_BYTES = 64 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
# An upload waits here between its preview and the confirmation.
# Previews one user may keep waiting for confirmation at once (two browser
# tabs, say); a new one deletes that user's oldest beyond it.
UPLOAD_HOLDS_PER_USER = 3

# django-import-export (flat lists in the admin): all or nothing, only for those
# who may add the model, uploads kept in the database between preview and confirm.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# Off: it strips a leading "=" and leaves + - @; DivisionResource neutralises instead.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
