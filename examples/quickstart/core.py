import httpseal

token = httpseal.render_hmac(b"secret", "/path")  # HMAC-SHA256, URL-safe base64, no '='
print(httpseal.compare_hmacs(b"secret", "/path", token))  # True; constant-time
print(httpseal.render_hmac("k", "data", digest="sha512", encoding="hex")[:16])  # 35147d6a9f273e3c

key = httpseal.HmacKey(b"secret", digest="sha256")  # key schedule computed once
print(key.compare("/path", token))  # True
