"""``EncryptedSecretField``: a secret that reads as plain text in Python and
is stored only encrypted (``httpseal.django.encryption``), bound to its row's
primary key so that a value copied onto another row does not decrypt.

The column holds ``httpseal$1$<key id>$<ciphertext>``. A value read from the
database is decrypted on first access (``UndecryptableKey`` when that fails:
never a fallback to what the column holds); a value set in Python is
encrypted when the row is saved. Filtering on the field, or ``update()``
with a plain value, is refused: neither could work on ciphertext."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from httpseal._native import KeyEncryption
from httpseal.django.encryption import key_encryption


class Encrypted(str):
    """A value as the column holds it (encrypted), never a secret."""

    __slots__ = ()


class Decrypted(str):
    """A secret as the field reads it, remembering the value it came from:
    Django's raw saves (``loaddata``) write what the attribute reads, and
    this way they write that value back, not the secret."""

    stored: Encrypted


class _SecretAttribute(DeferredAttribute):
    """Reads the decrypted secret; a plain value set on the instance is
    kept as it is until the row is saved."""

    field: EncryptedSecretField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        field = self.field
        value = instance.__dict__.get(field.attname)
        if value is None:
            value = super().__get__(instance, cls)  # a deferred field: loaded now
        if type(value) is Encrypted:
            # Read on every request: the secret is kept beside the value it
            # was decrypted from.
            cached = instance.__dict__.get(field.cache_name)
            if cached is not None and cached[0] is value:
                return cached[1]
            return field.decrypted(instance, value)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        # A data descriptor (unlike Django's), so that reads come through
        # ``__get__`` even though the value lives in the instance's dict.
        instance.__dict__[self.field.attname] = value
        if type(value) is Encrypted and instance.pk is not None:
            # The row it was read for (the primary key is set first).
            instance.__dict__[self.field.record_name] = str(instance.pk)


# What an encrypted value adds to its secret: the prefix, the key id, the
# nonce and the tag, the whole in base64.
OVERHEAD = len("httpseal$1$00000000$")
NONCE_AND_TAG = 24 + 16


class EncryptedSecretField(models.CharField):
    descriptor_class = _SecretAttribute

    @property
    def max_secret_bytes(self) -> int:
        """The longest secret whose encrypted value fits the column."""
        return (self.max_length - OVERHEAD) * 3 // 4 - NONCE_AND_TAG

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        # Where an instance keeps ``(value, secret)`` once decrypted, and the
        # primary key a stored value was read for.
        self.cache_name = f"_{self.attname}_decrypted"
        self.record_name = f"_{self.attname}_record"

    def _remember(self, instance: Any, stored: Encrypted, record: str, secret: str) -> str:
        found = Decrypted(secret)
        found.stored = stored
        instance.__dict__[self.cache_name] = (stored, found)
        instance.__dict__[self.record_name] = record
        return found

    def decrypted(self, instance: Any, stored: Encrypted) -> str:
        """The secret ``stored`` holds for ``instance``, decrypted (and kept
        on the instance, so copies of it share the result)."""
        record = instance.__dict__.get(self.record_name) or str(instance.pk)
        secret = key_encryption().decrypt(stored, record=record)
        return self._remember(instance, stored, record, secret)

    def encrypted(self, instance: Any) -> Encrypted | None:
        """What the column must hold for ``instance``: its stored value, or
        its plain secret encrypted for its primary key (again when the key
        changed, so that the value stays bound to its row)."""
        value = instance.__dict__.get(self.attname)
        if value is None:
            return None
        record = str(instance.pk)
        if type(value) is Encrypted:
            if instance.__dict__.get(self.record_name, record) == record:
                return value
            value = self.decrypted(instance, value)  # the key id changed: bind to the new one
        if not isinstance(value, str):
            raise TypeError(
                f"{self.model.__name__}.{self.name} must be str, not {type(value).__name__}"
            )
        if len(value.encode()) > self.max_secret_bytes:
            raise ValueError(
                f"{self.model.__name__}.{self.name} holds at most {self.max_secret_bytes} "
                "bytes of secret (the column holds it encrypted)"
            )
        stored = Encrypted(key_encryption().encrypt(str(value), record=record))
        instance.__dict__[self.attname] = stored
        self._remember(instance, stored, record, str(value))
        return stored

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        return self.encrypted(model_instance)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Encrypted(value)

    def to_python(self, value: Any) -> Any:
        # Fixtures (loaddata) carry the column's value, as dumpdata wrote it.
        if isinstance(value, str) and KeyEncryption.is_encrypted(value):
            return Encrypted(value)
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Decrypted):
            value = value.stored
        if value is not None and not isinstance(value, Encrypted):
            raise ValueError(
                f"{self.model.__name__}.{self.name} is stored encrypted: set it on an "
                "instance and save() it; it cannot be filtered on or update()d"
            )
        return super().get_prep_value(value)

    def value_from_object(self, obj: Any) -> Any:
        # What serializers (dumpdata) write: the column's value, never the secret.
        return self.encrypted(obj)

    def formfield(self, **kwargs: Any) -> Any:
        return None  # shown once at creation, never edited in a form
