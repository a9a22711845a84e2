"""Alerts on the key lifecycle: a retired key (expired or revoked) that is
still in use is a client that missed a rotation, or a leaked key."""

from django.core.mail import mail_admins
from django.dispatch import receiver

from httpseal.django.audit import key_revoked, retired_key_used


@receiver(retired_key_used)
def alert_retired_key_use(sender, key_id, code, scheme, client, **kwargs):
    mail_admins(
        f"HMAC key {key_id} used after it was retired ({code})",
        f"A {scheme} request from {client} signed with key {key_id} was refused: {code}.",
        fail_silently=True,
    )


@receiver(key_revoked)
def note_revocation(sender, key_id, user, **kwargs):
    mail_admins(f"HMAC key {key_id} of {user} revoked", "", fail_silently=True)
