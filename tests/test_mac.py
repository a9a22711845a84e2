"""The core MAC API: render_hmac, compare_hmacs, HmacKey, verify_hmac_token."""

import base64
import hmac
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

import httpseal

DIGESTS = ["sha1", "sha224", "sha256", "sha384", "sha512"]
ENCODINGS = ["base64url", "base64", "hex"]


def reference(secret: bytes, data: bytes, digest: str, encoding: str) -> str:
    mac = hmac.digest(secret, data, digest)
    if encoding == "hex":
        return mac.hex()
    if encoding == "base64":
        return base64.b64encode(mac).decode()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def test_flask_hmac_vector():
    token = httpseal.render_hmac(
        "2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e", "/path/to/api/endpoint"
    )
    assert token == "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI"


@given(
    secret=st.binary(max_size=200),
    data=st.binary(max_size=500),
    digest=st.sampled_from(DIGESTS),
    encoding=st.sampled_from(ENCODINGS),
)
def test_render_matches_stdlib_and_round_trips(secret, data, digest, encoding):
    token = httpseal.render_hmac(secret, data, digest=digest, encoding=encoding)
    assert token == reference(secret, data, digest, encoding)
    assert httpseal.compare_hmacs(secret, data, token, digest=digest, encoding=encoding)
    assert httpseal.compare_hmacs(secret, data, token.encode(), digest=digest, encoding=encoding)
    key = httpseal.HmacKey(secret, digest=digest)
    assert key.render(data, encoding=encoding) == token
    assert key.compare(data, token, encoding=encoding)
    assert key.sign(data) == hmac.digest(secret, data, digest)


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=100)


@given(text_secret=TEXT, text_data=TEXT)
def test_str_is_encoded_as_utf8(text_secret, text_data):
    assert httpseal.render_hmac(text_secret, text_data) == httpseal.render_hmac(
        text_secret.encode(), text_data.encode()
    )


@given(token=st.one_of(st.text(max_size=300), st.binary(max_size=300), st.none()))
def test_compare_never_raises_on_any_token(token):
    assert httpseal.compare_hmacs("k", "/p", token) is False
    assert httpseal.HmacKey("k").compare("/p", token) is False


@pytest.mark.parametrize(
    "token",
    [
        "",
        "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI=",
        "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSR",
        "é" * 43,
        "\ud800",
        "A" * (1 << 20),
        b"\xff\xfe",
        bytearray(b"x"),
    ],
)
def test_compare_refuses_tokens_of_any_shape(token):
    secret = "2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e"
    assert httpseal.compare_hmacs(secret, "/path/to/api/endpoint", token) is False


def test_hex_compare_ignores_case():
    token = httpseal.render_hmac("k", "d", encoding="hex").upper()
    assert httpseal.compare_hmacs("k", "d", token, encoding="hex")


@pytest.mark.parametrize("bad", [1, None, 1.5, ["k"], object()])
def test_wrong_types_are_type_errors(bad):
    with pytest.raises(TypeError, match="secret must be str, bytes or bytearray"):
        httpseal.render_hmac(bad, "d")
    with pytest.raises(TypeError, match="data must be"):
        httpseal.compare_hmacs("k", bad, "t")
    with pytest.raises(TypeError):
        httpseal.HmacKey(bad)


def test_unknown_names_are_value_errors():
    with pytest.raises(ValueError, match="unknown digest 'md4'"):
        httpseal.render_hmac("k", "d", digest="md4")
    with pytest.raises(ValueError, match="unknown encoding 'base32'"):
        httpseal.compare_hmacs("k", "d", "t", encoding="base32")
    with pytest.raises(TypeError):
        httpseal.render_hmac("k", "d", "sha256")  # keyword-only


def test_repr_hides_the_secret():
    key = httpseal.HmacKey("super-secret-value", digest="sha512")
    assert "super-secret-value" not in repr(key)
    assert key.digest == "sha512"


def test_verify_hmac_token_rotation_and_errors():
    old, new = httpseal.HmacKey("old"), httpseal.HmacKey("new")
    token = old.render("/x")
    assert httpseal.verify_hmac_token([new, old], "/x", token) == 1
    with pytest.raises(httpseal.BadSignature) as info:
        httpseal.verify_hmac_token([new], "/x", token)
    assert info.value.code == "bad_signature"
    with pytest.raises(httpseal.MalformedSignature):
        httpseal.verify_hmac_token([new], "/x", None)
    with pytest.raises(ValueError):
        httpseal.verify_hmac_token([], "/x", token)


def test_error_hierarchy_has_stable_codes():
    codes = {cls.code for cls in httpseal.SignatureError.__subclasses__()}
    assert len(codes) == len(httpseal.SignatureError.__subclasses__()) >= 12
    assert httpseal.SignatureError.code == "signature_error"
    assert httpseal.StaleTimestamp("x").code == "stale"


def test_large_inputs_hash_correctly_from_many_threads():
    body = bytes(range(256)) * 8192  # 2 MiB, above the GIL-release threshold
    want = reference(b"k", body, "sha256", "base64url")
    results: list[bool] = []

    def work():
        results.append(httpseal.compare_hmacs(b"k", body, want))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 4


@pytest.mark.parametrize("token", ["", "A" * 100_000, "\u00e9" * 50, "\udcff", b"\xff" * 40, None])
def test_any_str_bytes_or_none_token_is_a_bool(token):
    key = httpseal.HmacKey("k")
    assert httpseal.compare_hmacs("k", "/p", token) is False
    assert key.compare("/p", token) is False
    assert httpseal.compare_hmacs("k", "/p", bytearray(b"x")) is False


@pytest.mark.parametrize("token", [42, memoryview(b"abc"), ["t"], 1.5, object()])
def test_tokens_of_other_types_are_a_type_error(token):
    with pytest.raises(TypeError, match="token must be str, bytes, bytearray or None"):
        httpseal.compare_hmacs("k", "/p", token)
    with pytest.raises(TypeError):
        httpseal.HmacKey("k").compare("/p", token)


def test_tokens_are_decoded_strictly():
    token = httpseal.render_hmac("k", "/p")
    assert httpseal.compare_hmacs("k", "/p", token)
    for spelling in (token + "=", token + "\n", " " + token, token.replace("-", "+")):
        assert httpseal.compare_hmacs("k", "/p", spelling) is (spelling == token)
    hex_token = httpseal.render_hmac("k", "/p", encoding="hex")
    assert httpseal.compare_hmacs("k", "/p", hex_token.upper(), encoding="hex")
    assert not httpseal.compare_hmacs("k", "/p", hex_token[:-1], encoding="hex")
