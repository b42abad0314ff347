"""The unread count beside "Messages" in the navigation, on every page of an organisation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from messaging.selectors import unread_total


def unread_messages(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    # Lazy: pages that do not show the navigation never run the query.
    return {"nav_unread_messages": SimpleLazyObject(lambda: unread_total(membership))}
