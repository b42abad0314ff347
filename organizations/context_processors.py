from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from organizations.selectors import memberships_of_user


def organization_navigation(request: HttpRequest) -> dict:
    """The organisation switcher: the current organisation (from the URL) and the user's others."""
    return {
        "current_membership": getattr(request, "membership", None),
        "nav_memberships": SimpleLazyObject(lambda: list(memberships_of_user(request.user)))
        if hasattr(request, "user")
        else [],
    }
