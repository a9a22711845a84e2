"""Every snippet in the README runs as written. Each Python and shell block
is an example file under ``examples/quickstart/`` (whole, or an excerpt marked
so), and every example runs here: scripts print what their comments say, and
servers started the way the README starts them answer its clients over
loopback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.loopback import free_port, wait_listening

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
BIN = Path(sys.executable).parent
MARK = "# examples/quickstart/"
EXCERPT = " (excerpt)"


def readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.S | re.M)


def example_blocks() -> list[tuple[Path, bool, str]]:
    """(file, is an excerpt, the block's text below its first line)."""
    found = []
    for block in readme_blocks("python") + readme_blocks("sh"):
        first, _, rest = block.partition("\n")
        if first.startswith(MARK):
            name = first[2:]
            found.append((ROOT / name.removesuffix(EXCERPT), name.endswith(EXCERPT), rest))
    return found


def test_every_python_block_names_its_example_file() -> None:
    for block in readme_blocks("python"):
        assert block.startswith(MARK), f"a README block that no test runs:\n{block}"


@pytest.mark.parametrize(("path", "excerpt", "text"), example_blocks(), ids=lambda v: str(v)[-40:])
def test_the_block_is_the_example_file(path: Path, excerpt: bool, text: str) -> None:
    content = path.read_text()
    if excerpt:
        assert "\n" + text in "\n" + content, f"not an excerpt of {path}"
    else:
        assert text == content, f"the README's copy of {path} differs from the file"


def test_every_example_is_shown() -> None:
    shown = {path for path, _, _ in example_blocks()}
    runnable = {
        *QUICKSTART.glob("*.py"),
        *QUICKSTART.glob("*.sh"),
        *QUICKSTART.glob("*/settings.py"),
    }
    assert runnable <= shown, sorted(map(str, runnable - shown))


# -- scripts -----------------------------------------------------------------


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A reader's shell: the virtualenv on the PATH, no settings of this suite's."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    return {**env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(extra or {})}


def run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None):
    return subprocess.run(  # noqa: S603 - the examples, as a reader runs them
        [str(arg) for arg in args],
        cwd=cwd,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRINTS = {
    "webhooks.py": "standard-webhooks msg_2KWPBgLlAfxdpx2AI54pPJ85f4W\ngithub\nbad_signature\n",
    "core.py": "True\n35147d6a9f273e3c\nTrue\n",
    "verifier.py": "cavage client-1 ('(request-target)', 'host', 'date')\nNone\n",
    "signer.py": (
        "Date: Wed, 02 Dec 2026 10:00:00 GMT\n"
        "Digest: SHA-256=lHLMjFw8pp4pdsmaRsX58mXykpm/K+MQ\n"
        'Authorization: Signature keyId="client-1",algorithm="hm\n'
    ),
    "replay.py": "client-1\nreplayed request refused by the replay check\n",
    "rfc9421.py": (
        'sig1=("@method" "@authority" "@path" "@query" "content-digest");'
        'created=1796205600;keyid="client-1";alg="hmac-sha256"\n'
        "rfc9421 client-1 ('@method', '@authority', '@path', '@query', 'content-digest')\n"
        'sig1=("@method" "@authority" "@path" "@query" "content-digest");'
        'created;tag="app-1";alg="hmac-sha256"\n'
    ),
}


@pytest.mark.parametrize("script", sorted(PRINTS))
def test_script_prints_what_its_comments_say(script: str) -> None:
    result = run(sys.executable, QUICKSTART / script)
    assert result.returncode == 0, result.stderr
    assert result.stdout == PRINTS[script]
    for line in PRINTS[script].splitlines():
        assert f"# {line}" in (QUICKSTART / script).read_text()


# -- servers -----------------------------------------------------------------


@contextmanager
def serving(args: list[str | Path], port: int, cwd: Path = ROOT) -> Iterator[str]:
    """A server started as the README starts it, until it listens on ``port``."""
    log = cwd / f"server-{port}.log" if cwd != ROOT else Path(os.devnull)
    with open(log, "w") as out:
        server = subprocess.Popen(  # noqa: S603 - the README's own command
            [str(arg) for arg in args],
            cwd=cwd,
            env=environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            wait_listening(port, server, "the server")
        except AssertionError:
            raise AssertionError(f"the server did not start: {log.read_text()}") from None
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def flask_run(example: str) -> Iterator[str]:
    port = free_port()
    with serving(
        [BIN / "flask", "--app", QUICKSTART / example, "run", "--port", str(port)], port
    ) as url:
        yield url


@pytest.mark.parametrize(
    ("server", "client", "prints"),
    [
        ("flask_hmac.py", "hmac_client.py", "200 ok\n"),
        ("flask_cavage.py", "cavage_client.py", "200 <Whisper> Hello, world!\n"),
        (
            "flask_signature_auth.py",
            "signature_auth_client.py",
            "CavageSignedRequestAuth 200 {'key': 'client-1'}\n"
            "HMACAuth 200 {'key': 'client-1'}\n"
            "FostAuth 200 {'key': 'client-1'}\n"
            "MessageSignatureAuth 200 {'key': 'client-1'}\n",
        ),
    ],
)
def test_flask_example_accepts_its_client(server: str, client: str, prints: str) -> None:
    with flask_run(server) as url:
        result = run(sys.executable, QUICKSTART / client, env={"API_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout == prints


@pytest.mark.parametrize(
    ("app", "shows", "client"),
    [
        ("starlette_app", "'bytes': 13", "asgi_client.py"),
        ("fastapi_app", "'text': 'hi'", "asgi_client.py"),
        ("fastapi_app", "'text': 'hi'", "aiohttp_client.py"),
    ],
)
def test_asgi_example_accepts_its_client(app: str, shows: str, client: str, tmp_path: Path) -> None:
    shutil.copy(QUICKSTART / f"{app}.py", tmp_path)
    port = free_port()
    command = [BIN / "uvicorn", f"{app}:app", "--port", str(port)]
    with serving(command, port, cwd=tmp_path) as url:
        result = run(sys.executable, QUICKSTART / client, env={"API_URL": url})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "MessageSignatureHttpxAuth 200 {'key': 'client-1', 'scheme': 'rfc9421'"
    )
    assert lines[1].startswith("CavageHttpxAuth 200 {'key': 'client-1', 'scheme': 'cavage'")
    assert all(shows in line for line in lines[:2])
    assert lines[2] == "unsigned 401"


def test_flask_webhooks_example() -> None:
    import requests

    from httpseal import webhooks

    with flask_run("flask_webhooks.py") as url:
        stripe = webhooks.sign("stripe", "whsec_0123456789abcdef", b"{}", timestamp=1796205600)
        github = webhooks.sign("github", "It's a Secret to Everybody", b"{}", msg_id="d-1")
        fresh = webhooks.sign("stripe", "whsec_0123456789abcdef", b"{}")
        assert requests.post(f"{url}/hooks/stripe", data=b"{}", headers=stripe).status_code == 400
        ok = requests.post(f"{url}/hooks/stripe", data=b"{}", headers=fresh)
        assert ok.status_code == 200 and "received" in ok.json()
        hook = requests.post(f"{url}/hooks/github", data=b"{}", headers=github)
        assert hook.json() == {"delivery": "d-1"}


def test_command_line_script(tmp_path: Path) -> None:
    with flask_run("flask_signature_auth.py") as url:
        # The script works in a scratch directory of its own (`mktemp -d`): made
        # inside tmp_path, it goes when the test's files do.
        env = {"API_URL": url, "TMPDIR": str(tmp_path)}
        result = run("bash", QUICKSTART / "cli.sh", cwd=tmp_path, env=env)
    # The last command explains a refusal: exit code 1.
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["Date", "Digest", "Authorization"]
    assert '{"key":"client-1"}' in lines
    assert "refused (bad_signature): signature does not match" in result.stdout
    assert "the server signed" in result.stdout
    assert "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c" not in result.stdout


# -- Django projects ---------------------------------------------------------


@contextmanager
def django_site(
    name: str, tmp_path: Path, *, rotate: bool, asgi: bool = False
) -> Iterator[tuple[str, str, str]]:
    """The project copied to ``tmp_path`` and run as the README says:
    migrate, a user, a key, runserver (or uvicorn when ``asgi``). Yields
    (url, key id, secret)."""
    site = tmp_path / name
    shutil.copytree(QUICKSTART / name, site)
    manage = [sys.executable, "manage.py"]
    for command in (
        ["check", "--fail-level", "WARNING"],
        ["migrate", "-v", "0"],
        ["createsuperuser", "--noinput", "--username", "alice", "--email", "alice@example.com"],
    ):
        result = run(*manage, *command, cwd=site, env={"DJANGO_SUPERUSER_PASSWORD": "x"})
        assert result.returncode == 0, result.stdout + result.stderr
    result = run(*manage, "httpseal_key", "alice", *(["--rotate"] if rotate else []), cwd=site)
    assert result.returncode == 0, result.stderr
    printed = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    port = free_port()
    if asgi:
        command = [BIN / "uvicorn", "asgi:application", "--port", str(port)]
    else:
        command = [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"]
    with serving(command, port, site) as url:
        yield url, printed["key"], printed["secret"]


def test_django_legacy_project_accepts_the_legacy_clients(tmp_path: Path) -> None:
    # AUTO_CREATE_KEYS gave alice a key; --rotate shows a new secret, as the README says.
    with django_site("django_legacy", tmp_path, rotate=True) as (url, key, secret):
        env = {"API_URL": url, "HTTPSEAL_KEY": key, "HTTPSEAL_SECRET": secret}
        drf = run(sys.executable, QUICKSTART / "drf_client.py", env=env)
        fost = run(sys.executable, QUICKSTART / "fost_client.py", env=env)
    assert drf.stdout == "200 {'user': 'alice', 'data': {'title': 'new idea'}}\n", drf.stderr
    assert fost.stdout == "200 {'user': 'alice'}\n200\n", fost.stderr


def test_django_api_project_accepts_every_scheme(tmp_path: Path) -> None:
    import requests

    from httpseal.client import CavageSignedRequestAuth, FostAuth, HMACAuth

    with django_site("django_api", tmp_path, rotate=False) as (url, key, secret):
        for auth, scheme in (
            (CavageSignedRequestAuth(key, secret), "cavage"),
            (HMACAuth(key, secret), "drf-hmac"),
            (FostAuth(key, secret), "fost"),
        ):
            for path in ("/notes/", "/report/", "/live/report/", "/live/notes/"):
                response = requests.post(url + path, json={"n": 1}, auth=auth, timeout=30)
                assert response.status_code == 200, (path, scheme, response.text)
                assert response.json() == {"user": "alice", "scheme": scheme}
        for path in ("/notes/", "/report/", "/live/report/", "/live/notes/"):
            assert requests.post(url + path, json={}, timeout=30).status_code == 401
        wrong = CavageSignedRequestAuth(key, "not-the-secret")
        assert requests.get(url + "/notes/", auth=wrong, timeout=30).status_code == 401
        from httpseal import webhooks

        stripe = webhooks.sign("stripe", "whsec_0123456789abcdef", b"{}")
        answer = requests.post(url + "/hooks/stripe/", data=b"{}", headers=stripe, timeout=30)
        assert answer.status_code == 200, answer.text
        github = webhooks.sign("github", "It's a Secret to Everybody", b"{}", msg_id="d-2")
        answer = requests.post(url + "/hooks/github/", data=b"{}", headers=github, timeout=30)
        assert answer.json() == {"delivery": "d-2"}
        answer = requests.post(url + "/hooks/github/", data=b"{}", headers=github, timeout=30)
        assert answer.json() == {"detail": "already handled"}
        assert requests.post(url + "/hooks/github/", data=b"{}", timeout=30).status_code == 400


def test_django_api_project_under_uvicorn(tmp_path: Path) -> None:
    """The same project on an async stack: its async views, adrf's class and
    the middleware on the event loop, signed by httpx.AsyncClient."""
    import asyncio

    import httpx

    from httpseal.client import CavageHttpxAuth, FostHttpxAuth, HMACHttpxAuth

    async def check(url: str, key: str, secret: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for auth, scheme in (
                (CavageHttpxAuth(key, secret), "cavage"),
                (HMACHttpxAuth(key, secret), "drf-hmac"),
                (FostHttpxAuth(key, secret), "fost"),
            ):
                for path in ("/live/report/", "/live/notes/", "/report/", "/notes/"):
                    answer = await client.post(path, json={"n": 1}, auth=auth)
                    assert answer.json() == {"user": "alice", "scheme": scheme}, (path, scheme)
            wrong = CavageHttpxAuth(key, "not-the-secret")
            for path in ("/live/report/", "/live/notes/"):
                assert (await client.post(path, json={}, auth=wrong)).status_code == 401

    with django_site("django_api", tmp_path, rotate=False, asgi=True) as (url, key, secret):
        asyncio.run(check(url, key, secret))
