"""The ``httpseal`` command: it signs requests each framework adapter accepts
over real HTTP on loopback, and explains the ones they refuse — with the
string the server signed, never the secret or the expected MAC."""

from __future__ import annotations

import base64
import hmac
import json
import logging
import re
import threading
import time

import pytest
from flask import Flask
from werkzeug.serving import make_server

import httpseal
from httpseal import _explain, _raw_request
from httpseal.flask import CavageSignature, Hmac, SignatureAuth, require_apikey_authentication

from tests import signed_requests as signed
from tests.cli_helpers import header_lines, run, send, verify_json

KEY_IDS = {"cavage": "cav", "drf-hmac": "drf", "fost": "fost", "rfc9421": "cav"}
SIGNATURE_SCHEMES = list(KEY_IDS)
# What `verify` needs to know of a capture beyond its bytes: RFC 9421 signs
# the URL scheme, and these servers are plain HTTP on loopback.
VERIFY_OPTIONS = {"rfc9421": ["--url-scheme", "http"]}
SECRETS = {scheme: signed.SECRETS[key_id] for scheme, key_id in KEY_IDS.items()}
TOKEN_SECRET = "flask-hmac-secret"
BODY = json.dumps({"title": "é", "n": 1}).encode()


def query(scheme: str) -> str:
    """A query to sign beside the body (FOST signs one or the other)."""
    return "" if scheme == "fost" else "?page=2"


@pytest.fixture
def secret_files(tmp_path):
    """One secret file per scheme, written as an editor saves it (a newline)."""
    files = {}
    for scheme, secret in [*SECRETS.items(), ("flask-hmac", TOKEN_SECRET)]:
        files[scheme] = tmp_path / f"{scheme}.secret"
        files[scheme].write_text(secret + "\n")
    (tmp_path / "wrong.secret").write_text("ab" * 20)
    files["wrong"] = tmp_path / "wrong.secret"
    return files


def flask_app(debug: bool = True, **options) -> Flask:
    app = Flask("cli_test")
    app.debug = debug
    auth = SignatureAuth(app, schemes=SIGNATURE_SCHEMES, **options)
    auth.key_loader(signed.load_key)
    app.config["HMAC_KEY"] = TOKEN_SECRET
    hm = Hmac(app)

    @app.route("/signed/notes", methods=["GET", "POST"])
    @auth.login_required
    def notes():
        verified = auth.current()
        assert verified is not None
        return {"scheme": verified.scheme, "key": verified.key_id}

    @app.route("/token/notes", methods=["GET", "POST"])
    @hm.check_hmac
    def token_notes():
        return {"scheme": "flask-hmac"}

    return app


