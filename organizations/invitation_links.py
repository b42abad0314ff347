"""The signed link in an invitation email.

The link carries the invitation's id and a random key, signed with the secret key and a salt that
includes the organisation: so the database stores no token, a task can rebuild the link from the
invitation's id, and a link never resolves under another organisation.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from organizations.models import Invitation

INVITATION_SALT = "organizations.invitation"


def _salt(organization_id: int) -> str:
    return f"{INVITATION_SALT}.{organization_id}"


def invitation_token(invitation: Invitation) -> str:
    payload = {"id": invitation.pk, "key": invitation.key}
    return signing.dumps(payload, salt=_salt(invitation.organization_id), compress=True)


def read_invitation_token(*, organization_id: int, token: str) -> tuple[int, str] | None:
    """(invitation id, key) from a token of this organisation; None when it is not one."""
    try:
        payload = signing.loads(token, salt=_salt(organization_id))
        return int(payload["id"]), str(payload["key"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def invitation_accept_path(invitation: Invitation) -> str:
    return reverse(
        "organizations:invitation_accept",
        kwargs={"org_slug": invitation.organization.slug, "token": invitation_token(invitation)},
    )
