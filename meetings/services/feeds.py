"""Personal calendar addresses: made, replaced and revoked by their owner."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from meetings.models import CalendarFeed, hash_feed_token
from organizations.models import Membership
from organizations.scope import organization_scope


@transaction.atomic
def calendar_feed_create(*, actor: Membership) -> tuple[CalendarFeed, str]:
    """A new calendar address for the member in this organisation. Returns the row and the
    token, which is never stored (only its hash): the address is shown this once. The address
    they had stops working, since one is active at a time."""
    with organization_scope(actor.organization):
        CalendarFeed.objects.select_for_update().filter(
            user_id=actor.user_id, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        token = secrets.token_urlsafe(32)
        feed = CalendarFeed.objects.create(
            organization=actor.organization,
            user_id=actor.user_id,
            token_hash=hash_feed_token(token),
        )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor: Membership) -> CalendarFeed | None:
    """Revoke the member's calendar address: it answers 404 from now on. Returns it, or None
    when they had none."""
    with organization_scope(actor.organization):
        feed = (
            CalendarFeed.objects.select_for_update()
            .filter(user_id=actor.user_id, revoked_at__isnull=True)
            .first()
        )
        if feed is not None:
            feed.revoked_at = timezone.now()
            feed.save(update_fields=["revoked_at"])
    return feed
