"""Async views: a plain Django one behind SignatureMiddleware, and adrf
ones with the async authentication classes."""

import hashlib

from adrf.views import APIView
from django.http import JsonResponse
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from httpseal.adrf import (
    AsyncCavageAuthentication,
    AsyncFostAuthentication,
    AsyncHMACAuthentication,
    AsyncMessageSignatureAuthentication,
    AsyncSignatureAuthentication,
)


async def whoami(request):
    """401 unless SignatureMiddleware verified the request; else who signed,
    and the body the view reads."""
    verified = request.httpseal
    if verified is None:
        return JsonResponse({"detail": "signature required"}, status=401)
    return JsonResponse(
        {
            "user": request.user.username,
            "scheme": verified.scheme,
            "sha256": hashlib.sha256(request.body).hexdigest(),
        }
    )


class SignedNotes(APIView):
    authentication_classes = [AsyncSignatureAuthentication]
    permission_classes = [IsAuthenticated]

    async def post(self, request):
        return Response({"user": request.user.username, "scheme": request.auth.scheme})

    get = post


class CavageNotes(SignedNotes):
    authentication_classes = [AsyncCavageAuthentication]


class MessageSignatureNotes(SignedNotes):
    authentication_classes = [AsyncMessageSignatureAuthentication]


class HmacNotes(APIView):
    authentication_classes = [AsyncHMACAuthentication]
    permission_classes = [IsAuthenticated]

    async def post(self, request):
        return Response({"user": request.user.username, "key": request.auth.key})


class FostNotes(APIView):
    authentication_classes = [AsyncFostAuthentication]
    permission_classes = [IsAuthenticated]

    async def post(self, request):
        return Response({"user": request.user.username, "signed": sorted(request.auth)})
