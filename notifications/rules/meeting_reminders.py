"""Meeting reminders: a day before and an hour before each scheduled meeting, to everyone in
its mentorship, in their own time zone.

The occurrence carries the start time, so a meeting moved to another time is reminded of again;
a reminder is skipped when the meeting was booked inside its lead (booked 30 minutes before it
starts: nobody needs an hour's notice of it). Each email expires when the meeting starts.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from meetings.models import Meeting, MeetingStatus
from notifications.delivery import Draft
from notifications.program_settings import nudge_settings_for
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import links, pairs_of, plural, when_label
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import MentorshipStatus

KEY = "meeting_reminders"
KIND = "meeting_reminder"
LEADS = {"24h": datetime.timedelta(hours=24), "1h": datetime.timedelta(hours=1)}
# Each lead is looked for in the hour before it: (23h, 24h] and (0, 1h].
WINDOW = datetime.timedelta(hours=1)


def stamp(starts_at: datetime.datetime) -> str:
    return starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%MZ")


def occurrence(meeting_id: int, starts_at: datetime.datetime, lead: str) -> str:
    return f"meeting:{meeting_id}:{stamp(starts_at)}:{lead}"


def _booked_in_time(starts_at, scheduled_at, lead: str) -> bool:
    """Whether the meeting was scheduled at least the lead before it starts."""
    return scheduled_at is None or starts_at - scheduled_at >= LEADS[lead]


def _in_window(now, starts_at, lead: str) -> bool:
    left = starts_at - now
    return LEADS[lead] - WINDOW < left <= LEADS[lead]


def scan(organization: Organization, now: datetime.datetime):
    windows = Q()
    for lead in LEADS.values():
        windows |= Q(starts_at__gt=now + lead - WINDOW, starts_at__lte=now + lead)
    with organization_scope(organization):
        rows = list(
            Meeting.objects.filter(windows, status=MeetingStatus.SCHEDULED)
            .filter(mentorship__status=MentorshipStatus.ACTIVE)
            .order_by("starts_at", "pk")
            .values_list("pk", "starts_at", "status_changed_at", "mentorship__cohort__program_id")
        )
    settings = nudge_settings_for(organization, {row[3] for row in rows})
    items: list[Item] = [
        [pk, stamp(starts_at), lead]
        for pk, starts_at, scheduled_at, program_id in rows
        if settings[program_id].runs(KIND)
        for lead in LEADS
        if _in_window(now, starts_at, lead) and _booked_in_time(starts_at, scheduled_at, lead)
    ]
    yield from in_batches(items)


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    with organization_scope(organization):
        meetings = {
            meeting.pk: meeting
            for meeting in Meeting.objects.filter(
                pk__in={item[0] for item in items}, status=MeetingStatus.SCHEDULED
            ).only(
                "pk",
                "mentorship_id",
                "title",
                "starts_at",
                "ends_at",
                "video_link",
                "status_changed_at",
            )
        }
    pairs = pairs_of(organization, {m.mentorship_id for m in meetings.values()})
    settings = nudge_settings_for(organization, {p.program_id for p in pairs.values()})
    meeting_url = links("meetings:detail", organization, "meeting_id")
    found = []
    for meeting_id, starts, lead in items:
        meeting = meetings.get(meeting_id)
        # Still scheduled at that time, not started, and booked before the lead.
        if (
            meeting is None
            or stamp(meeting.starts_at) != starts
            or meeting.starts_at <= now
            or not _booked_in_time(meeting.starts_at, meeting.status_changed_at, lead)
        ):
            continue
        pair = pairs.get(meeting.mentorship_id)
        if pair is None or not settings[pair.program_id].runs(KIND):
            continue
        minutes = round((meeting.ends_at - meeting.starts_at).total_seconds() / 60)
        length = plural(minutes, "minute") if minutes < 120 else plural(minutes // 60, "hour")
        url = meeting_url(meeting.pk)
        for person in pair.reachable:
            when = when_label(meeting.starts_at, person.zone, now)
            partners = pair.partners_of(person.user_id) or "your mentorship"
            if lead == "24h":
                title = f"Reminder: {meeting.title} is {when}"
                body = (
                    f"You meet {partners} {when}, for {length}. If the time no longer works "
                    f"for you, propose another one on the meeting page so {partners} knows."
                )
            else:
                title = f"Starting soon: {meeting.title}, {when}"
                body = f"You meet {partners} {when}, for {length}."
            if meeting.video_link:
                body += f"\n\nJoin the call: {meeting.video_link}"
            found.append(
                Draft(
                    kind=KIND, occurrence=occurrence(meeting.pk, meeting.starts_at, lead),
                    title=title, user_id=person.user_id, body=body, url=url,
                    action="Open the meeting", mentorship_id=pair.id,
                    program_id=pair.program_id, expires_at=meeting.starts_at,
                )
            )  # fmt: skip
    return found


RULE = register(Rule(KEY, 300, scan, drafts))
