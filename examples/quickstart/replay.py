import httpseal

KEYS = {"client-1": "a-long-random-secret"}
verifier = httpseal.Verifier(
    schemes=["cavage"], key_loader=KEYS.get, replay_store=httpseal.MemoryReplayStore()
)

signer = httpseal.Signer("cavage", "client-1", KEYS["client-1"])
headers = {"Host": "api.example.com"}
headers.update(signer.sign("GET", "/orders", "", headers))
print(verifier.verify("GET", "/orders", "", headers, b"").key_id)  # client-1
try:
    verifier.verify("GET", "/orders", "", headers, b"")  # the same request again
except httpseal.ReplayedRequest as refusal:
    print(refusal.code, refusal)  # replayed request refused by the replay check
