"""Flask extensions, drop-in for Flask-HMAC (``Hmac``) and Flask-Cavage.

``from flask_hmac import Hmac`` becomes ``from httpseal.flask import Hmac``.
"""

from httpseal.flask.hmac_token import Hmac

__all__ = ["Hmac"]
