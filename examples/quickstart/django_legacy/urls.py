from django.http import JsonResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response


@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def notes(request):
    """DRF: HMACAuthentication returns (user, the HMACKey), as the original did."""
    return Response({"user": request.user.username, "data": request.data})


def report(request):
    """Plain Django: FostMiddleware set request.user and request.SIGNED."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign the request"}, status=401)
    return JsonResponse({"user": request.user.username})


urlpatterns = [path("notes/", notes), path("report/", report)]
