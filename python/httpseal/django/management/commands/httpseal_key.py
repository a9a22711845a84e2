"""``manage.py httpseal_key``: the life of HMAC keys.

    httpseal_key create USERNAME [--name NAME] [--expires DURATION]
                                 [--schemes S ...] [--algorithms A ...]
    httpseal_key rotate KEY_OR_USERNAME [--overlap DURATION]
    httpseal_key revoke KEY [--undo]
    httpseal_key list [USERNAME]
    httpseal_key reencrypt
    httpseal_key decrypt --yes
    httpseal_key USERNAME [--rotate]      (the first form: create, or replace at once)

A new key's secret is printed once, on standard output; nothing else ever
shows it. DURATION is a number with a unit: ``90d``, ``12h``, ``30m``,
``45s`` or ``2w``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction
from django.utils import timezone

from httpseal._native import KeyEncryption, UndecryptableKey
from httpseal.django.encryption import key_encryption
from httpseal.django.models import HMACKey

ACTIONS = ("create", "rotate", "revoke", "list", "reencrypt", "decrypt")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``45s``, ``2w`` (or a bare number of seconds)."""
    found = re.fullmatch(r"\s*(\d{1,9})\s*([smhdw]?)\s*", text.lower())
    if found is None:
        raise CommandError(f"{text[:32]!r} is not a duration such as 90d, 12h, 30m or 45s")
    return timedelta(seconds=int(found[1]) * UNITS[found[2] or "s"])


