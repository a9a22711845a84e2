"""Django settings for the test suite. SQLite by default; set DATABASE_URL
(``postgres://user:pass@host:port/name``) to run against PostgreSQL."""

import os
from urllib.parse import unquote, urlparse

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "tests.django_project.urls"
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "rest_framework",
    "httpseal.django",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "httpseal.django.fost.FostMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "httpseal.django.fost.FostBackend",
]

REST_FRAMEWORK = {"UNAUTHENTICATED_USER": None}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.request",
            ]
        },
    }
]


def _database(url: str | None) -> dict:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError("DATABASE_URL must be a postgres:// URL")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": parts.port or "",
    }


DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}

# Served by gunicorn (tests/test_django_key_revocation.py): a SQLite file the
# workers and the management commands share, and each response naming its worker.
if os.environ.get("HTTPSEAL_TEST_SQLITE"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["HTTPSEAL_TEST_SQLITE"],
        }
    }
    MIDDLEWARE = [*MIDDLEWARE, "tests.django_project.worker.name_the_worker"]
    HTTPSEAL = {"SCHEMES": ["cavage", "drf-hmac"], "KEY_CACHE_SECONDS": 1}

# The original's default is 0.5 s; the tests check it separately.
FOST_AUTHN_MISSIGNED_SLEEP_TIME = 0
