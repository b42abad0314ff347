"""The reads other pages build on: the next meeting of a mentorship, and for many mentorships at
once the next scheduled meeting and when they last met, each in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404

from matching import services as matching_services
from meetings import selectors, services
from meetings.models import Attendance
from programs.selectors import get_mentorship_for
from tests.matching.test_requests import ask, self_select_cohort
from tests.meetings.conftest import Clock, soon


@pytest.fixture
def three(world):
    """One mentor with three mentees, each in a mentorship of their own."""
    mw = self_select_cohort(world, mentees=3, mentors=1, capacity=3)
    mentorships = [
        matching_services.mentorship_request_accept(
            actor=mw.members["mentor0"], request_id=ask(mw, f"mentee{n}", "mentor0").pk
        )
        for n in range(3)
    ]
    mentor = mw.members["mentor0"]
    return mw, [get_mentorship_for(mentor, m.pk) for m in mentorships]


def meet(mw, mentorship, mentee: str, starts, *, minutes: int = 60):
    """A meeting the mentee proposed and the mentor accepted, at `starts`."""
    meeting = services.meeting_propose(
        actor=mw.members[mentee],
        mentorship=mentorship,
        title="Catch-up",
        slots=[services.Slot(starts, starts + timedelta(minutes=minutes))],
    )
    mentor = mw.members["mentor0"]
    meeting = selectors.get_meeting_for(mentor, meeting.pk)
    return services.meeting_accept(actor=mentor, meeting=meeting, slot_id=meeting.slots.get().pk)


def test_the_next_meeting_of_each_mentorship_in_one_query(three, world, django_assert_num_queries):
    mw, (first, second, third) = three
    mentor = mw.members["mentor0"]
    soonest = meet(mw, first, "mentee0", soon(days=2))
    afterwards = meet(mw, first, "mentee0", soon(days=5))
    services.meeting_propose(
        actor=mw.members["mentee0"],
        mentorship=first,
        title="Not agreed yet",
        slots=[services.Slot(soon(days=1), soon(days=1) + timedelta(hours=1))],
    )
    called_off = meet(mw, second, "mentee1", soon(days=1))
    services.meeting_cancel(actor=mentor, meeting=called_off)
    under_way = meet(mw, third, "mentee2", soon(days=3), minutes=90)
    ids = [first.pk, second.pk, third.pk]
    with Clock(under_way.starts_at + timedelta(minutes=30)):
        with django_assert_num_queries(1):
            found = selectors.next_scheduled_by_mentorship(world.alpha, ids)
        # The first mentorship's next one is then the later one; one under way counts.
        assert {k: v.pk for k, v in found.items()} == {
            first.pk: afterwards.pk,
            third.pk: under_way.pk,
        }
    with django_assert_num_queries(1):
        found = selectors.next_scheduled_by_mentorship(world.alpha, ids)
    assert {k: v.pk for k, v in found.items()} == {first.pk: soonest.pk, third.pk: under_way.pk}
    assert selectors.next_meeting_for(mentor, first).pk == soonest.pk
    assert selectors.next_meeting_for(mentor, second) is None


def test_when_each_mentorship_last_met_in_one_query(three, world, django_assert_num_queries):
    mw, (first, second, third) = three
    mentor = mw.members["mentor0"]
    held = meet(mw, first, "mentee0", soon(days=1))
    later_unrecorded = meet(mw, first, "mentee0", soon(days=2))
    held_second = meet(mw, second, "mentee1", soon(days=1))
    missed = meet(mw, second, "mentee1", soon(days=2))
    meet(mw, third, "mentee2", soon(days=9))
    with Clock(soon(days=3)):
        for meeting, attendance in (
            (held, Attendance.HELD),
            (held_second, Attendance.HELD),
            (missed, Attendance.MENTEE_ABSENT),
        ):
            services.meeting_attendance_record(actor=mentor, meeting=meeting, attendance=attendance)
        with django_assert_num_queries(1):
            found = selectors.last_held_at_by_mentorship(
                world.alpha, [first.pk, second.pk, third.pk]
            )
    # Over with nothing recorded counts as met; a meeting marked missed does not.
    assert found == {first.pk: later_unrecorded.starts_at, second.pk: held_second.starts_at}


def test_a_meeting_is_reached_by_its_pair_and_managers_only(three, world):
    mw, (first, *_) = three
    meeting = meet(mw, first, "mentee0", soon())
    for member in (
        mw.members["mentor0"],
        mw.members["mentee0"],
        world.membership(world.alpha, world.alpha_manager),
        world.alpha_owner_membership,
    ):
        assert selectors.get_meeting_for(member, meeting.pk).pk == meeting.pk
    # The mentor's other mentee, and someone of another organisation, get the same 404 as for
    # a meeting that does not exist.
    for member, meeting_id in (
        (mw.members["mentee1"], meeting.pk),
        (world.membership(world.bravo, world.bravo_owner), meeting.pk),
        (mw.members["mentee0"], 987654),
        (mw.members["mentee0"], "x"),
    ):
        with pytest.raises(Http404):
            selectors.get_meeting_for(member, meeting_id)
