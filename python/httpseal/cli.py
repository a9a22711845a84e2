"""The ``httpseal`` command: sign a request from a shell, explain why a
captured request fails, make a key.

Exit codes: 0 done or verified, 1 refused, 2 usage error. Secrets are read
from a file or an environment variable, never from an argument (which would
land in shell history and in ``ps``).
"""

from __future__ import annotations

import argparse
import base64
import difflib
import json
import os
import secrets
import shlex
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any, NoReturn, TextIO
from urllib.parse import parse_qsl, unquote, urlsplit

import httpseal
from httpseal import _drf_json, _explain, _raw_request
from httpseal.client._paths import host_header

WEBHOOK_FORMATS = ("standard-webhooks", "stripe", "github", "slack")
SCHEMES = ("cavage", "drf-hmac", "fost", "flask-hmac", "rfc9421", *WEBHOOK_FORMATS)
DONE, REFUSED, USAGE = 0, 1, 2
QUERY_RULES = ("draft", "flask-cavage")
QUERY_RULE_HELP = "cavage: 'flask-cavage' leaves a POST's query unsigned, as Flask-Cavage (draft)"
DRF_BODY_HELP = "drf-hmac: sign the body re-serialised as JSON, or its raw bytes (json)"
UNSIGNED_QUERY_HELP = "fost: a request with a body may carry an unsigned query"


class UsageError(Exception):
    """A mistake in the command line or its files; exit code 2."""


# -- shared ------------------------------------------------------------------


class Headers(MutableMapping[str, str]):
    """Request headers as a client holds them: looked up without regard to
    case, kept in the order and spelling they were set."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[str, str]] = {}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __setitem__(self, name: str, value: str) -> None:
        kept = self._items.get(name.lower())
        self._items[name.lower()] = (kept[0] if kept else name, value)

    def __delitem__(self, name: str) -> None:
        del self._items[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)


def read_secret(args: argparse.Namespace) -> bytes:
    """The secret from ``--secret-file`` or ``--secret-env``, without the
    trailing newline a text editor or ``echo`` adds."""
    if args.secret_file is not None:
        try:
            with open(args.secret_file, "rb") as file:
                secret = file.read()
        except OSError as exc:
            raise UsageError(f"cannot read the secret file: {exc.strerror}") from None
        where = f"the secret file {args.secret_file}"
    elif args.secret_env is not None:
        value = os.environ.get(args.secret_env)
        if value is None:
            raise UsageError(f"the environment variable {args.secret_env} is not set")
        secret, where = value.encode(), f"${args.secret_env}"
    else:
        raise UsageError("give the secret with --secret-file FILE or --secret-env VARIABLE")
    secret = secret.rstrip(b"\r\n")
    if not secret:
        raise UsageError(f"{where} is empty")
    return secret


def read_file(path: str, what: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as file:
            return file.read()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None


class Style:
    """Colour for a terminal, plain text for a pipe or with ``NO_COLOR``."""

    def __init__(self, stream: TextIO) -> None:
        self.on = stream.isatty() and "NO_COLOR" not in os.environ

    def __call__(self, text: str, colour: str) -> str:
        codes = {"green": "32", "red": "31", "dim": "2", "bold": "1"}
        return f"\033[{codes[colour]}m{text}\033[0m" if self.on else text


def _add_secret_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--secret-file", metavar="FILE", help="read the secret from FILE")
    group.add_argument("--secret-env", metavar="VARIABLE", help="read the secret from $VARIABLE")


def _add_flask_hmac_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--digest", default="sha256", help="flask-hmac: hash (sha256)")
    parser.add_argument(
        "--encoding",
        default="base64url",
        choices=("base64url", "base64", "hex"),
        help="flask-hmac: token encoding (base64url)",
    )
    parser.add_argument("--header-name", default="HMAC", help="flask-hmac: header (HMAC)")


def _add_rfc9421_options(parser: argparse.ArgumentParser, command: str) -> None:
    covered = "cover" if command == "sign" else "require"
    parser.add_argument(
        "--components",
        help=f"rfc9421: the components to {covered}, space-separated "
        "(@method @authority @path @query, and content-digest for a body)",
    )
    parser.add_argument(
        "--label", default="sig1" if command == "sign" else None, help="rfc9421: the label"
    )
    parser.add_argument("--tag", help="rfc9421: the application tag")


# -- sign --------------------------------------------------------------------


def _signer(args: argparse.Namespace, secret: bytes) -> Any:
    """The client signer the scheme's requests/httpx auth classes use."""
    from httpseal.client.cavage import _CavageSigner
    from httpseal.client.drf import _HMACSigner
    from httpseal.client.fost import _FostSigner
    from httpseal.client.message_signatures import _MessageSigner

    if args.scheme == "rfc9421":
        return _MessageSigner(
            args.key_id,
            secret,
            components=None if args.components is None else args.components.split(),
            label=args.label,
            tag=args.tag,
            nonce=args.nonce,
        )
    if args.scheme == "cavage":
        return _CavageSigner(
            args.key_id,
            secret,
            args.algorithm,
            None if args.sign_headers is None else args.sign_headers.split(),
            sign_header=args.sign_header,
            query_rule=args.query_rule,
        )
    if args.scheme == "drf-hmac":
        return _HMACSigner(args.key_id, secret.decode("latin-1"), args.hostname, args.drf_body)
    return _FostSigner(
        args.key_id,
        secret,
        act_as=args.act_as,
        headers=args.fost_header,
        allow_unsigned_query=args.allow_unsigned_query,
    )


