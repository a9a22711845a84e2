"""The key model of django-rest-framework-hmac, on current Django."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


def generate_key() -> str:
    """40 hexadecimal characters from the OS's CSPRNG."""
    return secrets.token_hex(20)


class HMACKey(models.Model):
    """A user's key id and shared secret. The secret must be stored as it is:
    the server recomputes the HMAC with it. Its repr and admin never show it."""

    key = models.CharField(_("Key"), primary_key=True, max_length=40, default=generate_key)
    secret = models.CharField(_("Secret"), max_length=40, default=generate_key)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        related_name="hmac_key",
        on_delete=models.CASCADE,
        verbose_name=_("User"),
    )
    created = models.DateTimeField(_("Created"), auto_now_add=True)

    class Meta:
        verbose_name = _("HMAC key")
        verbose_name_plural = _("HMAC keys")

    def __str__(self) -> str:
        return self.key

    def __repr__(self) -> str:
        return f"<HMACKey key={self.key!r} user_id={self.user_id!r}>"

    @classmethod
    def rotate_for(cls, user) -> HMACKey:
        """Replaces ``user``'s key (or creates one) with a new key id and secret."""
        with transaction.atomic():
            cls.objects.filter(user=user).delete()
            return cls.objects.create(user=user)
