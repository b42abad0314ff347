"""Recent re-authentication for API operations that cannot be undone (erasing an account,
exporting a whole organisation).

The rule is allauth's, as the web pages apply it: the person confirmed their password (or MFA)
in this browser session within ACCOUNT_REAUTHENTICATION_TIMEOUT. A personal API token never
qualifies: whoever holds a leaked token must not be able to do these.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.http import HttpRequest
from rest_framework import permissions

from accounts.authentication import BearerTokenAuthentication


@reauthentication_required
def _passes(request: HttpRequest) -> None:
    """allauth's own check: raises ReauthenticationRequired unless recently confirmed."""


def recently_reauthenticated(request: HttpRequest) -> bool:
    try:
        _passes(request)
    except ReauthenticationRequired:
        return False
    return True


class RecentlyReauthenticated(permissions.BasePermission):
    message = (
        "Confirm your password first: in this browser session, open /accounts/reauthenticate/ "
        "and send this request again within five minutes. A personal API token cannot do this."
    )

    def has_permission(self, request, view) -> bool:
        if isinstance(request.successful_authenticator, BearerTokenAuthentication):
            return False
        return recently_reauthenticated(request._request)
