"""Invitation reminders: someone invited to the organisation who has not joined hears again
3 and 10 days after the invitation email went out, by email only (they have no account yet),
with the same link as the invitation. Accepted, revoked and expired invitations tell nobody;
an invitation found late gets only its latest reminder, never two at once.
"""

from __future__ import annotations

import datetime

from notifications.delivery import Draft
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import LOOKBACK_DAYS, day_label
from organizations.invitation_links import invitation_accept_path
from organizations.models import Invitation, Organization, Role
from organizations.scope import organization_scope

KEY = "invitations"
KIND = "invitation_reminder"
# Reminder -> days after the invitation email.
REMINDERS = {"day3": 3, "day10": 10}


def occurrence(invitation_id: int, reminder: str) -> str:
    return f"invitation:{invitation_id}:{reminder}"


def reminder_due(sent_at: datetime.datetime, now: datetime.datetime) -> str | None:
    """The latest reminder due for an invitation emailed at `sent_at`, within the lookback."""
    due = None
    for reminder, days in REMINDERS.items():
        if sent_at <= now - datetime.timedelta(days=days):
            due = reminder
    if due and sent_at < now - datetime.timedelta(days=REMINDERS[due] + LOOKBACK_DAYS):
        return None  # long past: it was sent, or it is too late to matter
    return due


def _open(organization: Organization, now: datetime.datetime):
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now,
        email_sent_at__isnull=False,
    )  # fmt: skip


def scan(organization: Organization, now: datetime.datetime):
    earliest = now - datetime.timedelta(days=max(REMINDERS.values()) + LOOKBACK_DAYS)
    latest = now - datetime.timedelta(days=min(REMINDERS.values()))
    with organization_scope(organization):
        rows = list(
            _open(organization, now)
            .filter(email_sent_at__gte=earliest, email_sent_at__lte=latest)
            .order_by("pk")
            .values_list("pk", "email_sent_at")
        )
    items: list[Item] = []
    for pk, sent_at in rows:
        reminder = reminder_due(sent_at, now)
        if reminder:
            items.append([pk, reminder])
    yield from in_batches(items)


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    with organization_scope(organization):
        invitations = {
            invitation.pk: invitation
            for invitation in _open(organization, now)
            .filter(pk__in=[item[0] for item in items])
            .select_related("invited_by")
        }
    found = []
    for pk, reminder in items:
        invitation = invitations.get(pk)
        if invitation is None or reminder_due(invitation.email_sent_at, now) != reminder:
            continue
        invitation.organization = organization  # for the link, without a query
        inviter = invitation.invited_by
        who = (inviter.full_name or inviter.email) if inviter else organization.name
        role = Role(invitation.role).label.lower() if invitation.role in Role.values else ""
        as_role = f" as {'an' if role[:1] in 'aeiou' else 'a'} {role}" if role else ""
        found.append(
            Draft(
                kind=KIND, occurrence=occurrence(pk, reminder),
                title=f"A reminder: {who} invited you to {organization.name} on Mentorship",
                email=invitation.email,
                body=(
                    f"{who} invited you to join {organization.name} on Mentorship{as_role}, "
                    f"where mentors and mentees meet, set goals and keep in touch. The "
                    f"invitation is open until {day_label(invitation.expires_at.date())} "
                    f"{invitation.expires_at.year} (UTC). If you did not expect it, you can "
                    f"ignore this email."
                ),
                url=invitation_accept_path(invitation),
                action="Accept the invitation", expires_at=invitation.expires_at,
            )
        )  # fmt: skip
    return found


RULE = register(Rule(KEY, 3600, scan, drafts))
