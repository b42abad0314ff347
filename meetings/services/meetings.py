"""A meeting's life: proposed with times to choose from, accepted, declined, rescheduled,
cancelled.

Every change once the meeting has had a time agreed raises its `sequence` (its UID never
changes), so the calendars that hold it take the new version in place of the old.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from meetings.models import (
    AGENDA_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VIDEO_LINK_MAX_LENGTH,
    Meeting,
    MeetingSlot,
    MeetingStatus,
)
from meetings.rules import (
    CLOSED_MENTORSHIP,
    accept_problem,
    cancel_problem,
    decline_problem,
    reschedule_problem,
)
from meetings.selectors import video_link_template_for
from meetings.services.common import locked, mentorship_is_open, require_in_pair
from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.models import Mentorship

MAX_SLOTS = 5
MAX_DURATION = timedelta(hours=8)
FURTHEST_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class Slot:
    """A time to propose: aware datetimes (any zone; stored in UTC)."""

    starts_at: datetime
    ends_at: datetime


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mentorship"


def new_uid() -> str:
    """A calendar UID: random, so no two events anywhere share it, and the meeting's for life."""
    return f"{uuid.uuid4().hex}@{_uid_domain()}"


def generated_video_link(template: str, organization: Organization, meeting: Meeting) -> str:
    """The template with its placeholders filled (see meetings.services.settings)."""
    return template.format(organization=organization.slug, meeting=meeting.room_key)


