"""A meeting as one reader sees it, for the pages and the API alike: its times in the reader's
zone and everyone else's, each proposed time checked against the others' usual free time, and
what the reader can do. Outside the pair it carries `in_pair=False`: the title, agenda, link,
notes and outcome are then not shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from meetings import selectors
from meetings.availability import WeeklyAvailability, is_free
from meetings.models import CLOSED_MEETING_STATES, Meeting, MeetingSlot, MeetingStatus
from meetings.rules import meeting_actions
from meetings.times import Person, Times, times_for
from organizations.models import Membership
from programs.models import Mentorship


def reader_zone(membership: Membership) -> str:
    """The reader's time zone: every time is typed and shown in it."""
    return membership.user.timezone or "UTC"


@dataclass
class SlotView:
    slot: MeetingSlot
    times: Times
    # The others whose usual free time (from their profile) this slot falls outside of.
    outside_availability_of: list[str]


@dataclass
class MeetingView:
    """A meeting as one reader sees it. Outside the pair, `in_pair` is False and the template
    shows no title, agenda, link, notes or outcome."""

    meeting: Meeting
    in_pair: bool
    proposer: Person | None
    when: Times | None
    slots: list[SlotView]
    actions: list[str] = field(default_factory=list)

    @property
    def awaiting_reader(self) -> bool:
        return "accept" in self.actions

    @property
    def is_over(self) -> bool:
        meeting = self.meeting
        return meeting.status == MeetingStatus.SCHEDULED and meeting.ends_at <= timezone.now()

    @property
    def is_closed(self) -> bool:
        return self.meeting.status in CLOSED_MEETING_STATES


def present(
    meeting: Meeting,
    *,
    membership: Membership,
    people: Sequence[Person],
    availability: dict[int, WeeklyAvailability],
    now: datetime,
) -> MeetingView:
    """The meeting for this reader: times in their zone and the others', each proposed time
    checked against the others' usual availability, and the reader's possible actions."""
    user_id = membership.user_id
    zone = reader_zone(membership)
    others = [p for p in people if p.user_id != user_id]
    in_pair = any(p.user_id == user_id for p in people)

    def times(starts_at: datetime, ends_at: datetime) -> Times:
        return times_for(starts_at, ends_at, reader_zone=zone, others=others, now=now)

    slots = []
    if meeting.status == MeetingStatus.PROPOSED:
        for slot in meeting.slots.all():
            outside = [
                p.first_name
                for p in others
                if p.user_id in availability
                and not is_free(availability[p.user_id], slot.starts_at, slot.ends_at)
            ]
            slots.append(SlotView(slot, times(slot.starts_at, slot.ends_at), outside))
    return MeetingView(
        meeting=meeting,
        in_pair=in_pair,
        proposer=next((p for p in people if p.user_id == meeting.proposed_by_id), None),
        when=times(meeting.starts_at, meeting.ends_at) if meeting.starts_at else None,
        slots=slots,
        actions=meeting_actions(meeting, user_id) if in_pair else [],
    )


def present_all(
    meetings: Sequence[Meeting], *, membership: Membership, mentorship: Mentorship, now: datetime
) -> list[MeetingView]:
    """Every meeting of one mentorship for this reader, reading its people's availability once."""
    people = selectors.people_of(mentorship)
    availability = selectors.availability_of(membership.organization, mentorship)
    return [
        present(m, membership=membership, people=people, availability=availability, now=now)
        for m in meetings
    ]
