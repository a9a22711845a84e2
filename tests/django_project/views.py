from django.http import JsonResponse
from django.utils.decorators import decorator_from_middleware
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from httpseal.django.middleware import SignatureMiddleware
from httpseal.drf import (
    CavageAuthentication,
    FostAuthentication,
    HMACAuthentication,
    MessageSignatureAuthentication,
    SignatureAuthentication,
)


class Notes(APIView):
    authentication_classes = [HMACAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"user": request.user.username, "key": request.auth.key})

    def post(self, request):
        return Response({"user": request.user.username, "data": request.data}, status=201)

    put = post


class FostNotes(APIView):
    authentication_classes = [FostAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"user": request.user.username, "signed": request.auth})

    def post(self, request):
        return Response({"user": request.user.username, "signed": request.auth})


def whoami(request):
    """A plain Django view behind the FOST middleware."""
    user = request.user
    return JsonResponse(
        {
            "user": user.username if user.is_authenticated else None,
            "signed": getattr(request, "SIGNED", None),
        }
    )


class SignedNotes(APIView):
    """Every scheme of HTTPSEAL["SCHEMES"] through the generic DRF class."""

    authentication_classes = [SignatureAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        return Response({"user": request.user.username, "scheme": request.auth.scheme})

    get = post


def signed_whoami(request):
    """A plain Django view behind SignatureMiddleware."""
    verified = getattr(request, "httpseal", None)
    return JsonResponse(
        {
            "user": request.user.username if request.user.is_authenticated else None,
            "scheme": verified.scheme if verified is not None else None,
        }
    )


# SignatureMiddleware on one view, for the servers (live_server) whose
# MIDDLEWARE is fixed before a test could add it.
middleware_whoami = decorator_from_middleware(SignatureMiddleware)(signed_whoami)


class EveryClassNotes(APIView):
    """One endpoint, one DRF class per scheme: each passes on what is not its own."""

    authentication_classes = [HMACAuthentication, FostAuthentication, CavageAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        return Response({"user": request.user.username, "auth": type(request.auth).__name__})

    get = post


class MessageSignatureNotes(APIView):
    """RFC 9421 through its own DRF class."""

    authentication_classes = [MessageSignatureAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        return Response({"user": request.user.username, "scheme": request.auth.scheme})


# -- webhooks ------------------------------------------------------------------

from httpseal.django.webhooks import webhook  # noqa: E402
from httpseal.drf import WebhookAuthentication, handled_once  # noqa: E402

WEBHOOK_SECRET = "whsec_django_test_secret"


@webhook("stripe", WEBHOOK_SECRET)
def stripe_webhook(request):
    return JsonResponse({"scheme": request.httpseal.scheme, "bytes": len(request.body)})


@webhook("standard-webhooks")
async def standard_webhook(request):
    return JsonResponse({"id": request.httpseal.delivery_id})


class GitHubAuthentication(WebhookAuthentication):
    format = "github"
    secrets = "github-test-secret"


class GitHubHook(APIView):
    authentication_classes = [GitHubAuthentication]
    permission_classes = []

    def post(self, request):
        return Response(
            {
                "anonymous": request.user.is_anonymous,
                "scheme": request.auth.scheme,
                "delivery": request.auth.delivery_id,
            }
        )


SLACK_SECRET = "slack-test-secret"
slack_runs: list[int] = []  # the status each run of the handler answers


class SlackAuthentication(WebhookAuthentication):
    format = "slack"
    secrets = SLACK_SECRET


@api_view(["POST"])
@authentication_classes([SlackAuthentication])
@permission_classes([])
@handled_once
def slack_events(request):
    """Answers the status the body names (``{"status": 500}``), or raises."""
    slack_runs.append(request.data.get("status", 200))
    if slack_runs[-1] == "raise":
        raise RuntimeError("the handler failed")
    return Response({"runs": len(slack_runs)}, status=slack_runs[-1])


class SlackHook(APIView):
    authentication_classes = [SlackAuthentication]
    permission_classes = []

    @handled_once(deliveries="memory")
    def post(self, request):
        slack_runs.append(200)
        return Response({"runs": len(slack_runs)})
