"""Shared fixtures. Django is configured by pytest-django from pyproject.toml."""

import pytest
from hypothesis import settings

# Shared machines stall at times; a slow example is not a failure.
settings.register_profile("default", deadline=None)
settings.load_profile("default")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("alice", password="correct horse")


@pytest.fixture
def hmac_key(user):
    from httpseal.django.models import HMACKey

    return HMACKey.objects.create(user=user)
