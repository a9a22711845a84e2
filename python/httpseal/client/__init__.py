"""Client-side signers: ``requests`` and ``httpx`` auth classes for every scheme."""

from httpseal.client.cavage import CavageHttpxAuth, CavageSignedRequestAuth
from httpseal.client.drf import BaseHMAC, HMACAuth, HMACSigner
from httpseal.client.fost import FostAuth, signed_url

__all__ = [
    "BaseHMAC",
    "CavageHttpxAuth",
    "CavageSignedRequestAuth",
    "FostAuth",
    "HMACAuth",
    "HMACSigner",
    "signed_url",
]
