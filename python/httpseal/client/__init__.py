"""Client-side signers: ``requests`` and ``httpx`` auth classes for every scheme."""

from httpseal.client.cavage import CavageHttpxAuth, CavageSignedRequestAuth
from httpseal.client.drf import BaseHMAC, HMACAuth, HMACHttpxAuth, HMACSigner
from httpseal.client.fost import FostAuth, FostHttpxAuth, signed_url
from httpseal.client.message_signatures import MessageSignatureAuth, MessageSignatureHttpxAuth

__all__ = [
    "BaseHMAC",
    "CavageHttpxAuth",
    "CavageSignedRequestAuth",
    "FostAuth",
    "FostHttpxAuth",
    "HMACAuth",
    "HMACHttpxAuth",
    "HMACSigner",
    "MessageSignatureAuth",
    "MessageSignatureHttpxAuth",
    "signed_url",
]
