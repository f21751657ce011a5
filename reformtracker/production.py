"""Production settings: HTTPS only, secure cookies, hashed static files, PostgreSQL.

Run with ``DJANGO_SETTINGS_MODULE=reformtracker.production``. Everything that
differs per site still comes from the environment (README, "Running in
production"); this module only turns on what a public server must have, and
``manage.py check --deploy`` passes with it.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DB", "postgres")
# Set, and the same on every app server; checked before the base settings would
# generate one into VAR_DIR: each machine would make its own, and a session, a
# message or a password-reset link signed by one server would fail on another.
if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("Set SECRET_KEY, the same on every app server.")

from reformtracker.settings import *  # noqa: E402, F403
from reformtracker.settings import STORAGES  # noqa: E402
from reformtracker.settings import envbool  # noqa: E402
from reformtracker.settings import envlist  # noqa: E402

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names.")

# Keep database connections across requests (a new one costs PostgreSQL
# 10-15 ms of CPU a request, bench/load.py); check them before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# HTTPS: the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# Hashed, compressed static files made by collectstatic, served by WhiteNoise
# with far-future caching.
STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
