"""The demo's applications, one per scheme, and a loopback WSGI server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from httpseal.flask import Hmac


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


def flask_hmac_app() -> Flask:
    app = Flask("flask_hmac_demo")
    app.config["HMAC_KEY"] = "demo-shared-secret"
    hm = Hmac(app)

    @app.route("/api/orders", methods=["GET", "POST"])
    @hm.check_hmac
    def orders():
        return {"orders": []}

    return app
