"""``httpseal.flask.SignatureAuth``: every scheme on Flask through one
verifier, Flask-HTTPAuth's shape (``key_loader``, ``login_required``,
``current()``, ``error_handler``), settings validated at ``init_app``."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask, g

import httpseal
from httpseal.flask import CavageSignature, SignatureAuth, require_apikey_authentication

from tests import signed_requests as signed

ALL = ["cavage", "drf-hmac", "fost"]


def make_app(schemes=ALL, loader=signed.load_key, **options):
    app = Flask(__name__)
    auth = SignatureAuth(app, schemes=schemes, **options)
    auth.key_loader(loader)

    @app.route("/p", methods=["GET", "POST"])
    @auth.login_required
    def protected():
        verified = auth.current()
        assert verified is g.httpseal
        return {"scheme": verified.scheme, "key": verified.key_id}

    @app.route("/optional", methods=["GET", "POST"])
    @auth.login_required(optional=True)
    async def optional():
        verified = auth.current()
        return {"scheme": verified.scheme if verified else None}

    return app, auth


def send(app, request, path=None):
    method, sent_path, query, headers, body = request
    return app.test_client().open(
        path or sent_path, method=method, query_string=query, headers=headers, data=body
    )


REQUESTS = {
    "cavage": lambda: signed.cavage("localhost"),
    "drf-hmac": lambda: signed.drf("localhost"),
    "fost-request": lambda: signed.fost_request(),
    "fost-url": lambda: signed.fost_url("localhost"),
}
KEY_OF = {"cavage": "cav", "drf-hmac": "drf", "fost": "fost"}
SCHEME_OF = {"cavage": "cavage", "drf-hmac": "drf-hmac", "fost-request": "fost", "fost-url": "fost"}


@pytest.mark.parametrize("kind", REQUESTS)
def test_every_scheme_is_accepted_and_current_is_the_result(kind):
    app, _ = make_app()
    got = send(app, REQUESTS[kind]())
    assert got.status_code == 200, got.get_data(as_text=True)
    assert got.json == {
        "scheme": SCHEME_OF[kind],
        "key": {"fost": "fost"}.get(
            SCHEME_OF[kind], {"cavage": "cav", "drf-hmac": "drf"}.get(SCHEME_OF[kind])
        ),
    }


@pytest.mark.parametrize("kind", REQUESTS)
def test_a_scheme_not_enabled_is_not_ours(kind):
    others = [s for s in ALL if s != SCHEME_OF[kind]]
    app, _ = make_app(schemes=others)
    got = send(app, REQUESTS[kind]())
    assert got.status_code == 401
    assert send(app, REQUESTS[kind](), path="/optional").json == {"scheme": None}


@pytest.mark.parametrize(
    ("scheme", "logger_name"),
    [("cavage", "httpseal.flask"), ("drf-hmac", "httpseal.drf"), ("fost", "httpseal.fost")],
)
def test_wrong_credentials_are_refused_and_logged_per_scheme(scheme, logger_name, caplog):
    app, _ = make_app(loader=lambda key_id: "not the secret" if key_id != "drf" else "ab" * 20)
    kind = {"cavage": "cavage", "drf-hmac": "drf-hmac", "fost": "fost-request"}[scheme]
    with caplog.at_level(logging.WARNING):
        got = send(app, REQUESTS[kind]())
        optional = send(app, REQUESTS[kind](), path="/optional")
    assert got.status_code == 401 and optional.status_code == 401
    records = [r for r in caplog.records if r.name == logger_name]
    assert records and "signature does not match" in records[0].getMessage()
    assert "not the secret" not in caplog.text


def test_unsigned_requests_get_a_challenge_per_scheme():
    app, _ = make_app()
    got = app.test_client().post("/p")
    assert got.status_code == 401
    assert got.headers.getlist("WWW-Authenticate") == [
        'Signature realm="api",headers="(request-target) host date content-length content-type'
        ' digest"',
        'HMAC realm="api"',
        'FOST realm="api"',
    ]
    assert app.test_client().get("/optional").json == {"scheme": None}


def test_several_schemes_on_one_endpoint_first_configured_wins():
    app, _ = make_app(schemes=["fost", "cavage"])
    method, path, query, headers, body = signed.cavage("localhost")
    fost = signed.fost_request()[3]
    # Both sets of credentials: FOST is asked first, and its Authorization wins.
    got = app.test_client().open(
        path, method=method, query_string=query, headers={**headers, **fost}, data=body
    )
    assert got.status_code == 401  # the FOST signature does not cover this POST


def test_verified_once_per_request():
    calls = []

    def counting(key_id):
        calls.append(key_id)
        return signed.load_key(key_id)

    app, auth = make_app(loader=counting)

    @app.route("/twice", methods=["POST"])
    @auth.login_required
    @auth.login_required
    def twice():
        return "ok"

    assert send(app, signed.cavage("localhost"), path="/twice").status_code == 401  # path signed
    calls.clear()
    request = signed.cavage("localhost", path="/twice")
    assert send(app, request).status_code == 200
    assert calls == ["cav"]


def test_error_handler_builds_the_refusal():
    app, auth = make_app()
    seen = []

    @auth.error_handler
    def refused(error):
        seen.append(error)
        return {"error": error.code if error else "unsigned"}, 401

    assert app.test_client().get("/p").json == {"error": "unsigned"}
    bad = signed.cavage("localhost", secret="wrong")
    got = send(app, bad)
    assert got.json == {"error": "bad_signature"} and got.headers["WWW-Authenticate"]
    assert isinstance(seen[1], httpseal.BadSignature) and seen[1].scheme == "cavage"


def test_config_is_read_from_the_app_and_keywords_win():
    app = Flask(__name__)
    app.config.update(HTTPSEAL_SCHEMES=["fost"], HTTPSEAL_REALM="cfg")
    auth = SignatureAuth(app, realm="kw")
    with app.test_request_context("/"):
        assert auth.challenges("GET") == ['FOST realm="kw"']


@pytest.mark.parametrize(
    "options",
    [
        {"schemes": ["flask-hmac"]},
        {"schemes": "cavage"},
        {"schemes": []},
        {"drf_body": "xml"},
        {"max_skew": -1},
        {"cavage_algorithms": ["rsa-sha256"]},
        {"drf_hostname": "peer"},
        {"realm": 'a"b'},
    ],
)
def test_bad_settings_fail_at_init_app(options):
    with pytest.raises(httpseal.ImproperlyConfigured):
        SignatureAuth(Flask(__name__), **options)


def test_programming_mistakes():
    with pytest.raises(TypeError):
        SignatureAuth(schemas=["cavage"])
    with pytest.raises(TypeError):
        SignatureAuth().key_loader("not callable")
    app = Flask(__name__)
    app.testing = True
    auth = SignatureAuth()

    @app.route("/")
    @auth.login_required
    def index():
        return "ok"

    with pytest.raises(RuntimeError, match="not initialised"):
        app.test_client().get("/")


def test_no_key_loader_refuses_and_says_why(caplog):
    app = Flask(__name__)
    auth = SignatureAuth(app)

    @app.route("/p", methods=["POST"])
    @auth.login_required
    def index():
        return "ok"

    with caplog.at_level(logging.ERROR):
        assert send(app, signed.cavage("localhost")).status_code == 401
    assert "no key loader" in caplog.text


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("application/json", b"{not json", "malformed"),
        ("application/x-www-form-urlencoded", b"a=1&a=2", "repeats a key"),
        ("text/plain", b"hello", "sign the raw body"),
    ],
)
def test_drf_hmac_json_rule_refuses_what_it_cannot_sign(content_type, body, reason, caplog):
    app, _ = make_app(schemes=["drf-hmac"])
    method, path, _query, headers, _ = signed.drf("localhost")
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        got = app.test_client().open(
            path, method=method, headers={**headers, "Content-Type": content_type}, data=body
        )
    assert got.status_code == 401 and reason in caplog.text


def test_drf_hmac_form_bodies_sign_as_drf_serialises_them():
    app, _ = make_app(schemes=["drf-hmac"])
    stamp = "2026-01-01T00:00:00Z"
    compact = json.dumps({"a": "1", "b": "x y"}, separators=(",", ":")).encode()
    signature = httpseal.sign_drf(signed.DRF_SECRET, "POST", "localhost", "/p", stamp, compact)
    headers = {"Key": "drf", "Signature": signature, "Timestamp": stamp}
    app2, _ = make_app(schemes=["drf-hmac"], max_skew=None)
    got = app2.test_client().post("/p", headers=headers, data={"a": "1", "b": "x y"})
    assert got.status_code == 200, got.get_data(as_text=True)
    assert app.test_client().post("/p", headers=headers, data={"a": "1"}).status_code == 401


def test_drf_hmac_raw_body_rule():
    app, _ = make_app(schemes=["drf-hmac"], drf_body="raw")
    assert send(app, signed.drf("localhost")).status_code == 401  # signed the compact JSON
    method, path, query, headers, body = signed.drf("localhost")
    headers["Signature"] = httpseal.sign_drf(
        signed.DRF_SECRET, "POST", "localhost", path, headers["Timestamp"], body
    )
    assert send(app, (method, path, query, headers, body)).status_code == 200


@pytest.mark.parametrize(
    "config",
    [{"CAVAGE_MAX_SKEW": "soon"}, {"CAVAGE_MAX_SKEW": -5}, {"CAVAGE_LEGACY_DIGESTS": "yes"}],
)
def test_cavage_signature_validates_its_settings_at_init_app(config):
    app = Flask(__name__)
    app.config.update(config)
    with pytest.raises(httpseal.ImproperlyConfigured):
        CavageSignature(app)


def test_cavage_signature_runs_on_the_pipeline_and_sets_g_httpseal():
    from httpseal.flask import require_apikey_authentication

    app = Flask(__name__)
    cavage = CavageSignature(app)
    cavage.secret_loader(signed.load_key)

    @app.route("/p", methods=["GET", "POST"])
    @require_apikey_authentication
    def index():
        return {"scheme": g.httpseal.scheme, "key": g.cavage_key_id}

    assert send(app, signed.cavage("localhost")).json == {"scheme": "cavage", "key": "cav"}
    # Another scheme's credentials are not Cavage's: passed on, then refused by the decorator.
    assert send(app, signed.fost_request()).status_code == 401


SIGNED_WITH = {
    "cavage": lambda secret: signed.cavage("localhost", secret=secret),
    "drf-hmac": lambda secret: signed.drf("localhost", secret=secret),
    "fost-request": lambda secret: signed.fost_request(secret=secret),
    "fost-url": lambda secret: signed.fost_url("localhost", secret=secret),
}


@pytest.mark.parametrize("kind", SIGNED_WITH)
def test_rotation_every_secret_of_a_key_verifies(kind):
    retired = "0" * 40
    app, _ = make_app(loader=lambda key_id: [retired, signed.SECRETS[key_id]])
    assert send(app, SIGNED_WITH[kind](retired)).status_code == 200
    assert send(app, SIGNED_WITH[kind](signed.SECRETS[KEY_OF[SCHEME_OF[kind]]])).status_code == 200
    assert send(app, SIGNED_WITH[kind]("1" * 40)).status_code == 401


class DownStore:
    def check_and_record(self, key, ttl_seconds):
        raise ConnectionError("refused")


@pytest.mark.parametrize("kind", REQUESTS)
def test_a_replay_is_refused_with_the_memory_store(kind, caplog):
    app, _ = make_app(replay_store="memory", fost_url_single_use=kind == "fost-url")
    request = REQUESTS[kind]()
    assert send(app, request).status_code == 200
    with caplog.at_level(logging.WARNING):
        again = send(app, request)
    assert again.status_code == 401
    assert "replay" in caplog.text


def test_a_replay_store_outage_is_503_and_logged(caplog):
    app, _ = make_app(replay_store=DownStore())
    with caplog.at_level(logging.ERROR, logger="httpseal.flask"):
        response = send(app, REQUESTS["cavage"]())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "ConnectionError" in caplog.text
    # A wrong signature is still a 401: the store is never asked.
    assert send(app, signed.cavage("localhost", secret="wrong")).status_code == 401


def test_replay_store_config_and_mistakes():
    app = Flask(__name__)
    app.config["HTTPSEAL_REPLAY_STORE"] = "memory"
    auth = SignatureAuth(app)
    assert app.extensions["httpseal"]["signature"].verifier is not None
    with pytest.raises(httpseal.ImproperlyConfigured, match="replay_store"):
        SignatureAuth(Flask(__name__), replay_store="redis-later")
    with pytest.raises(httpseal.ImproperlyConfigured):
        SignatureAuth(Flask(__name__), replay_store=object())
    with pytest.raises(httpseal.ImproperlyConfigured, match="max_skew"):
        SignatureAuth(Flask(__name__), replay_store="memory", max_skew=None)
    assert auth is not None


def test_cavage_signature_uses_the_configured_store():
    for store, first, second in (("memory", 200, 401), (DownStore(), 503, 503)):
        app = Flask(__name__)
        app.config["HTTPSEAL_REPLAY_STORE"] = store
        ext = CavageSignature(app)
        ext.secret_loader(signed.load_key)

        @app.route("/p", methods=["POST"])
        @require_apikey_authentication
        def view():
            return "ok"

        request = signed.cavage("localhost")
        assert send(app, request).status_code == first
        assert send(app, request).status_code == second


def test_hmac_warns_that_its_tokens_cannot_be_protected(caplog):
    from httpseal.flask import Hmac

    app = Flask(__name__)
    app.config.update(HMAC_KEY="k", HTTPSEAL_REPLAY_STORE="memory")
    with caplog.at_level(logging.WARNING, logger="httpseal.flask"):
        Hmac(app)
    assert "does not protect Flask-HMAC tokens" in caplog.text


def test_a_key_loader_can_give_keys_a_lifetime(caplog):
    import time

    lifetime = {"not_after": time.time() + 3600}

    def loader(key_id):
        secret = signed.SECRETS.get(key_id)
        return None if secret is None else httpseal.HmacKey(secret, **lifetime)

    app, _ = make_app(schemes=["cavage"], loader=loader)
    assert send(app, REQUESTS["cavage"]()).status_code == 200
    unknown = send(app, signed.cavage("localhost", key_id="nobody"))
    lifetime["not_after"] = time.time() - 1
    expired = send(app, REQUESTS["cavage"]())
    assert expired.status_code == 401
    assert expired.get_data() == unknown.get_data()  # the same answer as an unknown key
    assert "expired" in caplog.text
