"""Who is connected to chat right now. Each open chat socket is a row; the socket refreshes it
as the browser pings (every 30 seconds), so the rows of a server that died without closing its
sockets go stale and stop counting after CONNECTION_STALE_AFTER."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from messaging.models import ChatConnection
from organizations.models import Organization
from organizations.scope import organization_scope

CONNECTION_STALE_AFTER = timedelta(minutes=2)
# A ping refreshes the row at most this often.
TOUCH_EVERY = timedelta(seconds=50)


def connection_open(*, organization: Organization, user_id: int, channel_name: str) -> None:
    """One insert: every socket has a channel name of its own."""
    with organization_scope(organization):
        ChatConnection.objects.create(
            organization=organization,
            user_id=user_id,
            channel_name=channel_name,
            seen_at=timezone.now(),
        )


def connection_touch(*, organization: Organization, user_id: int, channel_name: str) -> None:
    """A heartbeat. The row comes back if a scan removed it while the socket was quiet (a
    laptop asleep, a frozen background tab)."""
    with organization_scope(organization):
        if not ChatConnection.objects.filter(channel_name=channel_name).update(
            seen_at=timezone.now()
        ):
            connection_open(organization=organization, user_id=user_id, channel_name=channel_name)


def connection_close(*, organization: Organization, channel_name: str) -> None:
    with organization_scope(organization):
        ChatConnection.objects.filter(channel_name=channel_name).delete()


def connected_user_ids(organization: Organization, user_ids: Iterable[int]) -> set[int]:
    """Which of these people have a live chat socket in the organisation (one query)."""
    with organization_scope(organization):
        return set(
            ChatConnection.objects.filter(
                user_id__in=list(user_ids),
                seen_at__gte=timezone.now() - CONNECTION_STALE_AFTER,
            ).values_list("user_id", flat=True)
        )
