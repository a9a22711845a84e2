"""Keys with a lifetime and secrets encrypted at rest, in the core:
``HmacKey(not_before=, not_after=)`` enforced for every scheme by the one
pipeline, and ``KeyEncryption`` (XChaCha20-Poly1305 under HKDF-derived keys)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import httpseal
from httpseal import HmacKey, KeyEncryption

from tests.test_pipeline import (
    CAVAGE_SECRET,
    DRF_SECRET,
    FOST_SECRET,
    NOW,
    cavage_request,
    drf_request,
    fost_request,
    fost_url,
    verifier,
)

REQUESTS = {
    "cavage": (cavage_request, "cav", CAVAGE_SECRET),
    "drf-hmac": (drf_request, "drf", DRF_SECRET),
    "fost": (fost_request, "fost", FOST_SECRET),
}


def keyed(scheme: str, **window) -> HmacKey:
    secret = REQUESTS[scheme][2]
    if scheme == "drf-hmac":
        return HmacKey.from_hex(secret, **window)
    return HmacKey(secret, digest="sha1" if scheme == "fost" else "sha256", **window)


@pytest.mark.parametrize("scheme", list(REQUESTS))
def test_every_scheme_refuses_a_key_outside_its_validity(scheme):
    make, key_id, _ = REQUESTS[scheme]
    request = make()

    def verify(**window):
        key = keyed(scheme, **window)
        return verifier(key_loader=lambda kid: key if kid == key_id else None).verify(
            *request, now=NOW
        )

    assert verify(not_before=NOW, not_after=NOW + 1).key_id == key_id
    for window in ({"not_after": NOW}, {"not_after": NOW - 3600}, {"not_before": NOW + 1}):
        with pytest.raises(httpseal.ExpiredKey) as info:
            verify(**window)
        assert info.value.code == "expired_key"
        assert (info.value.scheme, info.value.key_id) == (scheme, key_id)


def test_a_signed_url_is_refused_once_its_key_expired():
    key = HmacKey(FOST_SECRET, digest="sha1", not_after=NOW)
    with pytest.raises(httpseal.ExpiredKey):
        verifier(key_loader=lambda kid: key).verify(*fost_url(), now=NOW)


def test_rotation_uses_the_keys_valid_now_and_keeps_the_loaders_indices():
    request = cavage_request()
    expired = HmacKey(CAVAGE_SECRET, not_after=NOW)
    current = HmacKey("new-secret", not_before=NOW - 60)
    with pytest.raises(httpseal.BadSignature):
        verifier(key_loader=lambda kid: [expired, current]).verify(*request, now=NOW)
    overlapping = HmacKey(CAVAGE_SECRET, not_after=NOW + 60)
    verified = verifier(key_loader=lambda kid: [current, overlapping]).verify(*request, now=NOW)
    assert verified.secret_index == 1


def test_datetimes_are_accepted_and_rounded_to_shorten_the_period():
    start = datetime(2026, 1, 1, 12, 0, 0, 500_000, tzinfo=timezone(timedelta(hours=2)))
    key = HmacKey("s", not_before=start, not_after=start + timedelta(hours=1))
    assert key.not_before == int(start.timestamp()) + 1
    assert key.not_after == int(start.timestamp()) + 3600
    assert "not_after=" in repr(key) and "s'" not in repr(key)
    assert HmacKey("s").not_before is None and HmacKey("s", not_after=10.9).not_after == 10


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (datetime(2026, 1, 1), ValueError),  # naive: which zone?
        (float("nan"), ValueError),
        (True, TypeError),
        ("2026-01-01", TypeError),
    ],
)
def test_bad_validity_bounds_are_programming_errors(value, error):
    with pytest.raises(error):
        HmacKey("s", not_after=value)


def test_flask_hmac_tokens_use_only_keys_valid_now():
    token = httpseal.render_hmac("old", "/path")
    expired = HmacKey("old", not_after=1)
    assert httpseal.verify_hmac_token([HmacKey("new"), HmacKey("old")], "/path", token) == 1
    with pytest.raises(httpseal.BadSignature):
        httpseal.verify_hmac_token([HmacKey("new"), expired], "/path", token)
    with pytest.raises(httpseal.ExpiredKey):
        httpseal.verify_hmac_token([expired], "/path", token)


SECRET = "0123456789abcdef0123456789abcdef01234567"


def test_encrypted_secrets_hide_the_secret_and_bind_the_record():
    encryption = KeyEncryption(["master key one"])
    sealed = encryption.encrypt(SECRET, record="key-a")
    assert sealed.startswith(f"httpseal$1${encryption.key_ids[0]}$")
    assert SECRET not in sealed and SECRET.encode().hex() not in sealed
    assert KeyEncryption.is_encrypted(sealed) and not KeyEncryption.is_encrypted(SECRET)
    assert encryption.decrypt(sealed, record="key-a") == SECRET
    assert encryption.encrypt(SECRET, record="key-a") != sealed  # a fresh nonce each time
    with pytest.raises(httpseal.UndecryptableKey) as info:
        encryption.decrypt(sealed, record="key-b")
    assert info.value.code == "undecryptable_key" and SECRET not in str(info.value)
    with pytest.raises(httpseal.UndecryptableKey):
        encryption.decrypt(SECRET, record="key-a")  # never plain text back


def test_a_retired_master_key_still_decrypts_until_values_are_encrypted_again():
    old = KeyEncryption(["old master"])
    sealed = old.encrypt(SECRET, record="k")
    rotated = KeyEncryption(["new master", "old master"])
    assert rotated.decrypt(sealed, record="k") == SECRET
    assert old.is_current(sealed) and not rotated.is_current(sealed)
    again = rotated.encrypt(rotated.decrypt(sealed, record="k"), record="k")
    assert rotated.is_current(again)
    assert KeyEncryption(["new master"]).decrypt(again, record="k") == SECRET
    with pytest.raises(httpseal.UndecryptableKey):
        KeyEncryption(["new master"]).decrypt(sealed, record="k")


def test_every_flipped_character_is_refused():
    encryption = KeyEncryption(["m"])
    sealed = encryption.encrypt(SECRET, record="k")
    for at in range(len(sealed)):
        changed = sealed[:at] + ("A" if sealed[at] != "A" else "B") + sealed[at + 1 :]
        with pytest.raises(httpseal.UndecryptableKey):
            encryption.decrypt(changed, record="k")


@pytest.mark.parametrize(
    ("keys", "error"),
    [
        ([], ValueError),
        ([""], ValueError),
        ("one key", TypeError),
        (None, TypeError),
        ([1], TypeError),
    ],
)
def test_bad_master_keys_are_programming_errors(keys, error):
    with pytest.raises(error):
        KeyEncryption(keys)


def test_secrets_of_the_wrong_size_are_refused():
    encryption = KeyEncryption([b"\x00" * 32])
    with pytest.raises(ValueError):
        encryption.encrypt("", record="k")
    with pytest.raises(ValueError):
        encryption.encrypt("x" * 1025, record="k")
    assert encryption.decrypt(encryption.encrypt("x" * 1024, record="k"), record="k") == "x" * 1024
    assert "master" not in repr(encryption)


@given(
    secret=st.text(min_size=1, max_size=200).filter(lambda s: len(s.encode()) <= 1024),
    record=st.text(),
)
def test_any_text_round_trips(secret, record):
    encryption = KeyEncryption(["property master"])
    assert encryption.decrypt(encryption.encrypt(secret, record=record), record=record) == secret


@given(value=st.text(max_size=300))
def test_any_stored_text_decrypts_or_is_refused(value):
    try:
        KeyEncryption(["m"]).decrypt(value, record="k")
    except httpseal.UndecryptableKey:
        pass
    else:  # pragma: no cover - a forgery of the AEAD
        pytest.fail("an arbitrary value decrypted")
