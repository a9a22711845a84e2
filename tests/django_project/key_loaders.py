"""HTTPSEAL["KEY_LOADER"]s for the tests."""

from tests import signed_requests as signed

RETIRED = "0" * 40


def rotating(key_id: str) -> list[str] | None:
    """Each key id with a retired secret first and its current one second."""
    secret = signed.SECRETS.get(key_id)
    return None if secret is None else [RETIRED, secret]
