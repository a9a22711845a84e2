from flask import Flask

from httpseal.flask import Hmac

app = Flask(__name__)
app.config["HMAC_KEY"] = "2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e"
hm = Hmac(app)  # or Hmac() + hm.init_app(app)


@app.route("/path/to/api/endpoint", methods=["PUT", "POST"])
@hm.check_hmac
def endpoint():
    return "ok"


if __name__ == "__main__":
    app.run()
