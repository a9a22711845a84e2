import alerts  # noqa: F401  (connects the key lifecycle alerts)
from adrf.views import APIView
from django.http import JsonResponse
from django.urls import path
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from httpseal.adrf import AsyncSignatureAuthentication
from httpseal.django.webhooks import webhook
from httpseal.drf import WebhookAuthentication, handled_once


@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def notes(request):
    """DRF: SignatureAuthentication returns (user, the Verified result)."""
    return Response({"user": request.user.username, "scheme": request.auth.scheme})


def report(request):
    """Plain Django: SignatureMiddleware set request.user and request.httpseal."""
    if request.httpseal is None:
        return JsonResponse({"detail": "sign the request"}, status=401)
    return JsonResponse({"user": request.user.username, "scheme": request.httpseal.scheme})


async def live_report(request):
    """An async view: under an ASGI server SignatureMiddleware verifies it on
    the event loop (the database only on a key-cache miss, in a thread)."""
    if request.httpseal is None:
        return JsonResponse({"detail": "sign the request"}, status=401)
    return JsonResponse({"user": request.user.username, "scheme": request.httpseal.scheme})


class LiveNotes(APIView):
    """adrf: an async DRF view with the async authentication class."""

    authentication_classes = [AsyncSignatureAuthentication]
    permission_classes = [IsAuthenticated]

    async def post(self, request):
        return Response({"user": request.user.username, "scheme": request.auth.scheme})


@webhook("stripe")  # csrf_exempt; its secret from HTTPSEAL["WEBHOOK_SECRETS"]
def stripe_events(request):
    """A plain Django webhook view: 400 and a log line when it does not verify."""
    return JsonResponse({"received": request.httpseal.timestamp})


class GitHubDeliveries(WebhookAuthentication):
    format = "github"
    secrets = "It's a Secret to Everybody"


@api_view(["POST"])
@authentication_classes([GitHubDeliveries])
@permission_classes([])  # a delivery has no user: request.auth is the Verified result
@handled_once  # a delivery GitHub sends again is answered 200 without running this again
def github_events(request):
    return Response({"delivery": request.auth.delivery_id})


urlpatterns = [
    path("notes/", notes),
    path("report/", report),
    path("live/report/", live_report),
    path("live/notes/", LiveNotes.as_view()),
    path("hooks/stripe/", stripe_events),
    path("hooks/github/", github_events),
]
