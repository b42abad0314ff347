"""The unread count on the bell in the navigation, on every page of an organisation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.models import Notification
from organizations.scope import organization_scope


def unread_notifications(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}

    def count() -> int:
        # One COUNT on the partial index notification_centre (user, organization; in_app).
        with organization_scope(membership.organization):
            return Notification.objects.filter(
                user_id=membership.user_id, in_app=True, read_at__isnull=True
            ).count()

    # Lazy: pages that do not show the navigation never run the query.
    return {"nav_unread_notifications": SimpleLazyObject(count)}
