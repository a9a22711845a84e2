from django.http import JsonResponse
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from httpseal.drf import HMACAuthentication


class Notes(APIView):
    authentication_classes = (HMACAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"notes": [], "user": request.user.username})

    def post(self, request):
        return Response({"created": request.data}, status=201)


def report(request):
    """A plain Django view; the FOST middleware sets request.user."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign in"}, status=401)
    return JsonResponse({"report": "ok", "user": request.user.username})


urlpatterns = [path("notes/", Notes.as_view()), path("report/", report)]
