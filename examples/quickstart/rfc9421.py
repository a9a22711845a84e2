import httpseal

KEYS = {"client-1": "a-long-random-secret"}
verifier = httpseal.Verifier(schemes=["rfc9421"], key_loader=KEYS.get)

signer = httpseal.Signer("rfc9421", "client-1", KEYS["client-1"])
headers = {"Host": "api.example.com", "Content-Type": "application/json"}
body = b'{"qty": 1}'
headers.update(signer.sign("POST", "/orders", "page=2", headers, body, now=1796205600))
print(headers["Signature-Input"])
# sig1=("@method" "@authority" "@path" "@query" "content-digest");created=1796205600;keyid="client-1";alg="hmac-sha256"

verified = verifier.verify("POST", "/orders", "page=2", headers, body, now=1796205600)
print(verified.scheme, verified.key_id, verified.covered)
# rfc9421 client-1 ('@method', '@authority', '@path', '@query', 'content-digest')

# What a 401 asks of a client (the frameworks send it as Accept-Signature):
tagged = httpseal.Verifier(schemes=["rfc9421"], key_loader=KEYS.get, rfc9421_tag="app-1")
print(tagged.accept_signature(content=True))
# sig1=("@method" "@authority" "@path" "@query" "content-digest");created;tag="app-1";alg="hmac-sha256"
