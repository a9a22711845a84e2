"""The key lifecycle on Django: secrets encrypted at rest (raw SQL sees only
ciphertext), the encryption key rotated with ``SECRET_KEY_FALLBACKS`` and
``reencrypt``, several keys per user, expiry and revocation refused on every
scheme, ``last_used_at`` written once per interval, the audit events, and
``manage.py httpseal_key``'s forms."""

from __future__ import annotations

import base64
import logging
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import httpseal
from httpseal.django import audit, engine
from httpseal.django.models import HMACKey, NoHMACKey

from tests import signed_requests as signed
from tests.test_django_signature import send

SECRET = "0123456789abcdef0123456789abcdef01234567"
SCHEMES = ["cavage", "drf-hmac", "fost", "rfc9421"]


@pytest.fixture(autouse=True)
def signature_settings(settings):
    settings.HTTPSEAL = {"SCHEMES": SCHEMES}
    return settings


def stored(key_id: str) -> str:
    """What the secret column holds, read with raw SQL."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('secret')} FROM {quote(HMACKey._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('key')} = %s",
            [key_id],
        )
        return cursor.fetchone()[0]


def store(key_id: str, value: str) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(HMACKey._meta.db_table)} SET {quote('secret')} = %s "  # noqa: S608
            f"WHERE {quote('key')} = %s",
            [value, key_id],
        )
    engine.keys.clear()


def encodings(secret: str) -> list[str]:
    raw = secret.encode()
    forms = [
        secret,
        raw.hex(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    ]
    try:
        decoded = bytes.fromhex(secret)  # drf-hmac uses the hex-decoded bytes
    except ValueError:
        return forms
    return [*forms, base64.b64encode(decoded).decode(), base64.urlsafe_b64encode(decoded).decode()]


def cavage(client, key: HMACKey | str, secret: str | None = None):
    key_id = key if isinstance(key, str) else key.key
    secret = secret if secret is not None else key.secret  # type: ignore[union-attr]
    return send(client, signed.cavage("testserver", "/signed/notes/", secret, key_id))


def drf(client, key: HMACKey):
    return send(client, signed.drf("127.0.0.1", "/signed/notes/", key.secret, key.key))


@pytest.mark.django_db
def test_the_column_holds_only_ciphertext_and_requests_verify(client, user):
    key = HMACKey.objects.create(user=user, secret=SECRET)
    generated = HMACKey.objects.create(user=user)
    for row in (key, generated):
        value = stored(row.key)
        assert value.startswith("httpseal$1$")
        for form in encodings(row.secret):
            assert form.rstrip("=") not in value
        assert HMACKey.objects.get(pk=row.pk).secret == row.secret
    assert cavage(client, key).status_code == 200
    assert drf(client, generated).status_code == 200
    assert cavage(client, key, "0" * 40).status_code == 401


@pytest.mark.django_db
def test_the_field_refuses_plain_text_where_it_cannot_encrypt(user):
    key = HMACKey.objects.create(user=user, secret=SECRET)
    with pytest.raises(ValueError, match="stored encrypted"):
        HMACKey.objects.filter(pk=key.pk).update(secret="plain")
    with pytest.raises(ValueError, match="stored encrypted"):
        HMACKey.objects.filter(secret=SECRET).exists()


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_row_does_not_decrypt(client, user, caplog):
    first = HMACKey.objects.create(user=user, secret=SECRET)
    second = HMACKey.objects.create(user=user, secret="another-secret")
    store(second.key, stored(first.key))
    caplog.set_level(logging.INFO)
    # Neither the secret the row was made with nor the one its value holds.
    assert cavage(client, second.key, "another-secret").status_code == 401
    assert cavage(client, second.key, SECRET).status_code == 401
    assert cavage(client, first).status_code == 200
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any("unusable" in r.getMessage() and second.key in r.getMessage() for r in errors)
    assert "[undecryptable_key]" in caplog.text
    assert SECRET not in caplog.text and "another-secret" not in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("position", [12, 20, 40, -3])
def test_a_flipped_byte_makes_the_key_unusable_never_a_500(client, user, caplog, position):
    key = HMACKey.objects.create(user=user, secret=SECRET)
    value = stored(key.key)
    at = position % len(value)
    store(key.key, value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :])
    response = cavage(client, key.key, SECRET)
    assert response.status_code == 401
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    with pytest.raises(httpseal.UndecryptableKey):
        HMACKey.objects.get(pk=key.pk).secret  # noqa: B018 (the read is the test)


@pytest.mark.django_db
def test_a_plain_secret_left_in_the_column_is_never_used(client, user):
    key = HMACKey.objects.create(user=user, secret=SECRET)
    store(key.key, SECRET)
    assert cavage(client, key.key, SECRET).status_code == 401


@pytest.mark.django_db
def test_secret_key_rotation_with_fallbacks_then_reencrypt(client, user, settings, capsys):
    keys = [HMACKey.objects.create(user=user, secret=f"secret-{n}") for n in range(3)]
    old_id = httpseal.KeyEncryption([settings.SECRET_KEY]).key_ids[0]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-project-of-fifty-characters"
    new_id = httpseal.KeyEncryption([settings.SECRET_KEY]).key_ids[0]
    for key in keys:
        assert cavage(client, key.key, key.secret).status_code == 200
    call_command("httpseal_key", "reencrypt")
    assert capsys.readouterr().out.strip() == "3 re-encrypted, 0 already under the current key"
    assert all(f"${new_id}$" in stored(k.key) and old_id not in stored(k.key) for k in keys)
    settings.SECRET_KEY_FALLBACKS = []
    for key in keys:
        assert cavage(client, key.key, key.secret).status_code == 200
    call_command("httpseal_key", "reencrypt")
    assert capsys.readouterr().out.strip() == "0 re-encrypted, 3 already under the current key"


@pytest.mark.django_db
def test_dedicated_encryption_keys_take_over_from_secret_key(client, user, settings, capsys):
    key = HMACKey.objects.create(user=user, secret=SECRET)
    dedicated = "k" * 40
    settings.HTTPSEAL = {"SCHEMES": SCHEMES, "KEY_ENCRYPTION_KEYS": [dedicated]}
    assert cavage(client, key.key, SECRET).status_code == 401  # SECRET_KEY is not listed
    settings.HTTPSEAL = {
        "SCHEMES": SCHEMES,
        "KEY_ENCRYPTION_KEYS": [dedicated, settings.SECRET_KEY],
    }
    assert cavage(client, key.key, SECRET).status_code == 200
    call_command("httpseal_key", "reencrypt")
    settings.HTTPSEAL = {"SCHEMES": SCHEMES, "KEY_ENCRYPTION_KEYS": [dedicated]}
    assert cavage(client, key.key, SECRET).status_code == 200


@pytest.mark.django_db
def test_reencrypt_reports_values_it_cannot_decrypt(user, capsys):
    good = HMACKey.objects.create(user=user, secret=SECRET)
    bad = HMACKey.objects.create(user=user, secret=SECRET)
    store(bad.key, stored(good.key))
    with pytest.raises(CommandError, match="1 key"):
        call_command("httpseal_key", "reencrypt")
    captured = capsys.readouterr()
    assert bad.key in captured.err and SECRET not in captured.err + captured.out


@pytest.mark.django_db
def test_two_keys_of_one_user_both_work_until_one_is_revoked(client, user, caplog):
    old = HMACKey.create_for(user, name="laptop")
    new = HMACKey.create_for(user, name="server")
    assert list(user.hmac_keys.all()) == [new, old]
    assert user.hmac_key == new  # the newest usable key, for drf-hmac code
    assert cavage(client, old).status_code == 200
    assert drf(client, new).status_code == 200
    unknown = cavage(client, "f" * 40, SECRET)
    old.revoke()  # at once in this process
    refused = cavage(client, old)
    assert refused.status_code == 401
    # The same answer as an unknown key: no oracle on the wire.
    assert refused.content == unknown.content
    assert refused["WWW-Authenticate"] == unknown["WWW-Authenticate"]
    assert "[revoked_key]" in caplog.text
    assert cavage(client, new).status_code == 200
    old.restore()
    assert cavage(client, old).status_code == 200
    new.revoke()
    assert user.hmac_key == old


@pytest.mark.django_db
def test_user_hmac_key_without_a_usable_key(user):
    assert not hasattr(user, "hmac_key")
    key = HMACKey.create_for(user, expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(HMACKey.DoesNotExist):
        user.hmac_key  # noqa: B018
    with pytest.raises(NoHMACKey):
        user.hmac_key  # noqa: B018
    key.expires_at = None
    key.save()
    assert user.hmac_key == key


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["cavage", "drf-hmac", "fost", "rfc9421", "legacy-drf-hmac"])
def test_every_scheme_refuses_an_expired_key(client, user, caplog, scheme):
    key = HMACKey.create_for(user, expires_at=timezone.now() + timedelta(hours=1))

    def attempt():
        if scheme == "legacy-drf-hmac":  # HMACAuthentication, drf-hmac's own class
            return send(client, signed.drf("127.0.0.1", "/notes/", key.secret, key.key))
        if scheme == "rfc9421":
            headers = [("Host", "testserver"), ("Content-Type", "application/json")]
            signer = httpseal.Signer("rfc9421", key.key, key.secret)
            headers += signer.sign("POST", "/signed/notes/", "", headers, b"{}")
            return send(client, ("POST", "/signed/notes/", "", dict(headers), b"{}"))
        if scheme == "fost":
            return send(client, signed.fost_request("/signed/notes/", key.secret, key.key))
        if scheme == "drf-hmac":
            return drf(client, key)
        return cavage(client, key)

    assert attempt().status_code in (200, 201)
    key.expires_at = timezone.now() - timedelta(seconds=1)
    key.save()
    assert attempt().status_code == 401
    assert "[expired_key]" in caplog.text


@pytest.mark.django_db
def test_last_use_is_written_once_per_interval(client, user, settings):
    settings.HTTPSEAL = {"SCHEMES": SCHEMES, "LAST_USED_INTERVAL": 3600}
    key = HMACKey.objects.create(user=user, secret=SECRET)
    assert key.last_used_at is None
    with CaptureQueriesContext(connection) as queries:
        for _ in range(1000):
            assert cavage(client, key.key, SECRET).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1 and "last_used_at" in writes[0]
    key.refresh_from_db()
    assert timezone.now() - key.last_used_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_last_use_is_written_again_after_the_interval(client, user, settings):
    settings.HTTPSEAL = {"SCHEMES": SCHEMES, "LAST_USED_INTERVAL": 1}
    key = HMACKey.objects.create(user=user, secret=SECRET)
    with CaptureQueriesContext(connection) as queries:
        end = time.monotonic() + 2.5
        while time.monotonic() < end:
            assert cavage(client, key.key, SECRET).status_code == 200
    writes = [q for q in queries if q["sql"].startswith("UPDATE")]
    assert 2 <= len(writes) <= 4


@pytest.mark.django_db
def test_last_use_is_not_written_when_switched_off(client, user, settings):
    settings.HTTPSEAL = {"SCHEMES": SCHEMES, "LAST_USED_INTERVAL": None}
    key = HMACKey.objects.create(user=user, secret=SECRET)
    assert cavage(client, key.key, SECRET).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is None


class Received:
    def __init__(self, signal):
        self.calls: list[dict] = []
        signal.connect(self.receive, weak=False)
        self.signal = signal

    def receive(self, sender, **kwargs):
        self.calls.append(kwargs)


@pytest.fixture
def received():
    made = []

    def listen(signal):
        made.append(Received(signal))
        return made[-1]

    yield listen
    for receiver in made:
        receiver.signal.disconnect(receiver.receive)


@pytest.mark.django_db
def test_lifecycle_events_are_sent_and_logged(user, received, caplog):
    caplog.set_level(logging.INFO, logger="httpseal.audit")
    created, rotated, revoked = (
        received(audit.key_created),
        received(audit.key_rotated),
        received(audit.key_revoked),
    )
    old = HMACKey.create_for(user, name="ci")
    assert created.calls[-1]["key_id"] == old.key and created.calls[-1]["user"] == user
    new = old.rotate(timedelta(hours=2))
    assert new.name == "ci" and created.calls[-1]["key_id"] == new.key
    assert rotated.calls[-1]["key"] == new and rotated.calls[-1]["previous"] == old
    old.refresh_from_db()
    assert timedelta(hours=1, minutes=59) < old.expires_at - timezone.now() <= timedelta(hours=2)
    assert old.state == "active" and revoked.calls == []
    newest = new.rotate()  # no overlap: the old key is revoked at once
    new.refresh_from_db()
    assert new.state == "revoked" and revoked.calls[-1]["key_id"] == new.key
    events = [getattr(r, "event", None) for r in caplog.records]
    assert events.count("key_created") == 3 and "key_rotated" in events and "key_revoked" in events
    assert all(k.secret not in caplog.text for k in (old, new, newest))


@pytest.mark.django_db
def test_refusals_are_sent_with_key_code_and_client(client, user, received, caplog):
    refused, retired = received(audit.signature_refused), received(audit.retired_key_used)
    key = HMACKey.create_for(user)
    assert cavage(client, key.key, "wrong").status_code == 401
    assert refused.calls[-1] | {"request": None, "signal": None} == {
        "key_id": key.key,
        "code": "bad_signature",
        "scheme": "cavage",
        "client": "127.0.0.1",
        "request": None,
        "signal": None,
    }
    assert retired.calls == []
    key.revoke()
    # Wrongly signed with a retired key: a bad signature, not a use of the key.
    assert cavage(client, key.key, "wrong").status_code == 401
    assert refused.calls[-1]["code"] == "bad_signature" and retired.calls == []
    assert cavage(client, key).status_code == 401
    assert retired.calls[-1]["code"] == "revoked_key" and retired.calls[-1]["key_id"] == key.key
    assert refused.calls[-1]["code"] == "revoked_key"
    assert key.secret not in caplog.text


@pytest.mark.django_db
def test_a_failing_receiver_does_not_change_the_answer(client, user, caplog):
    def broken(sender, **kwargs):
        raise RuntimeError("receiver bug")

    audit.signature_refused.connect(broken)
    try:
        key = HMACKey.create_for(user)
        assert cavage(client, key.key, "wrong").status_code == 401
        assert cavage(client, key).status_code == 200
    finally:
        audit.signature_refused.disconnect(broken)
    assert "signature_refused receiver" in caplog.text


@pytest.mark.django_db
def test_command_create_list_rotate_revoke(user, capsys):
    call_command("httpseal_key", "create", "alice", "--name", "ci", "--expires", "90d")
    out = capsys.readouterr().out
    printed = dict(line.split(": ", 1) for line in out.splitlines())
    key = HMACKey.objects.get(pk=printed["key"])
    assert key.secret == printed["secret"] and len(printed["secret"]) == 40
    assert key.name == "ci" and timedelta(days=89) < key.expires_at - timezone.now()
    call_command("httpseal_key", "rotate", "alice", "--overlap", "12h")
    new = HMACKey.objects.get(
        pk=dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())["key"]
    )
    key.refresh_from_db()
    assert new.name == "ci" and key.expires_at - timezone.now() <= timedelta(hours=12)
    call_command("httpseal_key", "revoke", key.key)
    key.refresh_from_db()
    assert key.state == "revoked"
    call_command("httpseal_key", "revoke", key.key, "--undo")
    key.refresh_from_db()
    assert key.state == "active"
    capsys.readouterr()
    call_command("httpseal_key", "list", "alice")
    listing = capsys.readouterr().out
    assert key.key in listing and new.key in listing and "active" in listing
    assert key.secret not in listing and new.secret not in listing
    call_command("httpseal_key", "rotate", new.key)  # by key id, no overlap
    new.refresh_from_db()
    assert new.state == "revoked"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["create"], "usage"),
        (["create", "nobody"], "no user"),
        (["rotate", "alice"], "no usable key"),
        (["revoke", "f" * 40], "no key"),
        (["create", "alice", "--expires", "soon"], "not a duration"),
        (["list", "a", "b"], "usage"),
        (["decrypt"], "--yes"),
        (["alice", "extra"], "usage"),
    ],
)
def test_command_mistakes_are_clear_errors(user, words, message):
    with pytest.raises(CommandError, match=message):
        call_command("httpseal_key", *words)


@pytest.mark.django_db
def test_decrypt_then_reencrypt(user, capsys):
    key = HMACKey.objects.create(user=user, secret=SECRET)
    call_command("httpseal_key", "decrypt", "--yes")
    assert stored(key.key) == SECRET
    with pytest.raises(httpseal.UndecryptableKey):
        HMACKey.objects.get(pk=key.pk).secret  # noqa: B018 (never the plain column)
    call_command("httpseal_key", "reencrypt")
    assert stored(key.key).startswith("httpseal$1$")
    assert HMACKey.objects.get(pk=key.pk).secret == SECRET


@pytest.mark.django_db
def test_fixtures_carry_ciphertext_and_load_back(user, tmp_path):
    key = HMACKey.objects.create(user=user, secret=SECRET)
    dump = tmp_path / "keys.json"
    call_command("dumpdata", "httpseal.hmackey", output=str(dump))
    assert SECRET not in dump.read_text() and "httpseal$1$" in dump.read_text()
    HMACKey.objects.all().delete()
    call_command("loaddata", str(dump), verbosity=0)
    assert HMACKey.objects.get(pk=key.pk).secret == SECRET


@pytest.mark.django_db
def test_admin_shows_state_and_revokes_with_an_action(admin_client, user):
    key = HMACKey.create_for(user, name="laptop")
    listing = admin_client.get("/admin/httpseal/hmackey/").content.decode()
    assert "laptop" in listing and "active" in listing and key.secret not in listing
    admin_client.post(
        "/admin/httpseal/hmackey/",
        {"action": "revoke_keys", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.state == "revoked"
    revoked = admin_client.get("/admin/httpseal/hmackey/?state=revoked").content.decode()
    assert key.key in revoked


@pytest.fixture
def migrator(transactional_db):
    """Moves the httpseal app's schema; puts it back at the latest after."""
    from django.db.migrations.executor import MigrationExecutor

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("httpseal")

    def migrate(name: str):
        executor = MigrationExecutor(connection)
        executor.migrate([("httpseal", name)])
        executor.loader.build_graph()
        return executor.loader.project_state([("httpseal", name)]).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(latest)


