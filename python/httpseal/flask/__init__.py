"""Flask extensions, drop-in for Flask-HMAC and Flask-Cavage.

``from flask_hmac import Hmac`` becomes ``from httpseal.flask import Hmac``;
``from flask_cavage import CavageSignature, require_apikey_authentication``
becomes ``from httpseal.flask import ...``. ``SignatureAuth`` accepts every
scheme (Cavage, drf-hmac, FOST) through one verifier.
"""

from httpseal.cavage import HeadersMap
from httpseal.flask.cavage import CavageSignature, require_apikey_authentication
from httpseal.flask.hmac_token import Hmac
from httpseal.flask.signature_auth import SignatureAuth
from httpseal.flask.webhooks import webhook

__all__ = [
    "CavageSignature",
    "HeadersMap",
    "Hmac",
    "SignatureAuth",
    "require_apikey_authentication",
    "webhook",
]
