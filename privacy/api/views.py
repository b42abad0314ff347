from __future__ import annotations

from django.contrib.auth import logout
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.reauthentication import RecentlyReauthenticated
from privacy.api.serializers import (
    AccountErasedSerializer,
    AccountEraseSerializer,
    PersonalDataSerializer,
)
from privacy.erasure import user_erase
from privacy.export import personal_data_export


class PersonalDataView(generics.GenericAPIView):
    """Everything the platform holds about you, in every organisation you belong to: the same
    document as "Download my data" in the account settings."""

    serializer_class = PersonalDataSerializer

    def get(self, request):
        return Response(personal_data_export(request.user))


class AccountEraseView(generics.GenericAPIView):
    """Erase your account for good (see "Erase my account" in the account settings). Send your
    email address to confirm. Only from a browser session that confirmed its password in the
    last few minutes, never with a personal API token; the session is signed out."""

    permission_classes = [IsAuthenticated, RecentlyReauthenticated]
    serializer_class = AccountEraseSerializer

    @extend_schema(
        auth=[{"cookieAuth": []}],
        responses={
            200: AccountErasedSerializer,
            400: OpenApiResponse(
                description="The email does not match, or you are the last owner of an "
                "organisation with other members."
            ),
            403: OpenApiResponse(description="No recent password confirmation."),
        },
    )
    def post(self, request):
        incoming = AccountEraseSerializer(data=request.data, context={"user": request.user})
        incoming.is_valid(raise_exception=True)
        result = user_erase(user=request.user)
        logout(request._request)
        return Response(
            AccountErasedSerializer(
                {
                    "detail": "Your account is erased.",
                    "organizations": result.organizations,
                    "mentorships_ended": result.mentorships_ended,
                }
            ).data
        )
