"""Flask-HMAC drop-in: wire compatibility with the real Flask-HMAC 0.1.3 and
the extension's behaviour under the test client and over real HTTP."""

from __future__ import annotations

import base64
import logging

import flask_hmac
import pytest
import requests
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

import httpseal
from httpseal.flask import Hmac

from examples.servers import serve

KEY = "2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e"
PATH = "/path/to/api/endpoint"


def legacy_token(secret: bytes, path: bytes) -> str:
    """Flask-HMAC 0.1.3's own computation; its render_hmac crashes on Python 3,
    so this finishes it the way the original meant to (strip the padding)."""
    mac = flask_hmac.Hmac().make_hmac(secret, path).digest()
    return base64.urlsafe_b64encode(mac).decode().replace("=", "")


def test_fixed_vector_matches_legacy():
    assert (
        legacy_token(KEY.encode(), PATH.encode()) == "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI"
    )
    assert httpseal.render_hmac(KEY, PATH) == "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI"


PATHS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80).map(
    lambda p: "/" + p
)


@settings(max_examples=300)
@given(secret=st.binary(min_size=1, max_size=100), path=PATHS)
def test_tokens_equal_legacy(secret, path):
    assert httpseal.render_hmac(secret, path) == legacy_token(secret, path.encode())


def make_app(**config) -> tuple[Flask, Hmac]:
    app = Flask(__name__)
    app.config.update(HMAC_KEY=KEY, **config)
    hm = Hmac(app)

    @app.route(PATH, methods=["GET", "POST", "PUT"])
    @hm.check_hmac
    def endpoint():
        return {"ok": True}

    @app.route("/async")
    @hm.check_hmac
    async def async_endpoint():
        return {"async": True}

    @app.route("/open")
    def open_view():
        return "open"

    return app, hm


@pytest.fixture
def client():
    app, _ = make_app()
    return app.test_client()


def test_valid_token_passes(client):
    for method in ("get", "post", "put"):
        response = getattr(client, method)(PATH, headers={"HMAC": httpseal.render_hmac(KEY, PATH)})
        assert response.status_code == 200
        assert response.json == {"ok": True}


def test_query_string_is_not_signed(client):
    token = httpseal.render_hmac(KEY, PATH)
    assert client.get(PATH + "?a=1", headers={"HMAC": token}).status_code == 200


HOSTILE = [
    None,
    "",
    "garbage",
    "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI=",
    "é" * 43,
    "A" * 65536,
    httpseal.render_hmac("wrong key", PATH),
    httpseal.render_hmac(KEY, "/other"),
]


@pytest.mark.parametrize("token", HOSTILE)
def test_bad_tokens_get_403_json(client, token, caplog):
    headers = {} if token is None else {"HMAC": token}
    with caplog.at_level(logging.WARNING, logger="httpseal.flask"):
        response = client.get(PATH, headers=headers)
    assert response.status_code == 403
    assert response.json == {"status": "403", "message": "not authorized"}
    assert caplog.records, "the refusal must be logged"
    logged = caplog.text
    assert KEY not in logged
    assert httpseal.render_hmac(KEY, PATH) not in logged


def test_duplicated_header_is_refused(client):
    good = httpseal.render_hmac(KEY, PATH)
    response = client.get(PATH, headers=[("HMAC", "bad"), ("HMAC", good)])
    assert response.status_code == 403


def test_async_view(client):
    path = "/async"
    assert client.get(path).status_code == 403
    ok = client.get(path, headers={"HMAC": httpseal.render_hmac(KEY, path)})
    assert ok.status_code == 200 and ok.json == {"async": True}


def test_disarm_skips_the_check():
    app, _ = make_app(HMAC_DISARM=True)
    assert app.test_client().get(PATH).status_code == 200


def test_disarm_is_read_per_request():
    app, _ = make_app()
    client = app.test_client()
    assert client.get(PATH).status_code == 403
    app.config["HMAC_DISARM"] = True
    assert client.get(PATH).status_code == 200


def test_hex_encoding_and_custom_failure():
    app, _ = make_app(HMAC_ENCODING="hex", HMAC_ERROR_STATUS=401, HMAC_ERROR_MESSAGE="nope")
    client = app.test_client()
    token = httpseal.render_hmac(KEY, PATH, encoding="hex")
    assert client.get(PATH, headers={"HMAC": token}).status_code == 200
    refused = client.get(PATH, headers={"HMAC": httpseal.render_hmac(KEY, PATH)})
    assert refused.status_code == 401
    assert refused.json == {"status": "401", "message": "nope"}


def test_constructor_overrides_config():
    app = Flask(__name__)
    app.config["HMAC_KEY"] = KEY
    hm = Hmac(app, encoding="base64", status_code=418, message="teapot")

    @app.route("/t")
    @hm.check_hmac
    def t():
        return "ok"

    client = app.test_client()
    assert (
        client.get(
            "/t", headers={"HMAC": httpseal.render_hmac(KEY, "/t", encoding="base64")}
        ).status_code
        == 200
    )
    assert client.get("/t").json == {"status": "418", "message": "teapot"}


