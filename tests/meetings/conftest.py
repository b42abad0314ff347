"""A mentorship between a mentee in London and a mentor in New York, built through the services as
people would, for the meetings tests."""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import icalendar
import pytest

from accounts import services as account_services
from matching import services as matching_services
from meetings import selectors, services
from meetings.models import Meeting
from organizations.models import Membership
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import (
    CohortStatus,
    EnrolmentRole,
    Mentorship,
    ProfileQuestion,
    Program,
    QuestionKind,
)
from programs.selectors import get_mentorship_for
from tests.conftest import World
from tests.matching.conftest import MatchingWorld, enrol_person, random_answers
from tests.matching.test_requests import ask

WEEKDAYS = range(5)
# Weekday mornings in London; early mornings in New York: one shared hour (two while the US
# is on summer time and the UK not yet).
MENTEE_FREE = [[day, 9 * 60, 12 * 60] for day in WEEKDAYS]
MENTOR_FREE = [[day, 6 * 60, 9 * 60] for day in WEEKDAYS]


@dataclass
class Pair:
    world: World
    mentorship: Mentorship
    mentee: Membership
    mentor: Membership

    def meeting_for(self, membership: Membership, meeting: Meeting) -> Meeting:
        return selectors.get_meeting_for(membership, meeting.pk)

    def member(self, user) -> Membership:
        return self.world.membership(self.world.alpha, user)


def build_pair(
    world: World,
    *,
    mentee_zone: str = "Europe/London",
    mentor_zone: str = "America/New_York",
    asks_availability: bool = True,
) -> Pair:
    """Alpha's cohort with one mentor and one mentee (profiles with the given time zones and
    the availability above, unless the program does not ask for it; accounts in the same
    zones), the mentee's request accepted."""
    owner = world.alpha_owner_membership
    with organization_scope(world.alpha):
        Program.objects.filter(pk=world.alpha_program.pk).update(matching_mode="both")
        availability = ProfileQuestion.objects.get(
            program=world.alpha_program, kind=QuestionKind.AVAILABILITY
        )
    world.alpha_program.refresh_from_db()
    if not asks_availability:
        program_services.question_delete(actor_membership=owner, question=availability)
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    mw.cohort = program_services.cohort_transition(
        actor_membership=owner, cohort=mw.cohort, to_status=CohortStatus.ENROLLING, force=True
    )
    rng = random.Random(21)
    for handle, role, zone, free in (
        ("mentor0", EnrolmentRole.MENTOR, mentor_zone, MENTOR_FREE),
        ("mentee0", EnrolmentRole.MENTEE, mentee_zone, MENTEE_FREE),
    ):
        answers = random_answers(rng, role)
        answers |= {"languages": ["English"], "timezone": zone, "availability": free}
        if not asks_availability:
            del answers["availability"]
        capacity = 1 if role == EnrolmentRole.MENTOR else None
        enrol_person(mw, handle, role, answers, capacity=capacity, department=f"{role} team")
        user = mw.members[handle].user
        account_services.user_update_profile(
            user=user, full_name=user.full_name, timezone_name=zone, locale="en"
        )
    mw.cohort = program_services.cohort_transition(
        actor_membership=owner, cohort=mw.cohort, to_status=CohortStatus.MATCHING, force=True
    )
    mentorship = matching_services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=ask(mw, "mentee0", "mentor0").pk
    )
    mentee, mentor = mw.members["mentee0"], mw.members["mentor0"]
    return Pair(world, get_mentorship_for(mentee, mentorship.pk), mentee, mentor)


@pytest.fixture
def pair(world) -> Pair:
    return build_pair(world)


def soon(days: int = 2, hour: int = 11) -> datetime:
    """A UTC time some days ahead, on the hour."""
    moment = datetime.now(UTC) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def propose(pair: Pair, *, by: Membership | None = None, starts=None, minutes: int = 45, **fields):
    """A proposal through the service: by the mentee unless said, one time two days ahead
    unless `starts` lists others."""
    starts = starts or [soon()]
    return services.meeting_propose(
        actor=by or pair.mentee,
        mentorship=pair.mentorship,
        title=fields.pop("title", "First conversation"),
        slots=[services.Slot(s, s + timedelta(minutes=minutes)) for s in starts],
        **fields,
    )


def scheduled(pair: Pair, **fields) -> Meeting:
    """A meeting the mentee proposed and the mentor accepted."""
    meeting = propose(pair, **fields)
    meeting = pair.meeting_for(pair.mentor, meeting)
    services.meeting_accept(actor=pair.mentor, meeting=meeting, slot_id=meeting.slots.all()[0].pk)
    return pair.meeting_for(pair.mentor, meeting)


class Clock:
    """Moves `timezone.now()` (services, selectors, auto_now fields) to a chosen moment."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __enter__(self) -> Clock:
        self._patch = patch("django.utils.timezone.now", side_effect=lambda: self.moment)
        self._patch.start()
        return self

    def __exit__(self, *exc) -> None:
        self._patch.stop()


def parse_ics(content: bytes) -> icalendar.Event:
    """The one event of a calendar file, after checking the file parses as iCalendar."""
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return event


def page_text(response) -> str:
    """What a person reads on the page: the main content's text, without markup."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", main)))
