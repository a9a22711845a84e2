"""The key model of django-rest-framework-hmac, on current Django, with a
lifecycle: several keys per user, expiry, revocation, last use, and secrets
stored only encrypted (``EncryptedSecretField``)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from httpseal.django import audit
from httpseal.django.fields import EncryptedSecretField


def generate_key() -> str:
    """40 hexadecimal characters from the OS's CSPRNG."""
    return secrets.token_hex(20)


class HMACKeyQuerySet(models.QuerySet):
    def usable(self, at: datetime | None = None) -> HMACKeyQuerySet:
        """Keys that may sign now (or ``at``): not revoked, not expired."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class HMACKey(models.Model):
    """A key id and shared secret of a user; a user may hold several (to
    rotate with overlap). ``secret`` reads as the plain secret, which the
    server needs to recompute MACs; the column holds it only encrypted. Its
    repr and admin never show it."""

    key = models.CharField(_("Key"), primary_key=True, max_length=40, default=generate_key)
    secret = EncryptedSecretField(_("Secret"), max_length=255, default=generate_key)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="hmac_keys",
        # Queries spelled for django-rest-framework-hmac's one-to-one
        # (``User.objects.filter(hmac_key__key=...)``) keep working.
        related_query_name="hmac_key",
        on_delete=models.CASCADE,
        verbose_name=_("User"),
    )
    name = models.CharField(
        _("Name"), max_length=100, blank=True, default="", help_text=_("What the key is for.")
    )
    created = models.DateTimeField(_("Created"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("Expires at"),
        null=True,
        blank=True,
        help_text=_("From this time on the key is refused; empty: it does not expire."),
    )
    revoked_at = models.DateTimeField(
        _("Revoked at"),
        null=True,
        blank=True,
        help_text=_("Set: the key is refused. Clear it to restore the key."),
    )
    last_used_at = models.DateTimeField(
        _("Last used at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a request signed with the key was last accepted (to the interval)."),
    )
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

    objects = HMACKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("HMAC key")
        verbose_name_plural = _("HMAC keys")
        ordering = ("-created",)
        indexes = (models.Index(fields=["user", "-created"], name="httpseal_key_user_created"),)

    def __str__(self) -> str:
        return f"{self.key} ({self.name})" if self.name else self.key

    def __repr__(self) -> str:
        return f"<HMACKey key={self.key!r} user_id={self.user_id!r} state={self.state!r}>"

    @property
    def state(self) -> str:
        """``"active"``, ``"expired"`` or ``"revoked"``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def allows(self, scheme: str, algorithm: str) -> bool:
        """Whether this key may sign with ``scheme`` and ``algorithm``."""
        if not self.schemes and not self.algorithms:
            return True  # unrestricted, as most keys are
        schemes, algorithms = self.schemes.split(), self.algorithms.lower().split()
        return (not schemes or scheme in schemes) and (not algorithms or algorithm in algorithms)

    def revoke(self) -> None:
        """Refuses the key from now on (at once in this process, within
        ``KEY_CACHE_SECONDS`` in every other). ``restore()`` undoes it."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
            audit.key_event(audit.key_revoked, self)

    def restore(self) -> None:
        """Undoes ``revoke()`` (an expiry stays as it is)."""
        if self.revoked_at is not None:
            self.revoked_at = None
            self.save(update_fields=["revoked_at"])
            audit.key_event(audit.key_restored, self)

    @classmethod
    def create_for(cls, user: Any, **fields: Any) -> HMACKey:
        """A new key for ``user`` (``name``, ``expires_at``, ``schemes``, ...),
        beside any it has. Every new key sends ``key_created``."""
        return cls.objects.create(user=user, **fields)

    @classmethod
    def rotate_for(cls, user: Any) -> HMACKey:
        """Replaces every key of ``user`` (or creates one) with a new key id
        and secret, at once: the old keys are deleted."""
        with transaction.atomic():
            cls.objects.filter(user=user).delete()
            return cls.objects.create(user=user)

    def rotate(self, overlap: timedelta = timedelta(0)) -> HMACKey:
        """A new key with this one's name and restrictions; this one keeps
        working for ``overlap`` (it expires then, or is revoked at once when
        ``overlap`` is zero), so that clients can move to the new one."""
        if overlap < timedelta(0):
            raise ValueError("overlap must not be negative")
        with transaction.atomic():
            new = type(self).objects.create(
                user=self.user,
                name=self.name,
                schemes=self.schemes,
                algorithms=self.algorithms,
                may_act_as=self.may_act_as,
            )
            if overlap:
                end = timezone.now() + overlap
                if self.expires_at is None or self.expires_at > end:
                    self.expires_at = end
                    self.save(update_fields=["expires_at"])
            elif self.revoked_at is None:
                self.revoked_at = timezone.now()
                self.save(update_fields=["revoked_at"])
        audit.key_event(audit.key_rotated, new, previous=self)
        if not overlap:
            audit.key_event(audit.key_revoked, self)
        return new


class NoHMACKey(HMACKey.DoesNotExist, AttributeError):  # type: ignore[name-defined]
    """``user.hmac_key`` of a user without a usable key (an ``AttributeError``
    as well, as Django's one-to-one accessors raise, so ``hasattr`` works)."""


class CurrentHMACKey:
    """``user.hmac_key``, as django-rest-framework-hmac's one-to-one gave it:
    now the user's newest usable key (not revoked, not expired). Code that
    signs with ``user.hmac_key.secret`` moves to a new key as soon as it is
    created; ``user.hmac_keys`` is every key."""

    def __get__(self, user: Any, owner: Any = None) -> Any:
        if user is None:
            return self
        found = HMACKey.objects.usable().filter(user=user).order_by("-created").first()
        if found is None:
            raise NoHMACKey(f"{type(user).__name__} has no usable HMAC key")
        return found
