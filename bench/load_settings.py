"""Django settings for the load benchmark (``bench/load.sh``): one gunicorn
worker, a SQLite file, drf-hmac through every DRF class."""

import os

SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "httpseal.django",
]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.load_urls"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["HTTPSEAL_BENCH_DB"]}
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
REST_FRAMEWORK = {"UNAUTHENTICATED_USER": None}
HTTPSEAL = {"SCHEMES": ["drf-hmac"]}
if os.environ.get("HTTPSEAL_BENCH_REPLAY_STORE"):
    HTTPSEAL["REPLAY_STORE"] = os.environ["HTTPSEAL_BENCH_REPLAY_STORE"]
