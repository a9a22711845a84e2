"""A Django project speaking the legacy formats as their libraries did:
django-rest-framework-hmac's HMACAuthentication for DRF, django-fost-authn's
middleware and backend for plain views."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "change-me"
DEBUG = True
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
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["httpseal.drf.HMACAuthentication"]}
HTTPSEAL = {"AUTO_CREATE_KEYS": True}  # optional: a key for every new user

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "httpseal.django.fost.FostMiddleware",  # after AuthenticationMiddleware
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "httpseal.django.fost.FostBackend",
]


def FOST_AUTHN_GET_SECRET(request, key):  # default: the user's password field
    from httpseal.django.models import HMACKey  # models load after the settings

    return HMACKey.objects.get(user__username=key).secret  # DoesNotExist: unknown key, anonymous
