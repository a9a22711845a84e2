"""A small Django project for the demo: DRF HMAC and FOST on SQLite."""

import atexit
import os
import shutil
import tempfile

SECRET_KEY = "demo-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "examples.django_demo.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "httpseal.django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "httpseal.django.fost.FostMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "httpseal.django.fost.FostBackend",
]
# A file, not :memory:, so that every server thread sees the same database;
# its directory goes when the demo exits.
_DATABASE_DIR = tempfile.mkdtemp(prefix="httpseal-demo-")
atexit.register(shutil.rmtree, _DATABASE_DIR, ignore_errors=True)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(_DATABASE_DIR, "demo.sqlite3"),
    }
}
FOST_AUTHN_GET_SECRET = lambda request, key: {"reporter": "fost-demo-secret"}.get(key)  # noqa: E731
FOST_AUTHN_MISSIGNED_SLEEP_TIME = 0
# One process serves the demo, so the in-memory store sees every request.
HTTPSEAL = {"REPLAY_STORE": "memory"}
