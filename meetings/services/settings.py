"""An organisation's meeting settings: the template its generated video links follow.

A template is a web address with placeholders in braces:

    {organization}  the organisation's short name in its web addresses (its slug), e.g. "acme"
    {meeting}       a random key of the meeting, the same for its whole life

It must contain {meeting}, so that every meeting gets a room of its own that nobody can guess,
e.g. "https://meet.jit.si/{organization}-{meeting}". An empty template turns generated links off
(people paste their own).
"""

from __future__ import annotations

import string

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from meetings.models import VIDEO_LINK_MAX_LENGTH, MeetingSettings
from organizations.models import MEMBER_MANAGER_ROLES, Membership
from organizations.scope import organization_scope

PLACEHOLDERS = ("organization", "meeting")
# What a template is checked with: a slug and a key of the longest length they can have.
_SAMPLE = {"organization": "a" * 50, "meeting": "0" * 32}


def _template_problem(template: str) -> str | None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return "Check the braces: placeholders are written {organization} and {meeting}."
    if unknown := names - set(PLACEHOLDERS):
        listed = ", ".join(f"{{{name}}}" for name in sorted(unknown))
        return f"Unknown placeholder {listed}: use {{organization}} and {{meeting}}."
    if "meeting" not in names:
        return "Include {meeting}, so that each meeting gets a room of its own."
    address = template.format(**_SAMPLE)
    if len(address) > VIDEO_LINK_MAX_LENGTH:
        return f"Keep the links under {VIDEO_LINK_MAX_LENGTH} characters."
    try:
        URLValidator(schemes=["http", "https"])(address)
    except ValidationError:
        return "Write a web address starting with https://."
    return None


@transaction.atomic
def meeting_settings_update(*, actor: Membership, video_link_template: str) -> MeetingSettings:
    """Owners and admins set how the organisation's video links are generated (see the module's
    docstring for the placeholders). Links already given to meetings stay as they are."""
    if actor.role not in MEMBER_MANAGER_ROLES:
        raise PermissionDenied("Only owners and admins change the meeting settings.")
    template = (video_link_template or "").strip()
    if template and (problem := _template_problem(template)):
        raise ValidationError({"video_link_template": problem})
    with organization_scope(actor.organization):
        settings, _ = MeetingSettings.objects.update_or_create(
            organization=actor.organization,
            defaults={"video_link_template": template},
        )
    return settings
