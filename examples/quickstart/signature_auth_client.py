import os

import requests

from httpseal.client import (
    CavageSignedRequestAuth,
    FostAuth,
    HMACAuth,
    MessageSignatureAuth,
)

api = os.environ.get("API_URL", "http://localhost:5000")
key_id, secret = "client-1", "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"
for auth in (
    CavageSignedRequestAuth(key_id, secret),
    HMACAuth(key_id, secret),  # signs the Host it sends
    FostAuth(key_id, secret),
    MessageSignatureAuth(key_id, secret),  # RFC 9421
):
    response = requests.post(f"{api}/notes", json={"title": "new idea"}, auth=auth)
    print(type(auth).__name__, response.status_code, response.json())
# CavageSignedRequestAuth 200 {'key': 'client-1'}
# HMACAuth 200 {'key': 'client-1'}
# FostAuth 200 {'key': 'client-1'}
# MessageSignatureAuth 200 {'key': 'client-1'}
