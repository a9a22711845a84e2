"""The release artefacts, as the README builds them: one command makes the
abi3 wheel and the source distribution (the wheel is built from the unpacked
sdist, so the sdist is proven to build from scratch), and the wheel installs
and works in a fresh virtualenv on a PATH with no Rust toolchain."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import httpseal

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

SIGN_AND_VERIFY = """
import httpseal
keys = {"client-1": "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"}
verifier = httpseal.Verifier(schemes=["cavage", "drf-hmac", "fost"], key_loader=keys.get)
for scheme in ("cavage", "drf-hmac", "fost"):
    headers = {"Host": "api.example.com", "Content-Type": "application/json"}
    body = b'{"n": 1}'
    headers["Content-Length"] = str(len(body))
    signer = httpseal.Signer(scheme, "client-1", keys["client-1"])
    headers.update(signer.sign("POST", "/notes", "", headers, body))
    verified = verifier.verify("POST", "/notes", "", headers, body)
    print(verified.scheme, verified.key_id)
print(httpseal.__version__)
"""


def run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT):
    result = subprocess.run(  # noqa: S603 - the build and install commands
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``maturin build --release --sdist --out dist``, the README's command."""
    out = tmp_path_factory.mktemp("dist")
    run(BIN / "maturin", "build", "--release", "--sdist", "--out", out)
    return out


def test_one_abi3_wheel_and_one_sdist(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    assert "-cp310-abi3-" in wheel.name
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("Cargo.toml", "Cargo.lock", "pyproject.toml", "LICENSE", "README.md"):
        assert needed in names
    assert {"src/lib.rs", "python/httpseal/py.typed", "python/httpseal/_native.pyi"} <= names


def test_wheel_metadata_is_complete(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
    assert {"httpseal/py.typed", "httpseal/_native.pyi"} <= names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert "Framework :: Flask" in classifiers
    assert "Framework :: Django" in classifiers


def test_wheel_works_without_a_rust_toolchain(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    # Only the system's directories and the new virtualenv: no cargo, no rustc.
    path = os.pathsep.join([str(venv / "bin"), "/usr/bin", "/bin"])
    assert shutil.which("cargo", path=path) is None
    assert shutil.which("rustc", path=path) is None
    env = {"PATH": path, "HOME": str(tmp_path), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--no-index", "--no-deps", wheel, env=env)
    out = run(python, "-c", SIGN_AND_VERIFY, env=env, cwd=tmp_path).stdout.splitlines()
    assert out == ["cavage client-1", "drf-hmac client-1", "fost client-1", httpseal.__version__]
    # The console script came with it.
    version = run(venv / "bin" / "httpseal", "--version", env=env, cwd=tmp_path).stdout
    assert version.strip() == f"httpseal {httpseal.__version__}"