class Command(BaseCommand):
    help = (
        "Create, rotate (with --overlap), revoke, list and re-encrypt HMAC keys. "
        "Forms: create USERNAME | rotate KEY_OR_USERNAME | revoke KEY | list [USERNAME] | "
        "reencrypt | decrypt --yes | USERNAME [--rotate]."
    )

    def add_arguments(self, parser):
        parser.add_argument("words", nargs="+", metavar="ACTION_OR_USERNAME")
        parser.add_argument("--name", default="", help="what the new key is for")
        parser.add_argument("--expires", help="the new key expires after DURATION (e.g. 90d)")
        parser.add_argument(
            "--overlap",
            help="rotate: the old key keeps working for DURATION (default: revoked at once)",
        )
        parser.add_argument("--schemes", nargs="+", default=[], help="pin the new key to schemes")
        parser.add_argument(
            "--algorithms", nargs="+", default=[], help="pin the new key to algorithms"
        )
        parser.add_argument("--undo", action="store_true", help="revoke: restore the key")
        parser.add_argument(
            "--rotate", action="store_true", help="USERNAME form: replace the user's keys at once"
        )
        parser.add_argument(
            "--yes", action="store_true", help="decrypt: yes, store every secret as plain text"
        )

    def handle(self, *args, words: list[str], **options: Any) -> None:
        action, rest = words[0], words[1:]
        if action not in ACTIONS:
            # The first form: ``httpseal_key USERNAME [--rotate]``.
            self._expect(rest, 0, "USERNAME [--rotate]")
            return self._legacy(action, options["rotate"])
        handler = getattr(self, f"_{action}")
        handler(rest, options)

    def _expect(self, rest: list[str], most: int, usage: str, least: int = 0) -> None:
        if not least <= len(rest) <= most:
            raise CommandError(f"usage: httpseal_key {usage}")

    def _user(self, username: str) -> Any:
        user_model = get_user_model()
        try:
            return user_model._default_manager.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"no user {username!r}") from None

    def _key(self, key_id: str) -> HMACKey:
        try:
            return HMACKey.objects.select_related("user").get(pk=key_id)
        except HMACKey.DoesNotExist:
            raise CommandError(f"no key {key_id!r}") from None

    def _show_new(self, key: HMACKey) -> None:
        self.stdout.write(f"key: {key.key}\nsecret: {key.secret}")
        self.stderr.write("Store the secret now; it is not shown again.")

    def _legacy(self, username: str, rotate: bool) -> None:
        user = self._user(username)
        if HMACKey.objects.filter(user=user).exists() and not rotate:
            raise CommandError(f"{username!r} already has a key; pass --rotate to replace it")
        self._show_new(HMACKey.rotate_for(user))

    def _create(self, rest: list[str], options: dict[str, Any]) -> None:
        self._expect(rest, 1, "create USERNAME [--name NAME] [--expires DURATION]", least=1)
        expires = options["expires"]
        key = HMACKey.create_for(
            self._user(rest[0]),
            name=options["name"],
            expires_at=timezone.now() + duration(expires) if expires else None,
            schemes=" ".join(options["schemes"]),
            algorithms=" ".join(options["algorithms"]).lower(),
        )
        self._show_new(key)

    def _rotate(self, rest: list[str], options: dict[str, Any]) -> None:
        self._expect(rest, 1, "rotate KEY_OR_USERNAME [--overlap DURATION]", least=1)
        old = HMACKey.objects.select_related("user").filter(pk=rest[0]).first()
        if old is None:
            user = self._user(rest[0])
            old = HMACKey.objects.usable().filter(user=user).order_by("-created").first()
            if old is None:
                raise CommandError(f"{rest[0]!r} has no usable key to rotate; create one")
        overlap = duration(options["overlap"]) if options["overlap"] else timedelta(0)
        new = old.rotate(overlap)
        self._show_new(new)
        if overlap:
            until = f"{old.expires_at:%Y-%m-%d %H:%M} UTC"
            self.stderr.write(f"The old key {old.key} works until {until}.")
        else:
            self.stderr.write(f"The old key {old.key} is revoked.")

    def _revoke(self, rest: list[str], options: dict[str, Any]) -> None:
        self._expect(rest, 1, "revoke KEY [--undo]", least=1)
        key = self._key(rest[0])
        if options["undo"]:
            key.restore()
            self.stdout.write(f"{key.key}: {key.state}")
        else:
            key.revoke()
            self.stdout.write(f"{key.key}: revoked")

    def _list(self, rest: list[str], options: dict[str, Any]) -> None:
        self._expect(rest, 1, "list [USERNAME]")
        keys = HMACKey.objects.select_related("user").order_by("user_id", "-created")
        if rest:
            keys = keys.filter(user=self._user(rest[0]))
        user_model = get_user_model()

        def when(at: Any) -> str:
            return "-" if at is None else f"{at:%Y-%m-%d %H:%M}"

        rows = [("KEY", "USER", "NAME", "STATE", "CREATED", "EXPIRES", "LAST USED")]
        for key in keys:
            username = str(getattr(key.user, user_model.USERNAME_FIELD, key.user_id))
            rows.append(
                (
                    key.key,
                    username,
                    key.name or "-",
                    key.state,
                    when(key.created),
                    when(key.expires_at),
                    when(key.last_used_at),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )

    def _reencrypt(self, rest: list[str], options: dict[str, Any]) -> None:
        self._expect(rest, 0, "reencrypt")
        encryption = key_encryption()
        moved = current = broken = 0
        for key in HMACKey.objects.iterator():
            stored = key.__dict__["secret"]
            try:
                # Each value is decrypted, current ones too: a damaged one is reported.
                secret = key.secret if KeyEncryption.is_encrypted(stored) else str(stored)
            except UndecryptableKey as exc:
                self.stderr.write(f"{key.key}: {exc}")
                broken += 1
                continue
            if encryption.is_current(stored):
                current += 1
                continue
            key.secret = secret
            key.save(update_fields=["secret"])
            moved += 1
        self.stdout.write(
            f"{moved} re-encrypted, {current} already under the current key"
            + (f", {broken} could not be decrypted" if broken else "")
        )
        if broken:
            raise CommandError(f"{broken} key(s) could not be decrypted; see above")

    def _decrypt(self, rest: list[str], options: dict[str, Any]) -> None:
        self._expect(rest, 0, "decrypt --yes")
        if not options["yes"]:
            raise CommandError(
                "decrypt stores every secret as plain text (to migrate httpseal back past "
                "0003); keys stop working until then. Pass --yes to do it."
            )
        alias = router.db_for_write(HMACKey)
        connection = connections[alias]
        table = connection.ops.quote_name(HMACKey._meta.db_table)
        pk, column = (
            connection.ops.quote_name(HMACKey._meta.get_field(n).column) for n in ("key", "secret")
        )
        done = 0
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            for key in HMACKey.objects.using(alias).iterator():
                if not KeyEncryption.is_encrypted(key.__dict__["secret"]):
                    continue
                try:
                    secret = key.secret
                except UndecryptableKey as exc:
                    raise CommandError(f"{key.key}: {exc}; nothing was changed") from None
                # Raw SQL: the field refuses to write plain text, as it should.
                # The names are the model's own, quoted; the values are bound.
                update = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"  # noqa: S608
                cursor.execute(update, [secret, key.key])
                done += 1
        self.stdout.write(f"{done} secret(s) stored as plain text")
