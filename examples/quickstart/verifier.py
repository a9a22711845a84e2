import httpseal

KEYS = {"client-1": "a-long-random-secret"}

verifier = httpseal.Verifier(schemes=["cavage", "drf-hmac", "fost"], key_loader=KEYS.get)

signer = httpseal.Signer(
    "cavage", "client-1", KEYS["client-1"], headers=["(request-target)", "host", "date"]
)
headers = {"Host": "api.example.com"}
headers.update(signer.sign("GET", "/orders", "page=2", headers, now=1796205600))
verified = verifier.verify("GET", "/orders", "page=2", headers, b"", now=1796205600)
# cavage client-1 ('(request-target)', 'host', 'date')
print(verified.scheme, verified.key_id, verified.covered)
print(verifier.verify("GET", "/orders", "", {"Host": "api.example.com"}))  # None: not ours
