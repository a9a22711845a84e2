"""Whether a refusal's log record shows the string the server signed."""

from __future__ import annotations

from typing import Any

from flask import Flask

CONFIG_KEY = "HTTPSEAL_LOG_SIGNING_INPUT"


def shows_signing_input(app: Flask, option: Any = None) -> bool:
    """``option`` (a keyword), else ``HTTPSEAL_LOG_SIGNING_INPUT``, else the
    app's debug mode: read per request, as ``app.debug`` may change after
    ``init_app`` (``app.run(debug=True)``)."""
    if option is None:
        option = app.config.get(CONFIG_KEY)
    return app.debug if option is None else bool(option)
