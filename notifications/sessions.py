"""Ending a browser session ends its live connections too."""

from __future__ import annotations

from accounts.models import User
from organizations.realtime import sockets_close_everywhere


def close_sockets_on_logout(sender, request, user: User | None, **kwargs) -> None:
    """Receiver of django.contrib.auth's user_logged_out (an event hook, not a model signal):
    the sockets of that browser session close, in each of the user's organisations."""
    if user is not None:
        sockets_close_everywhere(user_id=user.pk, session_key=request.session.session_key)