@pytest.fixture
def flask_server():
    server = make_server("127.0.0.1", 0, flask_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def signed_post(scheme: str, url: str, secret_file, *extra: str) -> list[tuple[str, str]]:
    """The headers the command prints for a JSON POST to ``url``."""
    key = [] if scheme == "flask-hmac" else ["--key-id", KEY_IDS[scheme]]
    result = run(
        "sign", scheme, *key, "--secret-file", str(secret_file), "-X", "POST",
        "-H", "Content-Type: application/json", "--data", BODY.decode(), *extra, url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [("Content-Type", "application/json"), *header_lines(result.stdout)]


def expected_mac(scheme: str, capture: bytes, signing_input: str) -> str:
    """The MAC the server computes with the right secret, as the header spells it."""
    if scheme == "rfc9421":
        mac = hmac.digest(SECRETS[scheme].encode(), signing_input.encode(), "sha256")
        return base64.b64encode(mac).decode()
    request = _raw_request.parse(capture)
    signer = httpseal.Signer(scheme, KEY_IDS[scheme], SECRETS[scheme])
    unsigned = [
        (n, v) for n, v in request.headers if n.lower() not in ("authorization", "signature")
    ]
    added = dict(signer.sign(request.method, request.path, request.query, unsigned, request.body))
    if scheme == "cavage":
        return re.search(r'signature="([^"]+)"', added["Authorization"])[1]
    if scheme == "drf-hmac":
        return added["Signature"]
    return added["Authorization"].rpartition(":")[2]


# -- sign: accepted by every adapter --------------------------------------------


@pytest.mark.parametrize("scheme", SIGNATURE_SCHEMES)
def test_signed_by_the_command_accepted_by_flask(flask_server, secret_files, scheme):
    url = flask_server + "/signed/notes" + query(scheme)
    headers = signed_post(scheme, url, secret_files[scheme])
    sent = send("POST", url, headers, BODY)
    assert sent.status == 200, sent.body
    assert json.loads(sent.body) == {"scheme": scheme, "key": KEY_IDS[scheme]}
    # The same capture, checked offline: verified, and what was covered.
    capture = secret_files[scheme].with_suffix(".http")
    capture.write_bytes(sent.capture)
    code, report = verify_json(
        scheme, *VERIFY_OPTIONS.get(scheme, []), "--secret-file", str(secret_files[scheme]),
        str(capture),
    )  # fmt: skip
    assert code == 0 and report["verified"] and report["key_id"] == KEY_IDS[scheme]


def test_flask_hmac_token_from_the_command(flask_server, secret_files):
    url = flask_server + "/token/notes"
    headers = signed_post("flask-hmac", url, secret_files["flask-hmac"])
    assert [name for name, _ in headers] == ["Content-Type", "HMAC"]
    assert send("POST", url, headers, BODY).status == 200
    wrong = signed_post("flask-hmac", url, secret_files["wrong"])
    assert send("POST", url, wrong, BODY).status == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scheme", SIGNATURE_SCHEMES)
@pytest.mark.parametrize("endpoint", ["/signed/notes/", "/middleware/whoami/"])
def test_signed_by_the_command_accepted_by_django_and_drf(
    live_server, settings, keys_named_as_users, secret_files, scheme, endpoint
):
    settings.HTTPSEAL = {"SCHEMES": SIGNATURE_SCHEMES, "DRF_HMAC_HOST": "host"}
    url = live_server.url + endpoint + query(scheme)
    sent = send("POST", url, signed_post(scheme, url, secret_files[scheme]), BODY)
    assert sent.status == 200, sent.body
    assert json.loads(sent.body) == {"user": KEY_IDS[scheme], "scheme": scheme}


# -- verify: a refusal explained --------------------------------------------------


@pytest.mark.parametrize("scheme", SIGNATURE_SCHEMES)
def test_a_refusal_explained_as_the_server_logged_it(flask_server, secret_files, scheme, caplog):
    url = flask_server + "/signed/notes" + query(scheme)
    headers = signed_post(scheme, url, secret_files["wrong"])
    with caplog.at_level(logging.WARNING, logger="httpseal"):
        sent = send("POST", url, headers, BODY)
    assert sent.status == 401
    capture = secret_files[scheme].with_suffix(".http")
    capture.write_bytes(sent.capture)
    options = [*VERIFY_OPTIONS.get(scheme, []), "--secret-file", str(secret_files[scheme])]
    result = run("verify", scheme, *options, str(capture))
    assert result.returncode == 1
    assert "refused (bad_signature): signature does not match" in result.stdout
    code, report = verify_json(scheme, *options, str(capture))
    assert code == 1 and report["code"] == "bad_signature"
    # The server's debug log shows the very string the command reports.
    [record] = [r for r in caplog.records if "refused" in r.getMessage()]
    logged = record.getMessage()
    assert _explain.render(report["signing_input"].encode()) in logged
    # Never the secret, never the MAC the server expected.
    mac = expected_mac(scheme, sent.capture, report["signing_input"])
    for text in (logged, result.stdout, json.dumps(report)):
        assert SECRETS[scheme] not in text and mac not in text


def test_expect_base_prints_a_line_diff(flask_server, secret_files, tmp_path):
    url = flask_server + "/signed/notes?page=2"
    sent = send("POST", url, signed_post("cavage", url, secret_files["wrong"]), BODY)
    capture = tmp_path / "refused.http"
    capture.write_bytes(sent.capture)
    _, report = verify_json("cavage", "--secret-file", str(secret_files["cavage"]), str(capture))
    server_lines = report["signing_input"].split("\n")
    client = tmp_path / "client-base.txt"
    client.write_text("\n".join(["(request-target): post /signed/notes", *server_lines[1:]]))
    args = ("cavage", "--secret-file", str(secret_files["cavage"]), "--expect-base", str(client))
    result = run("verify", *args, str(capture))
    assert "-(request-target): post /signed/notes\n" in result.stdout
    assert "+(request-target): post /signed/notes?page=2\n" in result.stdout
    client.write_text(report["signing_input"] + "\n")
    assert "the client signed the same bytes" in run("verify", *args, str(capture)).stdout


def test_stale_capture_judged_at_its_own_time(flask_server, secret_files, tmp_path):
    url = flask_server + "/signed/notes"
    sent = send("POST", url, signed_post("cavage", url, secret_files["cavage"]), BODY)
    capture = tmp_path / "old.http"
    capture.write_bytes(sent.capture)
    args = ("cavage", "--secret-file", str(secret_files["cavage"]), str(capture))
    later = str(int(__import__("time").time()) + 3600)
    code, report = verify_json("--now", later, *args)
    assert code == 1 and report["code"] == "stale"
    code, report = verify_json("--now", later, "--max-skew", "off", *args)
    assert code == 0


def test_curl_v_output_with_the_body_apart(flask_server, secret_files, tmp_path):
    url = flask_server + "/signed/notes"
    sent = send("POST", url, signed_post("drf-hmac", url, secret_files["drf-hmac"]), BODY)
    head = sent.capture.split(b"\r\n\r\n")[0].decode()
    verbose = "*   Trying 127.0.0.1...\n" + "".join(f"> {line}\n" for line in head.split("\r\n"))
    capture = tmp_path / "curl-v.txt"
    capture.write_text(verbose + ">\n< HTTP/1.1 200 OK\n")
    body = tmp_path / "body.json"
    body.write_bytes(BODY)
    args = ("drf-hmac", "--secret-file", str(secret_files["drf-hmac"]))
    assert verify_json(*args, "--body", str(body), str(capture))[0] == 0
    assert verify_json(*args, str(capture))[0] == 1  # the body is missing: refused


# -- the rest of the command line ----------------------------------------------


def test_curl_command_is_complete(secret_files):
    result = run(
        "sign", "cavage", "--key-id", "cav", "--secret-file", str(secret_files["cavage"]),
        "--data", '{"a": 1}', "--curl", "http://127.0.0.1:9/x?y=1",
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.startswith("curl -X POST -H 'Content-Type: application/json' -H 'Date: ")
    assert "--data-binary '{\"a\": 1}' 'http://127.0.0.1:9/x?y=1'" in result.stdout


def test_fost_signed_url(flask_server, secret_files):
    args = ("--key-id", "fost", "--secret-file", str(secret_files["fost"]))
    result = run("sign", "fost", *args, "--signed-url", "60", flask_server + "/signed/notes?a=1")
    assert result.returncode == 0
    link = result.stdout.strip()
    assert "_k=fost" in link and "_s=" in link
    assert send("GET", link, []).status == 200


def test_keygen():
    key = run("keygen").stdout.strip()
    assert re.fullmatch("[0-9a-f]{64}", key)
    assert run("keygen").stdout.strip() != key
    assert len(base64.b64decode(run("keygen", "--bytes", "20", "--format", "base64").stdout)) == 20
    result = run("keygen", "--bytes", "8")
    assert result.returncode == 2 and "between 16 and 1024" in result.stderr


def test_keygen_pair_has_the_key_models_format():
    printed = dict(line.split(": ") for line in run("keygen", "--pair").stdout.splitlines())
    assert set(printed) == {"key", "secret"} and printed["key"] != printed["secret"]
    assert all(re.fullmatch("[0-9a-f]{40}", value) for value in printed.values())


@pytest.mark.parametrize(
    "args",
    [
        ["sign", "cavage", "--key-id", "k", "--secret", "x", "http://h/"],  # no such option
        ["sign", "cavage", "--key-id", "k", "http://h/"],  # no secret
        ["sign", "cavage", "--key-id", "k", "--secret-env", "HTTPSEAL_NOT_SET", "http://h/"],
        ["sign", "nonsense", "http://h/"],
        ["sign", "cavage", "--secret-file", "/nonexistent", "http://h/"],
        ["verify", "cavage", "--secret-file", "/dev/null", "/dev/null"],  # empty secret
        ["keygen", "--format", "octal"],
        [],
    ],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr and "Traceback" not in result.stderr


def test_bad_inputs_are_usage_errors(tmp_path, secret_files):
    cavage = ["--key-id", "k", "--secret-file", str(secret_files["cavage"])]
    assert run("sign", "cavage", *cavage, "/relative").returncode == 2
    assert run("sign", "cavage", *cavage, "-H", "no colon", "http://h/").returncode == 2
    drf = ["--key-id", "k", "--secret-file", str(secret_files["cavage"])]  # not hex
    result = run("sign", "drf-hmac", *drf, "http://h/")
    assert result.returncode == 2 and "hexadecimal" in result.stderr
    for capture in (b"", b"\x00\xff garbage", b"GET no-slash HTTP/1.1\r\n\r\n"):
        (tmp_path / "bad.http").write_bytes(capture)
        result = run("verify", "cavage", *cavage[2:], str(tmp_path / "bad.http"))
        assert result.returncode == 2 and "Traceback" not in result.stderr


def test_secret_from_the_environment(monkeypatch, secret_files):
    monkeypatch.setenv("HTTPSEAL_TEST_SECRET", SECRETS["cavage"])
    by_env = run("sign", "cavage", "--key-id", "cav", "--secret-env", "HTTPSEAL_TEST_SECRET",
                 "-H", "Date: Thu, 03 Dec 2026 10:00:00 GMT", "http://h/")  # fmt: skip
    by_file = run("sign", "cavage", "--key-id", "cav", "--secret-file", str(secret_files["cavage"]),
                  "-H", "Date: Thu, 03 Dec 2026 10:00:00 GMT", "http://h/")  # fmt: skip
    assert by_env.returncode == 0 and by_env.stdout == by_file.stdout


def test_not_ours_is_a_refusal(tmp_path, secret_files):
    (tmp_path / "plain.http").write_bytes(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    code, report = verify_json("fost", "--secret-file", str(secret_files["fost"]),
                               str(tmp_path / "plain.http"))  # fmt: skip
    assert code == 1 and report["code"] == "missing" and report["signing_input"] is None


@pytest.mark.parametrize("command", ["sign", "verify", "keygen"])
def test_help_for_each_command(command):
    result = run(command, "--help")
    assert result.returncode == 0 and "usage: httpseal " + command in result.stdout


def test_python_dash_m_and_version():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "httpseal", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"httpseal {httpseal.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", httpseal.__version__)


# -- the debug log and a loud misconfiguration ---------------------------------------


@pytest.mark.parametrize(
    ("debug", "setting", "shown"),
    [(True, None, True), (False, None, False), (False, True, True), (True, False, False)],
)
def test_flask_debug_log_shows_the_signed_string(caplog, debug, setting, shown):
    app = flask_app(debug, log_signing_input=setting)
    _, path, query, headers, body = signed.cavage("localhost", "/signed/notes", "wrong")
    with caplog.at_level(logging.WARNING, logger="httpseal"):
        response = app.test_client().post(
            f"{path}?{query}", headers=headers, data=body, content_type=headers["Content-Type"]
        )
    assert response.status_code == 401
    [record] = [r for r in caplog.records if "refused" in r.getMessage()]
    assert ("the server signed" in record.getMessage()) is shown
    assert signed.CAVAGE_SECRET not in record.getMessage()
    if shown:
        assert "(request-target): post /signed/notes?a=1" in record.getMessage()


@pytest.mark.parametrize(
    ("debug", "setting", "shown"), [(True, None, True), (False, None, False), (False, True, True)]
)
def test_django_debug_log_shows_the_signed_string(
    client, settings, keys_named_as_users, caplog, debug, setting, shown
):
    settings.DEBUG = debug
    settings.HTTPSEAL = {"SCHEMES": ["drf-hmac"], "DRF_HMAC_HOST": "host"}
    if setting is not None:
        settings.HTTPSEAL["LOG_SIGNING_INPUT"] = setting
    _, path, _, headers, body = signed.drf("testserver", "/signed/notes/", "ab" * 20)
    with caplog.at_level(logging.WARNING, logger="httpseal"):
        response = client.post(path, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 401
    [record] = [r for r in caplog.records if "refused" in r.getMessage()]
    assert ("the server signed" in record.getMessage()) is shown
    if shown:
        assert "POST\ntestserver\n/signed/notes/\n" in record.getMessage().replace("    ", "")
        assert headers["Signature"] not in record.getMessage()


def test_cavage_never_initialised_fails_loudly():
    """Flask-Cavage's quick start under `flask run`: init_app never runs."""
    app = Flask("never_initialised")
    cavage_signature = CavageSignature()

    @cavage_signature.secret_loader
    def load_secret(access_key):
        return "123456789"

    @app.route("/hello_world_private")
    @require_apikey_authentication
    def hello_world_private():
        return "<Whisper> Hello, world!"

    app.testing = True
    with pytest.raises(RuntimeError, match=r"no CavageSignature was initialised .* init_app"):
        app.test_client().get("/hello_world_private")


# -- webhooks ---------------------------------------------------------------------

WEBHOOK_SECRETS = {
    "standard-webhooks": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "stripe": "whsec_cli_test",
    "github": "github cli secret",
    "slack": "slack cli secret",
}


@pytest.fixture
def webhook_server():
    from httpseal.flask import webhook

    app = Flask("cli_webhooks")
    for format, secret in WEBHOOK_SECRETS.items():

        def view(format=format):
            from flask import g

            return {"scheme": g.httpseal.scheme}

        app.add_url_rule(f"/{format}", format, webhook(format, secret)(view), methods=["POST"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("format", list(WEBHOOK_SECRETS))
def test_webhook_deliveries_signed_and_explained(webhook_server, tmp_path, format):
    secret = tmp_path / "hook.secret"
    secret.write_text(WEBHOOK_SECRETS[format] + "\n")
    url = f"{webhook_server}/{format}"
    options = ["--secret-file", str(secret), "--msg-id", "msg_7", "--data", BODY.decode()]
    result = run("sign", format, *options, url)
    assert result.returncode == 0, result.stderr
    sent = send("POST", url, header_lines(result.stdout), BODY)
    assert sent.status == 200, sent.body
    assert json.loads(sent.body) == {"scheme": format}
    capture = tmp_path / "delivery.http"
    capture.write_bytes(sent.capture)
    code, report = verify_json(format, "--secret-file", str(secret), str(capture))
    assert code == 0 and report["verified"]
    # Judged an hour later: stale, unless the tolerance is lifted (GitHub has no time).
    later = str(time.time() + 3600)
    code, report = verify_json(format, "--secret-file", str(secret), "--now", later, str(capture))
    assert (code, report.get("code")) == ((0, None) if format == "github" else (1, "stale"))
    code, _ = verify_json(
        format, "--secret-file", str(secret), "--now", later, "--no-tolerance", str(capture)
    )
    assert code == 0
    tampered = send("POST", url, header_lines(result.stdout), BODY + b" ")
    assert tampered.status == 400


def test_a_standard_webhooks_secret_that_is_not_base64_is_a_usage_error(tmp_path):
    secret = tmp_path / "bad.secret"
    secret.write_text("whsec_not base64!")
    result = run("sign", "standard-webhooks", "--secret-file", str(secret), "--msg-id", "m",
                 "--data", "{}", "https://example.com/hook")  # fmt: skip
    assert result.returncode == 2 and "base64" in result.stderr