def test_the_migration_encrypts_plain_secrets_in_place(migrator, django_user_model, client):
    old_apps = migrator("0002_hmackey_restrictions")
    user = django_user_model.objects.create_user("erin")
    old_apps.get_model("httpseal", "HMACKey").objects.create(
        key="k" * 40, secret=SECRET, user_id=user.pk
    )
    assert stored("k" * 40) == SECRET
    migrator("0003_key_lifecycle")
    engine.keys.clear()
    assert stored("k" * 40).startswith("httpseal$1$")
    assert HMACKey.objects.get(pk="k" * 40).secret == SECRET
    assert cavage(client, "k" * 40, SECRET).status_code == 200
    # Back: refused while secrets are encrypted, done after the explicit command.
    from django.db.migrations.exceptions import IrreversibleError

    with pytest.raises(IrreversibleError, match="httpseal_key decrypt --yes"):
        migrator("0002_hmackey_restrictions")
    assert stored("k" * 40).startswith("httpseal$1$")
    call_command("httpseal_key", "decrypt", "--yes")
    migrator("0002_hmackey_restrictions")
    assert stored("k" * 40) == SECRET


@pytest.mark.django_db
def test_the_documented_alert_mails_the_admins(client, user, settings, mailoutbox):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent.parent / "examples/quickstart/django_api/alerts.py"
    spec = importlib.util.spec_from_file_location("quickstart_alerts", path)
    alerts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(alerts)  # connects its receivers
    settings.ADMINS = [("Ops", "ops@example.com")]
    try:
        key = HMACKey.create_for(user)
        key.revoke()
        assert cavage(client, key).status_code == 401
    finally:
        audit.retired_key_used.disconnect(alerts.alert_retired_key_use)
        audit.key_revoked.disconnect(alerts.note_revocation)
    subjects = [m.subject for m in mailoutbox]
    assert any(f"HMAC key {key.key} of alice revoked" in s for s in subjects)
    assert any(f"HMAC key {key.key} used after it was retired (revoked_key)" in s for s in subjects)
    assert all(key.secret not in m.body + m.subject for m in mailoutbox)


