from flask import Flask

from httpseal.flask import SignatureAuth

app = Flask(__name__)
app.config["HTTPSEAL_REPLAY_STORE"] = "memory"  # refuse a request seen before (one process)
auth = SignatureAuth(app, schemes=["cavage", "drf-hmac", "fost", "rfc9421"])

KEYS = {"client-1": "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"}  # hex, as drf-hmac keys are


@auth.key_loader
def load_key(key_id):  # secret | HmacKey | list of them | None
    return KEYS.get(key_id)


@app.post("/notes")
@auth.login_required  # sync and async views; optional=True lets anonymous through
def notes():
    return {"key": auth.current().key_id}  # the Verified result, also g.httpseal


if __name__ == "__main__":
    app.run()