def _clean_slots(slots: Sequence[Slot], now: datetime) -> tuple[list[Slot], list[str]]:
    """The slots in order, and what is wrong with them, in words naming each by its number."""
    problems: list[str] = []
    if not slots:
        return [], ["Propose at least one time."]
    if len(slots) > MAX_SLOTS:
        return [], [f"Propose at most {MAX_SLOTS} times ({len(slots)} now)."]
    seen: dict[datetime, int] = {}
    for number, slot in enumerate(slots, 1):
        name = f"Time {number}" if len(slots) > 1 else "The time"
        if timezone.is_naive(slot.starts_at) or timezone.is_naive(slot.ends_at):
            problems.append(f"{name} needs its time zone.")
        elif slot.ends_at <= slot.starts_at:
            problems.append(f"{name} ends before it starts.")
        elif slot.starts_at <= now:
            problems.append(f"{name} is in the past.")
        elif slot.ends_at - slot.starts_at > MAX_DURATION:
            hours = int(MAX_DURATION.total_seconds() // 3600)
            problems.append(f"{name} lasts longer than {hours} hours.")
        elif slot.starts_at > now + FURTHEST_AHEAD:
            problems.append(f"{name} is more than a year ahead.")
        elif slot.starts_at in seen:
            problems.append(f"{name} is the same as time {seen[slot.starts_at]}.")
        else:
            seen[slot.starts_at] = number
    return sorted(slots, key=lambda s: s.starts_at), problems


def _clean_video_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    if len(link) > VIDEO_LINK_MAX_LENGTH:
        raise ValidationError(f"Keep the link under {VIDEO_LINK_MAX_LENGTH} characters.")
    validate = URLValidator(
        schemes=["http", "https"], message="Paste a web address starting with https://."
    )
    validate(link)
    return link


@dataclass(frozen=True)
class _Proposal:
    """A proposal as it will be stored; `template` is set when the link is to be generated."""

    title: str
    agenda: str
    video_link: str
    template: str
    slots: list[Slot]


def _clean_proposal(
    organization: Organization,
    *,
    title: str,
    agenda: str,
    slots: Sequence[Slot],
    video_link: str,
    generate_video_link: bool,
) -> _Proposal:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Give the meeting a title, e.g. “First conversation”."]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [f"Keep the title under {TITLE_MAX_LENGTH} characters."]
    agenda = (agenda or "").strip()
    if len(agenda) > AGENDA_MAX_LENGTH:
        errors["agenda"] = [
            f"Keep the agenda under {AGENDA_MAX_LENGTH} characters ({len(agenda)} now)."
        ]
    slots, problems = _clean_slots(slots, timezone.now())
    if problems:
        errors["slots"] = problems
    template = ""
    try:
        video_link = _clean_video_link(video_link)
    except ValidationError as error:
        errors["video_link"] = error.messages
    if generate_video_link:
        template = video_link_template_for(organization)
        if video_link:
            errors["video_link"] = ["Paste a link or generate one, not both."]
        elif not template:
            errors["video_link"] = [
                "Your organisation does not generate video links; paste one instead."
            ]
    if errors:
        raise ValidationError(errors)
    return _Proposal(title, agenda, video_link, template, slots)


def _replace_slots(meeting: Meeting, slots: Sequence[Slot]) -> None:
    MeetingSlot.objects.filter(meeting=meeting).delete()
    MeetingSlot.objects.bulk_create(
        MeetingSlot(
            organization=meeting.organization,
            meeting=meeting,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
        for slot in slots
    )


def _set_status(meeting: Meeting, actor: Membership, status: str) -> list[str]:
    """Move the meeting to `status`; a revision for the calendars once it has had a time."""
    if meeting.starts_at is not None:
        meeting.sequence += 1
    meeting.status = status
    meeting.status_changed_by_id = actor.user_id
    meeting.status_changed_at = timezone.now()
    return ["status", "sequence", "status_changed_by", "status_changed_at", "updated_at"]


@transaction.atomic
def meeting_propose(
    *,
    actor: Membership,
    mentorship: Mentorship,
    title: str,
    slots: Sequence[Slot],
    agenda: str = "",
    video_link: str = "",
    generate_video_link: bool = False,
) -> Meeting:
    """Someone in the mentorship proposes a meeting with one to five times to choose from; the
    other side accepts one. Each time is ahead, ends after it starts, lasts at most eight hours
    and is at most a year away. The video link is pasted (http or https) or generated from the
    organisation's template. An ended mentorship takes no new meetings. All or nothing: one
    problem stores nothing, and the error names every problem."""
    require_in_pair(actor, mentorship)
    if not mentorship_is_open(actor, mentorship):
        raise ValidationError(CLOSED_MENTORSHIP)
    organization = actor.organization
    proposal = _clean_proposal(
        organization, title=title, agenda=agenda, slots=slots, video_link=video_link,
        generate_video_link=generate_video_link,
    )  # fmt: skip
    with organization_scope(organization):
        meeting = Meeting(
            organization=organization,
            mentorship=mentorship,
            proposed_by_id=actor.user_id,
            title=proposal.title,
            agenda=proposal.agenda,
            video_link=proposal.video_link,
            uid=new_uid(),
            status_changed_by_id=actor.user_id,
        )
        if proposal.template:
            meeting.video_link = generated_video_link(proposal.template, organization, meeting)
        meeting.save()
        _replace_slots(meeting, proposal.slots)
    return meeting


def _require(problem: str | None) -> None:
    if problem is not None:
        raise ValidationError(problem)


@transaction.atomic
def meeting_accept(*, actor: Membership, meeting: Meeting, slot_id: int) -> Meeting:
    """Someone on the other side of the proposer accepts one of the proposed times: the meeting
    is scheduled then. A time that has passed cannot be accepted; a meeting of an ended
    mentorship neither."""
    require_in_pair(actor, meeting.mentorship)
    with organization_scope(actor.organization):
        meeting = locked(meeting)
        _require(accept_problem(meeting, actor.user_id))
        if not mentorship_is_open(actor, meeting.mentorship):
            raise ValidationError(CLOSED_MENTORSHIP)
        slot = (
            MeetingSlot.objects.filter(meeting=meeting, pk=slot_id).first()
            if str(slot_id).isdigit()
            else None
        )
        if slot is None:
            raise ValidationError({"slot": "Choose one of the proposed times."})
        if slot.starts_at <= timezone.now():
            raise ValidationError({"slot": "This time has passed: propose new times instead."})
        fields = _set_status(meeting, actor, MeetingStatus.SCHEDULED)
        meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
        meeting.save(update_fields=[*fields, "starts_at", "ends_at"])
    return meeting


@transaction.atomic
def meeting_decline(*, actor: Membership, meeting: Meeting) -> Meeting:
    """The other side says none of the proposed times works: the meeting will not take place.
    Declining new times for a meeting that had one cancels it in the calendars too."""
    require_in_pair(actor, meeting.mentorship)
    with organization_scope(actor.organization):
        meeting = locked(meeting)
        _require(decline_problem(meeting, actor.user_id))
        meeting.save(update_fields=_set_status(meeting, actor, MeetingStatus.DECLINED))
    return meeting


@transaction.atomic
def meeting_reschedule(*, actor: Membership, meeting: Meeting, slots: Sequence[Slot]) -> Meeting:
    """Anyone in the pair proposes new times for a meeting that has not started (or answers a
    proposal with times of their own): the meeting is proposed again, by them, and the other
    side accepts one of the new times. Until then it keeps the time last agreed, shown as
    tentative to the calendars. The same rules as a proposal hold for the times."""
    require_in_pair(actor, meeting.mentorship)
    slots, problems = _clean_slots(slots, timezone.now())
    if problems:
        raise ValidationError({"slots": problems})
    with organization_scope(actor.organization):
        meeting = locked(meeting)
        _require(reschedule_problem(meeting, actor.user_id))
        if not mentorship_is_open(actor, meeting.mentorship):
            raise ValidationError(CLOSED_MENTORSHIP)
        fields = _set_status(meeting, actor, MeetingStatus.PROPOSED)
        meeting.proposed_by_id = actor.user_id
        meeting.save(update_fields=[*fields, "proposed_by"])
        _replace_slots(meeting, slots)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Membership, meeting: Meeting) -> Meeting:
    """Anyone in the pair calls off a meeting that has not started: a proposal (the proposer
    withdrawing it, or the other side) or a scheduled meeting. Afterwards attendance says how a
    meeting went instead."""
    require_in_pair(actor, meeting.mentorship)
    with organization_scope(actor.organization):
        meeting = locked(meeting)
        _require(cancel_problem(meeting, actor.user_id))
        meeting.save(update_fields=_set_status(meeting, actor, MeetingStatus.CANCELLED))
    return meeting
