from django.http import JsonResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response


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


urlpatterns = [path("notes/", notes), path("report/", report)]