@pytest.mark.django_db
def test_the_longest_secret_that_fits_and_one_too_long(user):
    field = HMACKey._meta.get_field("secret")
    longest = "s" * field.max_secret_bytes
    key = HMACKey.objects.create(user=user, secret=longest)
    assert len(stored(key.key)) <= field.max_length
    assert HMACKey.objects.get(pk=key.pk).secret == longest
    with pytest.raises(ValueError, match="at most"):
        HMACKey.objects.create(user=user, secret=longest + "s")


def test_encryption_key_settings_are_checked(settings):
    from django.core import checks

    for value, found in (
        (["short"], "at least 32"),
        ("k" * 40, "non-empty list"),
        ([], "non-empty list"),
        (["k" * 40, 7], "[1] must be str or bytes"),
    ):
        settings.HTTPSEAL = {"KEY_ENCRYPTION_KEYS": value}
        messages = [m.msg for m in checks.run_checks() if m.id == "httpseal.E001"]
        assert any(found in m for m in messages), (value, messages)
    settings.HTTPSEAL = {"KEY_ENCRYPTION_KEYS": ["k" * 40]}
    assert not [m for m in checks.run_checks() if m.id == "httpseal.E001"]


@pytest.mark.django_db
def test_a_key_saved_under_a_new_id_keeps_a_secret_that_decrypts(user):
    HMACKey.objects.create(key="a" * 40, user=user, secret=SECRET)
    moved = HMACKey.objects.get(pk="a" * 40)  # its secret not read yet
    moved.key = "b" * 40
    moved.save()  # a new row
    engine.keys.clear()
    assert HMACKey.objects.get(pk="b" * 40).secret == SECRET
    assert HMACKey.objects.get(pk="a" * 40).secret == SECRET


@pytest.mark.django_db
@pytest.mark.parametrize("secret", [b"bytes-secret", 12345])
def test_a_secret_that_is_not_text_is_a_type_error(user, secret):
    with pytest.raises(TypeError, match="must be str"):
        HMACKey.objects.create(user=user, secret=secret)
