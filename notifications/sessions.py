"""Ending a browser session ends its live connections too."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from accounts.models import User
from organizations.models import Membership
from organizations.realtime import session_fingerprint, user_group_name


def sockets_close_for_session(*, user: User, session_key: str | None) -> None:
    """Close the user's open sockets of one browser session, or of every session when None.

    Sent after commit to the user's group in each of their organisations.
    """
    organization_ids = list(
        Membership.all_organizations.filter(user=user).values_list("organization_id", flat=True)
    )
    message = {"type": "session.ended", "session": session_fingerprint(session_key)}

    def broadcast() -> None:
        layer = get_channel_layer()
        for organization_id in organization_ids:
            async_to_sync(layer.group_send)(user_group_name(organization_id, user.pk), message)

    transaction.on_commit(broadcast)


def close_sockets_on_logout(sender, request, user: User | None, **kwargs) -> None:
    """Receiver of django.contrib.auth's user_logged_out (an event hook, not a model signal)."""
    if user is not None:
        sockets_close_for_session(user=user, session_key=request.session.session_key)
