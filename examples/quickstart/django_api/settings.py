"""A Django project that accepts every scheme: SignatureMiddleware for plain
views, SignatureAuthentication for DRF. Keys are HMACKey rows."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "change-me"
DEBUG = True  # refusals log the string the server signed
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"httpseal": {"handlers": ["console"], "level": "INFO"}},
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "httpseal.django",  # app label "httpseal": HMACKey model, admin
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "httpseal.django.middleware.SignatureMiddleware",
]
HTTPSEAL = {
    "SCHEMES": ["cavage", "drf-hmac", "fost"],
    "DRF_HMAC_HOST": "host",  # drf-hmac signs the Host, not the client address
    "REPLAY_STORE": "memory",  # one process; a redis:// URL for several
    "WEBHOOK_SECRETS": {"stripe": "whsec_0123456789abcdef"},  # httpseal.django.webhooks
    "WEBHOOK_DELIVERIES": "memory",  # deliveries handled once; a redis:// URL for several
}
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["httpseal.drf.SignatureAuthentication"]}
