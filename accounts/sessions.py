"""Ending browser sessions ends their live connections too.

Receivers of django.contrib.auth's and allauth's account events (event hooks, not model
signals), connected in AccountsConfig.ready: logging out any way (allauth, admin, API) closes
that browser's sockets; a password change or reset closes all of them: every other browser's
session stopped authenticating with the old password's hash, and this browser's session got a
new key (the pages it opens next connect again with it).
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User
from organizations.realtime import sockets_close_everywhere


def close_sockets_on_logout(sender, request: HttpRequest, user: User | None, **kwargs) -> None:
    if user is not None:
        sockets_close_everywhere(user_id=user.pk, session_key=request.session.session_key)


def close_sockets_on_password_change(sender, request: HttpRequest, user: User, **kwargs) -> None:
    sockets_close_everywhere(user_id=user.pk)
