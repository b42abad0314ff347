"""Notifications API: a member's notifications in an organisation (list, mark read, the unread
count), the person's own preferences (every organisation), and the mail provider's bounce
webhook.

The organisation's routes answer 404 to non-members; a member reads and marks only their own
notifications (another's id is ignored, as a missing one is).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from notifications import preferences as prefs
from notifications.api.serializers import (
    MarkedSerializer,
    NotificationListQuerySerializer,
    NotificationPreferencesSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
)
from notifications.kinds import CHANNELS, KINDS
from notifications.timing import zone_of
from notifications.views import in_app_notifications
from organizations.api.base import OrganizationScopedMixin

# The organisation's routes ----------------------------------------------------------------------


class NotificationListView(OrganizationScopedMixin, generics.ListAPIView):
    """Your notifications in the app in this organisation, newest first. `unread=true` keeps
    the unread ones."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        rows = in_app_notifications(self.request.user)
        query = NotificationListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["unread"]:
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(parameters=[NotificationListQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(OrganizationScopedMixin, generics.GenericAPIView):
    """Mark notifications read: `{"ids": [...]}` or `{"all": true}`. Answers how many were
    unread and are now read (ids that are not yours count as none)."""

    serializer_class = NotificationReadSerializer

    @extend_schema(request=NotificationReadSerializer, responses=MarkedSerializer)
    def post(self, request, org_slug: str):
        incoming = NotificationReadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rows = in_app_notifications(request.user).filter(read_at__isnull=True)
        if not incoming.validated_data["all"]:
            rows = rows.filter(pk__in=incoming.validated_data["ids"])
        marked = rows.update(read_at=timezone.now())
        return Response({"marked": marked})


class NotificationUnreadCountView(OrganizationScopedMixin, generics.GenericAPIView):
    """How many of your notifications in this organisation are unread (the bell's number)."""

    serializer_class = UnreadCountSerializer

    def get(self, request, org_slug: str):
        unread = in_app_notifications(request.user).filter(read_at__isnull=True).count()
        return Response({"unread": unread})


# The person's own preferences -------------------------------------------------------------------


def _preferences_data(user: User) -> dict:
    row = prefs.preferences_of(user)
    choices = prefs.choices_of([user.pk])[user.pk]
    _, known = zone_of(user.timezone)
    return {
        "channels": {
            key: {channel: choices.wants(key, channel) for channel in CHANNELS}
            for key, kind in KINDS.items()
            if kind.in_preferences
        },
        "quiet_start": row.quiet_start,
        "quiet_end": row.quiet_end,
        "digest": row.digest,
        "digest_hour": row.digest_hour,
        "timezone": user.timezone,
        "timezone_known": known,
        "email_bounced_at": row.email_bounced_at,
        "email_bounce_reason": row.email_bounce_reason,
    }


def _merged_channels(current: dict, sent):
    """The kinds sent, each over its current choices; the kinds left out keep theirs. Anything
    that is not {kind: {channel: ...}} goes to clean_channels as sent, to be refused there."""
    if not isinstance(sent, dict) or not all(isinstance(v, dict) for v in sent.values()):
        return sent
    return {
        **current,
        **{kind: {**current.get(kind, {}), **chosen} for kind, chosen in sent.items()},
    }


class NotificationPreferencesView(generics.GenericAPIView):
    """Your notification settings (every organisation you are in): which kinds reach you by
    email and in the app, quiet hours, the daily digest. PUT changes the fields it sends; the
    rest stay as they are. Unknown kinds or channels, or half of the quiet hours, are a 400."""

    serializer_class = NotificationPreferencesSerializer

    def get(self, request):
        return Response(NotificationPreferencesSerializer(_preferences_data(request.user)).data)

    def put(self, request):
        incoming = NotificationPreferencesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = request.user
        row = prefs.preferences_of(user)
        prefs.preferences_update(
            user=user,
            channels=_merged_channels(row.channels or {}, data["channels"])
            if "channels" in data
            else None,
            quiet_start=data.get("quiet_start", row.quiet_start),
            quiet_end=data.get("quiet_end", row.quiet_end),
            digest=data.get("digest"),
            digest_hour=data.get("digest_hour"),
            confirm_email=data["confirm_email"],
        )
        return Response(NotificationPreferencesSerializer(_preferences_data(user)).data)


# The mail provider's bounce webhook -------------------------------------------------------------


class EmailBounceSerializer(serializers.Serializer):
    email = serializers.EmailField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BouncedAccountsSerializer(serializers.Serializer):
    accounts = serializers.IntegerField(help_text="How many accounts use the address.")


class EmailBounceView(APIView):
    """The mail provider reports an address that bounced: no email goes to it until its owner
    confirms it on their preferences page. Authenticated by the shared secret in the
    X-Webhook-Token header (settings.EMAIL_WEBHOOK_TOKEN); 404 while none is configured."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = EmailBounceSerializer

    def _token_matches(self, request) -> bool:
        expected = settings.EMAIL_WEBHOOK_TOKEN
        sent = request.headers.get("X-Webhook-Token", "")
        return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())

    def get_throttles(self):
        # The provider, once authenticated, may report bursts of bounces; guesses at the
        # secret stay throttled as any anonymous request.
        return [] if self._token_matches(self.request) else super().get_throttles()

    @extend_schema(
        auth=[],
        parameters=[
            OpenApiParameter(
                "X-Webhook-Token",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="The shared secret (EMAIL_WEBHOOK_TOKEN).",
            )
        ],
        request=EmailBounceSerializer,
        responses={
            200: BouncedAccountsSerializer,
            403: OpenApiResponse(description="Wrong or missing X-Webhook-Token."),
            404: OpenApiResponse(description="The webhook is off (no token configured)."),
        },
    )
    def post(self, request):
        if not settings.EMAIL_WEBHOOK_TOKEN:
            raise Http404
        if not self._token_matches(request):
            raise exceptions.PermissionDenied("Wrong or missing X-Webhook-Token.")
        incoming = EmailBounceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        return Response({"accounts": prefs.email_bounced(data["email"], data["reason"])})
