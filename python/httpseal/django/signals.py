"""Creates an ``HMACKey`` for each new user when ``HTTPSEAL["AUTO_CREATE_KEYS"]``
is on, as django-rest-framework-hmac's README does with ``post_save``."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from httpseal.django.conf import setting


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="httpseal.create_hmac_key")
def create_hmac_key(sender, instance=None, created=False, raw=False, **kwargs):
    """Receiver: a key for every newly created user (not for fixtures loading)."""
    if created and not raw and setting("AUTO_CREATE_KEYS"):
        from httpseal.django.models import HMACKey

        HMACKey.objects.get_or_create(user=instance)


def _created(sender, instance, created=False, raw=False, **kwargs):
    """Receiver: every new key, however made, is a ``key_created`` event."""
    if created and not raw:
        from httpseal.django import audit

        audit.key_event(audit.key_created, instance)


def connect_engine() -> None:
    """Empties the key cache when a key or a user changes in this process,
    and forgets the built verifiers when a setting changes (tests)."""
    from django.core.signals import setting_changed
    from django.db.models.signals import post_delete

    from httpseal.django import conf, engine
    from httpseal.django.models import HMACKey

    for sender in (HMACKey, settings.AUTH_USER_MODEL):
        post_save.connect(engine.keys.clear, sender=sender, dispatch_uid=f"httpseal.keys.{sender}")
        post_delete.connect(
            engine.keys.clear, sender=sender, dispatch_uid=f"httpseal.keys.del.{sender}"
        )
    post_save.connect(_created, sender=HMACKey, dispatch_uid="httpseal.audit.key_created")
    setting_changed.connect(conf.forget, dispatch_uid="httpseal.conf.forget")
    setting_changed.connect(engine.reset, dispatch_uid="httpseal.engine.reset")
