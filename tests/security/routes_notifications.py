"""The notifications routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

from tests.conftest import CANARY, World
from tests.security.routes import GlobalRoute, TenantRoute


def _notification(world: World) -> dict:
    """A notification in the app for Alpha's owner (the walk's positive control) whose title
    carries Alpha's marker; notify() inserts it once however often the walk asks."""
    from notifications.delivery import Draft, dedupe_key, notify
    from notifications.models import Notification

    draft = Draft(
        kind="manual_nudge",
        occurrence="walk",
        title=f"A note about {CANARY}",
        url="/home/",
        user_id=world.alpha_owner.pk,
    )
    notify(world.alpha, [draft])
    found = Notification.all_organizations.get(dedupe_key=dedupe_key(world.alpha.pk, draft))
    return {"notification_id": found.pk}


def _with_notification(world: World) -> dict:
    _notification(world)
    return {}


NOTIFICATIONS_ROUTES: dict[str, TenantRoute] = {
    "notifications:centre": TenantRoute(_with_notification, is_list=True),
    "notifications:read_all": TenantRoute(_with_notification),
    "notifications:read": TenantRoute(_notification),
    "api_notifications": TenantRoute(_with_notification, is_list=True),
    "api_notifications_read": TenantRoute(_with_notification),
    "api_notifications_unread_count": TenantRoute(_with_notification),
}
NOTIFICATIONS_GLOBAL_ROUTES: dict[str, GlobalRoute] = {
    "notifications:preferences": GlobalRoute(
        "the signed-in user's own notification preferences, across organisations"
    ),
    "notifications:unsubscribe": GlobalRoute(
        "a signed token names the user and the kind; it changes only that user's own preferences"
    ),
    "api_notification_preferences": GlobalRoute(
        "the signed-in user's own notification preferences, across organisations"
    ),
    "api_email_bounces": GlobalRoute(
        "the mail provider's bounce webhook, authenticated by a shared secret; it only marks "
        "addresses as bouncing and returns a count, no tenant data"
    ),
}
