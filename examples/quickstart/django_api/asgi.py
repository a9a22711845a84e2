"""The project under an ASGI server (uvicorn asgi:application): async views
and SignatureMiddleware run on the event loop."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
application = get_asgi_application()
