"""The demo's applications, one per scheme, and a loopback WSGI server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from httpseal.flask import CavageSignature, Hmac, require_apikey_authentication


@contextmanager
def serve(app) -> Iterator[str]:
    """Serves ``app`` on 127.0.0.1 at a free port while the block runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


FLASK_HMAC_KEY = "2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e"


def flask_hmac_app() -> Flask:
    app = Flask("flask_hmac_demo")
    app.config["HMAC_KEY"] = FLASK_HMAC_KEY
    hm = Hmac(app)

    @app.route("/api/orders", methods=["GET", "POST"])
    @hm.check_hmac
    def orders():
        return {"orders": []}

    return app


CAVAGE_KEYS = {"access_key_1": "123456789", "access_key_2": "4381326329"}
FOST_SECRET = "fost-demo-secret"


def flask_cavage_app() -> Flask:
    """Flask-Cavage's quick start on httpseal, with a replay store."""
    return _quickstart("flask_cavage_demo", CavageSignature, require_apikey_authentication,
                       HTTPSEAL_REPLAY_STORE="memory")  # fmt: skip


def legacy_flask_cavage_app() -> Flask:
    """The same quick start on Flask-Cavage 0.4.3 itself."""
    import flask_cavage

    return _quickstart("flask_cavage_legacy", flask_cavage.CavageSignature,
                       flask_cavage.require_apikey_authentication)  # fmt: skip


def _quickstart(name: str, extension, decorator, **config) -> Flask:
    app = Flask(name)
    app.config.update(config)
    cavage_signature = extension(app)

    @cavage_signature.secret_loader
    def load_secret(access_key):
        return CAVAGE_KEYS.get(access_key)

    @app.route("/hello_world_private", methods=["GET", "POST"])
    @decorator
    def hello_world_private():
        return "<Whisper> Hello, world!"

    return app


def django_app():
    """The demo Django project (DRF HMAC and FOST), migrated, with its users."""
    import os

    # The demo's own project, whatever the environment names.
    os.environ["DJANGO_SETTINGS_MODULE"] = "examples.django_demo.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    from httpseal.django.models import HMACKey

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    writer = users.create_user("writer")
    users.create_user("reporter")
    key = HMACKey.objects.create(user=writer)
    return WSGIHandler(), key
