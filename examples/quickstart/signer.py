import httpseal

signer = httpseal.Signer("cavage", "client-1", "a-long-random-secret")
request = {"Host": "api.example.com", "Content-Type": "application/json", "Content-Length": "11"}
for name, value in signer.sign(
    "POST", "/orders", "page=2", request, b'{"qty": 1}\n', now=1796205600
):
    print(f"{name}: {value[:40]}")
# Date: Wed, 02 Dec 2026 10:00:00 GMT
# Digest: SHA-256=lHLMjFw8pp4pdsmaRsX58mXykpm/K+MQ
# Authorization: Signature keyId="client-1",algorithm="hm
