"""Client-side signers: ``requests`` and ``httpx`` auth classes for every scheme."""

from httpseal.client.cavage import CavageHttpxAuth, CavageSignedRequestAuth

__all__ = ["CavageHttpxAuth", "CavageSignedRequestAuth"]
