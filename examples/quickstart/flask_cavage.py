from flask import Flask

from httpseal.flask import CavageSignature, require_apikey_authentication

app = Flask(__name__)
keys = {"access_key_1": "123456789", "access_key_2": "4381326329"}
cavage_signature = CavageSignature(app)  # or CavageSignature() + init_app(app)


@cavage_signature.secret_loader
def load_secret(access_key):
    return keys.get(access_key)  # a str/bytes secret, an HmacKey, a list, or None


@app.route("/hello_world_private", methods=["GET"])
@require_apikey_authentication
def hello_world_private():
    return "<Whisper> Hello, world!"


if __name__ == "__main__":
    app.run()
