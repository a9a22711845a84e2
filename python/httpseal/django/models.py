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
    # Restrictions, read by the generic adapters (SignatureMiddleware,
    # SignatureAuthentication and the per-scheme DRF classes).
    schemes = models.CharField(
        _("Schemes"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("Space-separated schemes this key may sign with; empty: every enabled one."),
    )
    algorithms = models.CharField(
        _("Algorithms"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("Space-separated algorithms (e.g. hmac-sha256); empty: any the scheme allows."),
    )
    may_act_as = models.BooleanField(
        _("May act as other users"),
        default=False,
        help_text=_("Honour a signed X-FOST-User header naming another user."),
    )

    class Meta:
        verbose_name = _("HMAC key")
        verbose_name_plural = _("HMAC keys")

    def __str__(self) -> str:
        return self.key

    def __repr__(self) -> str:
        return f"<HMACKey key={self.key!r} user_id={self.user_id!r}>"

    def allows(self, scheme: str, algorithm: str) -> bool:
        """Whether this key may sign with ``scheme`` and ``algorithm``."""
        if not self.schemes and not self.algorithms:
            return True  # unrestricted, as most keys are
        schemes, algorithms = self.schemes.split(), self.algorithms.lower().split()
        return (not schemes or scheme in schemes) and (not algorithms or algorithm in algorithms)

    @classmethod
    def rotate_for(cls, user) -> HMACKey:
        """Replaces ``user``'s key (or creates one) with a new key id and secret."""
        with transaction.atomic():
            cls.objects.filter(user=user).delete()
            return cls.objects.create(user=user)
