from __future__ import annotations

from rest_framework import generics
from rest_framework.response import Response

from accounts import services
from accounts.api.serializers import MeSerializer


class MeView(generics.GenericAPIView):
    """The signed-in person: name, timezone and language."""

    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)

    def patch(self, request):
        user = request.user
        incoming = MeSerializer(user, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.user_update_profile(
            user=user,
            full_name=data.get("full_name", user.full_name),
            timezone_name=data.get("timezone", user.timezone),
            locale=data.get("locale", user.locale),
        )
        return Response(MeSerializer(user).data)
