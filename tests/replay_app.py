"""A Flask app for the multi-process replay proof: every scheme behind
SignatureAuth with the Redis store named by HTTPSEAL_TEST_REDIS, served by
gunicorn workers (``tests.replay_app:app``)."""

import os

from flask import Flask

from httpseal.flask import SignatureAuth

from tests import signed_requests as signed

app = Flask(__name__)
auth = SignatureAuth(
    app, schemes=["cavage", "drf-hmac", "fost"], replay_store=os.environ["HTTPSEAL_TEST_REDIS"]
)
auth.key_loader(signed.load_key)


@app.route("/p", methods=["GET", "POST"])
@auth.login_required
def protected():
    return {"ok": True}


@app.after_request
def name_the_worker(response):
    response.headers["X-Worker"] = str(os.getpid())
    return response