def test_key_rotation():
    app, _ = make_app()
    app.config["HMAC_KEY"] = ["new-key", KEY]
    _, hm = make_app()
    hm.init_app(app)
    client = app.test_client()
    assert client.get(PATH, headers={"HMAC": httpseal.render_hmac(KEY, PATH)}).status_code == 200
    assert (
        client.get(PATH, headers={"HMAC": httpseal.render_hmac("new-key", PATH)}).status_code == 200
    )
    assert client.get(PATH, headers={"HMAC": httpseal.render_hmac("gone", PATH)}).status_code == 403


def test_two_apps_with_different_keys_share_one_extension():
    hm = Hmac()
    apps = []
    for key in ("key-one", "key-two"):
        app = Flask(__name__)
        app.config["HMAC_KEY"] = key
        hm.init_app(app)
        app.add_url_rule("/x", "x", hm.check_hmac(lambda: "ok"))
        apps.append(app)
    one, two = (a.test_client() for a in apps)
    token_one = httpseal.render_hmac("key-one", "/x")
    assert one.get("/x", headers={"HMAC": token_one}).status_code == 200
    assert two.get("/x", headers={"HMAC": token_one}).status_code == 403


@pytest.mark.parametrize("key", [None, "", [], [""], 42, ["ok", 3]])
def test_missing_or_empty_key_fails_at_init(key):
    app = Flask(__name__)
    if key is not None:
        app.config["HMAC_KEY"] = key
    with pytest.raises(httpseal.ImproperlyConfigured, match="HMAC_KEY"):
        Hmac(app)


def test_bad_encoding_fails_at_init():
    app = Flask(__name__)
    app.config.update(HMAC_KEY=KEY, HMAC_ENCODING="rot13")
    with pytest.raises(httpseal.ImproperlyConfigured, match="encoding"):
        Hmac(app)


def test_init_self_alias_and_instance_methods():
    app = Flask(__name__)
    app.config["HMAC_KEY"] = KEY
    hm = Hmac()
    hm.init_self(app)
    assert hm.render_hmac(KEY, PATH) == "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI"
    assert hm.compare_hmacs(KEY, PATH, "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI") is True
    assert hm.compare_hmacs(KEY, PATH, "nope") is False
    assert hm.compare_hmacs(KEY, PATH, None) is False


def test_uninitialised_app_is_a_clear_error():
    hm = Hmac()
    app = Flask(__name__)
    app.add_url_rule("/x", "x", hm.check_hmac(lambda: "ok"))
    app.testing = True
    with pytest.raises(RuntimeError, match="init_app"):
        app.test_client().get("/x")


def test_over_real_http():
    app, _ = make_app()
    with serve(app) as base:
        ok = requests.get(
            base + PATH, headers={"HMAC": httpseal.render_hmac(KEY, PATH)}, timeout=10
        )
        tampered = requests.get(
            base + "/async", headers={"HMAC": httpseal.render_hmac(KEY, PATH)}, timeout=10
        )
        missing = requests.post(base + PATH, timeout=10)
    assert ok.status_code == 200 and ok.json() == {"ok": True}
    assert tampered.status_code == 403
    assert missing.status_code == 403 and missing.json()["message"] == "not authorized"


def test_repeated_header_is_refused_whatever_the_order(client, caplog):
    good = httpseal.render_hmac(KEY, PATH)
    with caplog.at_level(logging.WARNING, logger="httpseal.flask"):
        response = client.get(PATH, headers=[("HMAC", good), ("HMAC", good)])
    assert response.status_code == 403  # WSGI hands over "token, token"
    assert "does not match" in caplog.text


def test_the_result_is_g_httpseal_and_the_decoded_path_is_signed():
    app, hm = make_app()
    seen = []

    @app.route("/caf\u00e9/<int:n>")
    @hm.check_hmac
    def decoded(n):
        from flask import g

        seen.append(g.httpseal)
        return {"n": n}

    client = app.test_client()
    token = httpseal.render_hmac(KEY, "/caf\u00e9/7")  # Flask's request.path, decoded
    assert client.get("/caf%C3%A9/7", headers={"HMAC": token}).status_code == 200
    assert (seen[0].scheme, seen[0].key_id, seen[0].covered) == ("flask-hmac", "", ("path",))
    raw = httpseal.render_hmac(KEY, "/caf%C3%A9/7")
    assert client.get("/caf%C3%A9/7", headers={"HMAC": raw}).status_code == 403


def test_a_header_name_that_is_not_a_token_fails_at_init():
    from httpseal.errors import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="header name"):
        make_app(HMAC_HEADER="X Token")
