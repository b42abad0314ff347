"""Ending a browser session ends its live connections too."""

from __future__ import annotations

from accounts.models import User
from organizations.models import Membership
from organizations.realtime import sockets_close


def sockets_close_for_session(*, user: User, session_key: str | None) -> None:
    """Close the user's open sockets of one browser session (or of every session when None),
    in each of their organisations, once the transaction commits."""
    for organization_id in Membership.all_organizations.filter(user=user).values_list(
        "organization_id", flat=True
    ):
        sockets_close(organization_id=organization_id, user_id=user.pk, session_key=session_key)


def close_sockets_on_logout(sender, request, user: User | None, **kwargs) -> None:
    """Receiver of django.contrib.auth's user_logged_out (an event hook, not a model signal)."""
    if user is not None:
        sockets_close_for_session(user=user, session_key=request.session.session_key)
