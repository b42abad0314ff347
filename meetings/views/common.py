"""Addresses the meeting pages share."""

from __future__ import annotations

from django.urls import reverse

from meetings.models import Meeting
from organizations.models import Membership


def meeting_path(organization_slug: str, meeting_id: int) -> str:
    return reverse(
        "meetings:detail", kwargs={"org_slug": organization_slug, "meeting_id": meeting_id}
    )


def meeting_url(membership: Membership, meeting: Meeting) -> str:
    return meeting_path(membership.organization.slug, meeting.pk)


def feed_path(organization_slug: str, token: str) -> str:
    return reverse("meetings:feed", kwargs={"org_slug": organization_slug, "token": token})
