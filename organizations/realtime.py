"""What every websocket of the platform shares: the user's group in an organisation, how a
socket remembers its browser session, and who may connect (members only, MFA policy kept).

Group names carry the organisation, so groups never mix tenants: `org.<id>.user.<id>`.
"""

from __future__ import annotations

import hashlib

from channels.db import database_sync_to_async

from organizations.access import missing_required_mfa
from organizations.models import Membership, Organization
from organizations.scope import organization_scope

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


def user_group_name(organization_id: int, user_id: int) -> str:
    return f"org.{organization_id}.user.{user_id}"


def session_fingerprint(session_key: str | None) -> str | None:
    """What a socket remembers of its session: a hash, so no session key crosses the channel layer."""
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else None


@database_sync_to_async
def socket_membership(user, org_slug: str) -> Membership | None:
    """The connecting user's membership of the organisation in the URL, or None (refuse)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    organization = Organization.objects.filter(slug=org_slug).first()
    if organization is None:
        return None
    with organization_scope(organization):
        membership = (
            Membership.objects.select_related("organization", "user").filter(user=user).first()
        )
    if membership is not None and missing_required_mfa(membership):
        return None
    return membership
