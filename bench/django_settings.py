"""Minimal Django settings for the benchmarks: in-memory SQLite."""

SECRET_KEY = "bench-only"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "httpseal.django",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
HTTPSEAL = {"SCHEMES": ["drf-hmac"]}  # what SignatureAuthentication accepts