def sign(args: argparse.Namespace, out: TextIO) -> int:
    secret = read_secret(args)
    parts = urlsplit(args.url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UsageError(f"the URL must be absolute, http:// or https://: {args.url!r}")
    body = _data(args.data)
    method = (args.method or ("POST" if body else "GET")).upper()
    headers = Headers()
    for line in args.header:
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or name != name.strip():
            raise UsageError(f"-H takes 'Name: value', not {line!r}")
        headers[name] = value.strip()
    given = dict(headers)
    added: list[tuple[str, str]] = []
    if body and "content-type" not in headers:
        # Said out loud, since the client must send exactly what was signed.
        content_type = "application/json" if _is_json(body) else "application/octet-stream"
        headers["Content-Type"] = content_type
        added.append(("Content-Type", content_type))
    # What every HTTP client sends unasked; signed where the scheme signs it.
    sent = Headers()
    if "host" not in headers:
        sent["Host"] = host_header(parts)
    if body and "content-length" not in headers:
        sent["Content-Length"] = str(len(body))
    sent.update(headers)
    if args.scheme in WEBHOOK_FORMATS:
        added += _webhook_headers(args, secret, body or b"")
    elif args.scheme == "flask-hmac":
        token = httpseal.render_hmac(
            secret, unquote(parts.path or "/"), digest=args.digest, encoding=args.encoding
        )
        added.append((args.header_name, token))
    elif args.scheme == "fost" and args.signed_url is not None:
        return _print_signed_url(args, secret, parts, out)
    else:
        if args.key_id is None:
            raise UsageError(f"{args.scheme} needs --key-id")
        before = dict(sent)
        try:
            _signer(args, secret).sign(method, args.url, sent, body)
        except (ValueError, TypeError) as exc:
            raise UsageError(str(exc)) from None
        added += [(n, v) for n, v in sent.items() if n not in before or before[n] != v]
    if args.curl:
        command = _curl(method, args.url, [*given.items(), *added], args.data)
        out.write(json.dumps({"curl": command}) + "\n" if args.json else command + "\n")
    elif args.json:
        out.write(json.dumps({"method": method, "url": args.url, "headers": added}) + "\n")
    else:
        out.writelines(f"{name}: {value}\n" for name, value in added)
    return DONE


def _webhook_headers(args: argparse.Namespace, secret: bytes, body: bytes) -> list[tuple[str, str]]:
    """What a webhook sender adds to deliver ``body``."""
    from httpseal import webhooks

    try:
        return list(webhooks.sign(args.scheme, secret, body, msg_id=args.msg_id).items())
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None


def _print_signed_url(args: argparse.Namespace, secret: bytes, parts: Any, out: TextIO) -> int:
    from httpseal.client import signed_url

    if args.key_id is None:
        raise UsageError("fost needs --key-id")
    try:
        url = signed_url(args.url, args.key_id, secret, expires_in=args.signed_url)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out.write(json.dumps({"url": url}) + "\n" if args.json else url + "\n")
    return DONE


def _data(value: str | None) -> bytes | None:
    """``--data``: ``@FILE`` (``@-``: standard input) or the text itself."""
    if value is None:
        return None
    if value.startswith("@"):
        return read_file(value[1:], "the data file")
    return value.encode()


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _curl(method: str, url: str, headers: Sequence[tuple[str, str]], data: str | None) -> str:
    words = ["curl", "-X", method]
    for name, value in headers:
        words += ["-H", f"{name}: {value}"]
    if data is not None:
        # --data-binary sends the bytes as they are; -d would strip newlines.
        words += ["--data-binary", data]
    words.append(url)
    return " ".join(shlex.quote(word) for word in words)


# -- verify ------------------------------------------------------------------


class _Form:
    """A parsed form as drf-hmac's JSON rule reads it (Django's ``QueryDict``)."""

    def __init__(self, body: bytes) -> None:
        self._lists: dict[str, list[str]] = {}
        for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            self._lists.setdefault(name, []).append(value)

    def lists(self) -> Iterator[tuple[str, list[str]]]:
        return iter(self._lists.items())

    def __iter__(self) -> Iterator[str]:
        return iter(self._lists)

    def __getitem__(self, name: str) -> str:
        return self._lists[name][-1]


def verify(args: argparse.Namespace, out: TextIO) -> int:
    secret = read_secret(args)
    capture = read_file(args.request_file, "the request file")
    try:
        request = _raw_request.parse(capture)
    except _raw_request.UnreadableRequest as exc:
        raise UsageError(f"{args.request_file}: {exc}") from None
    if args.body is not None:
        request.body = read_file(args.body, "the body file")
    expected = None if args.expect_base is None else read_file(args.expect_base, "the base file")
    if args.no_tolerance:
        args.max_skew = None
    args.secret = secret
    if args.scheme in WEBHOOK_FORMATS:
        _webhook_endpoint(args)  # a secret the format cannot use is a usage error
    verifier = _verifier(args, secret)
    path = unquote(request.path) if args.scheme == "flask-hmac" else request.path
    report: dict[str, Any] = {"scheme": args.scheme, "verified": False}
    signed = None
    try:
        call: dict[str, Any] = {
            "remote_addr": args.hostname or "",
            "drf_data": _drf_data(args, request),
            "url_scheme": args.url_scheme,
        }
    except _drf_json.Unsignable as exc:
        report.update(code="malformed", reason=str(exc))
    else:
        parts = (request.method, path, request.query, request.headers, request.body)
        report.update(_judge(verifier, parts, call, args))
        try:
            signed = verifier.signing_input(*parts, **call)
        except httpseal.SignatureError:
            signed = None
    report["signing_input"] = None if signed is None else signed.decode("utf-8", "replace")
    if expected is not None and signed is not None:
        report["diff"] = _diff(expected, signed)
    _print_report(report, signed, out, args.json)
    return DONE if report["verified"] else REFUSED


def _judge(
    verifier: httpseal.Verifier, parts: tuple[Any, ...], call: dict[str, Any], args: Any
) -> dict[str, Any]:
    """The verdict, as the report's fields."""
    try:
        if args.scheme in WEBHOOK_FORMATS:
            verified = _webhook_endpoint(args).verify(parts[3], parts[4], now=args.now)
        else:
            verified = verifier.verify(*parts, now=args.now, **call)
    except httpseal.SignatureError as exc:
        return {"key_id": exc.key_id, "code": exc.code, "reason": str(exc)}
    if verified is None:
        return {"code": "missing", "reason": f"the request carries no {args.scheme} credentials"}
    return {
        "verified": True,
        "key_id": verified.key_id,
        "algorithm": verified.algorithm,
        "covered": " ".join(verified.covered),
        "timestamp": verified.timestamp,
    }


def _webhook_endpoint(args: argparse.Namespace) -> Any:
    """The endpoint a webhook capture is judged by (its secret decoded as the
    format keys it)."""
    from httpseal.webhooks import WebhookEndpoint

    try:
        return WebhookEndpoint(args.scheme, args.secret, tolerance=args.max_skew)
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None


def _verifier(args: argparse.Namespace, secret: bytes) -> httpseal.Verifier:
    def key_loader(key_id: str) -> bytes | None:
        if args.key_id is not None and key_id != args.key_id:
            return None
        return secret

    options: dict[str, Any] = {"max_skew": args.max_skew}
    if args.scheme == "cavage":
        options["cavage_query_rule"] = args.query_rule
    elif args.scheme == "drf-hmac":
        options["drf_hostname"] = "remote_addr" if args.hostname else "host"
    elif args.scheme == "fost":
        options["fost_allow_unsigned_query"] = args.allow_unsigned_query
    elif args.scheme == "rfc9421":
        options.update(rfc9421_tag=args.tag, rfc9421_label=args.label)
        if args.components is not None:
            options["rfc9421_required"] = args.components.split()
    else:
        options.update(
            flask_hmac_header=args.header_name,
            flask_hmac_digest=args.digest,
            flask_hmac_encoding=args.encoding,
        )
    try:
        return httpseal.Verifier(schemes=[args.scheme], key_loader=key_loader, **options)
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None


def _drf_data(args: argparse.Namespace, request: _raw_request.RawRequest) -> bytes | None:
    """drf-hmac's JSON rule over the captured body, as the DRF server applies it."""
    if args.scheme != "drf-hmac" or args.drf_body == "raw":
        return None
    media_type = (request.header("content-type") or "").partition(";")[0].strip()
    return _drf_json.from_body(request.body, media_type, lambda: _Form(request.body))


def _diff(expected: bytes, signed: bytes) -> list[str]:
    """Lines of a unified diff from what the client signed to what the server did."""
    client = expected.decode("utf-8", "replace").rstrip("\n").split("\n")
    server = signed.decode("utf-8", "replace").split("\n")
    return list(difflib.unified_diff(client, server, "client", "server", lineterm=""))


def _print_report(report: dict[str, Any], signed: bytes | None, out: TextIO, as_json: bool) -> None:
    if as_json:
        out.write(json.dumps(report) + "\n")
        return
    style = Style(out)
    if report["verified"]:
        result = style("verified", "green")
    else:
        result = style(f"refused ({report['code']})", "red") + f": {report['reason']}"
    rows = [("scheme", report["scheme"]), ("key id", report.get("key_id") or "-")]
    rows.append(("result", result))
    if report["verified"]:
        rows += [("algorithm", report["algorithm"]), ("covers", report["covered"] or "-")]
    width = max(len(label) for label, _ in rows)
    out.writelines(f"{label.ljust(width)}  {value}\n" for label, value in rows)
    if signed is not None:
        out.write(style(f"the server signed ({len(signed)} bytes):", "bold") + "\n")
        out.write(_explain.render(signed, limit=1 << 20) + "\n")
    if "diff" in report:
        if report["diff"]:
            out.write(style("what the client signed (-) against the server (+):", "bold") + "\n")
            for line in report["diff"]:
                colour = {"-": "red", "+": "green"}.get(line[:1], "dim")
                out.write(style(line, colour) + "\n")
        else:
            out.write("the client signed the same bytes\n")


# -- keygen ------------------------------------------------------------------


def keygen(args: argparse.Namespace, out: TextIO) -> int:
    if args.pair:
        # The format of HMACKey (and django-rest-framework-hmac): 40 hex each.
        out.write(f"key: {secrets.token_hex(20)}\nsecret: {secrets.token_hex(20)}\n")
        return DONE
    if not 16 <= args.bytes <= 1024:
        raise UsageError("--bytes must lie between 16 and 1024")
    key = secrets.token_bytes(args.bytes)
    text = key.hex() if args.format == "hex" else base64.b64encode(key).decode()
    out.write(text + "\n")
    return DONE


# -- the command line ----------------------------------------------------------


def _max_skew(value: str) -> float | None:
    if value.lower() in ("none", "off"):
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError("a number of seconds, or 'off'") from None
    if seconds < 0:
        raise argparse.ArgumentTypeError("a non-negative number of seconds")
    return seconds


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="httpseal",
        description="Sign HTTP requests, explain why a signed request is refused, make keys.",
        epilog="Exit codes: 0 done or verified, 1 refused, 2 usage error.",
    )
    top.add_argument("--version", action="version", version=f"httpseal {httpseal.__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = commands.add_parser(
        "sign",
        help="print the headers that sign a request (or a curl command)",
        description="Print the headers to add to a request, one 'Name: value' line each, "
        "in the order a client sends them.",
    )
    s.add_argument("scheme", choices=SCHEMES, metavar="SCHEME", help=", ".join(SCHEMES))
    s.add_argument("url", metavar="URL", help="the absolute URL, query included")
    s.add_argument("--key-id", help="the key id the signature names")
    _add_secret_options(s)
    s.add_argument("-X", "--request", dest="method", help="method (GET, or POST with --data)")
    s.add_argument(
        "-H", "--header", action="append", default=[], help="a request header 'Name: value'"
    )
    s.add_argument("--data", help="the body: @FILE (@- for standard input) or the text itself")
    s.add_argument("--curl", action="store_true", help="print a complete curl command")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--algorithm", default="hmac-sha256", help="cavage: algorithm (hmac-sha256)")
    s.add_argument("--sign-headers", help="cavage: the headers to sign, space-separated")
    s.add_argument(
        "--sign-header",
        default="authorization",
        choices=("authorization", "signature"),
        help="cavage: the header that carries the signature (authorization)",
    )
    s.add_argument("--query-rule", default="draft", choices=QUERY_RULES, help=QUERY_RULE_HELP)
    s.add_argument("--hostname", help="drf-hmac: the host the server signs (its REMOTE_ADDR)")
    s.add_argument("--drf-body", default="json", choices=("json", "raw"), help=DRF_BODY_HELP)
    s.add_argument("--act-as", help="fost: the user to act as (X-FOST-User)")
    s.add_argument("--fost-header", action="append", default=[], help="fost: sign this header")
    s.add_argument("--allow-unsigned-query", action="store_true", help=UNSIGNED_QUERY_HELP)
    s.add_argument(
        "--signed-url", type=float, metavar="SECONDS", help="fost: print a signed URL instead"
    )
    _add_flask_hmac_options(s)
    _add_rfc9421_options(s, "sign")
    s.add_argument("--nonce", action="store_true", help="rfc9421: sign a random nonce")
    s.add_argument(
        "--msg-id", help="webhooks: the delivery id (standard-webhooks needs one; github sends it)"
    )
    s.set_defaults(run=sign)

    v = commands.add_parser(
        "verify",
        help="verify a captured request and show what the server signed",
        description="Verify a raw HTTP request (as a proxy captures it or curl -v prints it) "
        "and print the string the server signs. Never prints the secret or the expected MAC.",
    )
    v.add_argument("scheme", choices=SCHEMES, metavar="SCHEME", help=", ".join(SCHEMES))
    v.add_argument("request_file", metavar="REQUEST_FILE", help="the raw request (- for stdin)")
    _add_secret_options(v)
    v.add_argument("--key-id", help="accept only this key id")
    v.add_argument("--body", metavar="FILE", help="the body, when the capture lacks it (curl -v)")
    v.add_argument(
        "--expect-base", metavar="FILE", help="what the client signed: print a diff against it"
    )
    v.add_argument("--now", type=float, help="the time to judge freshness at (Unix seconds)")
    v.add_argument("--max-skew", type=_max_skew, default=300.0, help="seconds, or 'off' (300)")
    v.add_argument(
        "--no-tolerance",
        action="store_true",
        help="judge a captured delivery or request at any age (as --max-skew off)",
    )
    v.add_argument("--json", action="store_true", help="print JSON")
    v.add_argument("--query-rule", default="draft", choices=QUERY_RULES, help=QUERY_RULE_HELP)
    v.add_argument("--hostname", help="drf-hmac: the host the server signs (its REMOTE_ADDR)")
    v.add_argument("--drf-body", default="json", choices=("json", "raw"), help=DRF_BODY_HELP)
    v.add_argument("--allow-unsigned-query", action="store_true", help=UNSIGNED_QUERY_HELP)
    _add_flask_hmac_options(v)
    _add_rfc9421_options(v, "verify")
    v.add_argument(
        "--url-scheme",
        default="https",
        choices=("http", "https"),
        help="rfc9421: the scheme the request came in over, for @scheme and @target-uri (https)",
    )
    v.set_defaults(run=verify)

    k = commands.add_parser("keygen", help="print a new random secret")
    k.add_argument("--bytes", type=int, default=32, help="random bytes (32)")
    k.add_argument("--format", default="hex", choices=("hex", "base64"), help="(hex)")
    k.add_argument(
        "--pair",
        action="store_true",
        help="a key id and a secret, 40 hex digits each, as HMACKey makes them",
    )
    k.set_defaults(run=keygen)
    return top


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the command line; returns the exit code."""
    out = out or sys.stdout
    args = parser().parse_args(argv)
    try:
        return int(args.run(args, out))
    except UsageError as exc:
        _fail(args.command, str(exc))


def _fail(command: str, message: str) -> NoReturn:
    sys.stderr.write(f"httpseal {command}: error: {message}\n")
    raise SystemExit(USAGE)
