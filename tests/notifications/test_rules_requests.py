"""Requests about to expire: the mentor who has not answered hears of it once, within the
program's number of hours before it expires, with the time on their own clock."""

from __future__ import annotations

import datetime

import pytest

from matching.models import MentorshipRequest, MentorshipRequestStatus
from notifications.rules import RULES
from organizations.scope import organization_scope
from programs.models import EnrolmentRole
from tests.notifications import test_rules_helpers as h

KEY, KIND = "requests", "request_expiring"


def request_to(world, mentor, expires_in: datetime.timedelta) -> MentorshipRequest:
    mentee = h.person(world.alpha, "Asker", "Europe/Paris")
    with organization_scope(world.alpha):
        return MentorshipRequest.objects.create(
            organization=world.alpha, cohort=world.alpha_cohort,
            mentee=h.enrol(world, mentee, EnrolmentRole.MENTEE), mentor=mentor,
            message="Would you mentor me?", expires_at=h.NOON + expires_in,
        )  # fmt: skip


def scenario(world, expires_in=datetime.timedelta(hours=20)) -> h.Scenario:
    user = h.person(world.alpha, "Mentor", "America/New_York")
    with organization_scope(world.alpha):
        mentor = h.enrol(world, user, EnrolmentRole.MENTOR)
    request = request_to(world, mentor, expires_in)
    return h.Scenario(
        KEY, KIND, world.alpha, h.NOON, user, world.alpha_program,
        extra={"mentor": mentor, "request": request},
    )  # fmt: skip


def test_the_mentor_hears_when_it_expires_on_their_own_clock(world):
    s = scenario(world)
    row = h.check_due(s)
    request = s.extra["request"]
    asker = request.mentee.full_name
    assert row.title == f"{asker} is waiting for your answer"
    assert "expires tomorrow at 03:00 New York time" in row.body
    assert row.url == "/o/alpha/requests/" and row.action == "Answer the request"
    assert row.expires_at == request.expires_at and row.program_id == world.alpha_program.pk
    assert len(h.rows()) == 1  # the mentee hears nothing
    assert row.dedupe_key.endswith(f":request:{request.pk}:expiring:u{s.user.pk}")


def test_not_before_the_programs_number_of_hours(world):
    s = scenario(world, datetime.timedelta(hours=30))
    assert h.run(KEY, s.organization, s.now) == []
    h.program_nudges(world.alpha, world.alpha_program, request_expiry_hours=48)
    assert len(h.run(KEY, s.organization, s.now)) == 1


@pytest.mark.parametrize("status", [MentorshipRequestStatus.ACCEPTED, "expired_by_time"])
def test_nothing_for_an_answered_or_expired_request(world, status):
    s = scenario(world)
    with organization_scope(world.alpha):
        requests = MentorshipRequest.objects.filter(pk=s.extra["request"].pk)
        if status == "expired_by_time":
            requests.update(expires_at=s.now - datetime.timedelta(minutes=1))
        else:
            requests.update(status=status)
    assert h.run(KEY, s.organization, s.now) == []


def test_answered_since_the_scan_tells_nobody(world):
    s = scenario(world)
    (items,) = list(RULES[KEY].scan(s.organization, s.now))
    with organization_scope(world.alpha):
        MentorshipRequest.objects.filter(pk=s.extra["request"].pk).update(
            status=MentorshipRequestStatus.DECLINED
        )
    assert RULES[KEY].drafts(s.organization, items, s.now) == []


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_email_switched_off_still_shows_in_the_app(world):
    h.check_email_off(scenario(world))


def test_a_daily_digest_holds_the_email_for_it(world):
    h.check_daily_digest(scenario(world))


def test_a_program_that_switched_request_reminders_off_tells_nobody(world):
    h.check_program_switched_off(scenario(world))


def test_a_scan_costs_the_same_queries_for_one_request_and_for_thirty(
    world, django_assert_max_num_queries
):
    s = scenario(world)

    def more():
        for number in range(29):
            user = h.person(world.alpha, "Mentor", "Asia/Tokyo")
            with organization_scope(world.alpha):
                mentor = h.enrol(world, user, EnrolmentRole.MENTOR)
            request_to(world, mentor, datetime.timedelta(hours=1 + number % 20))

    h.check_fixed_queries(KEY, s.organization, s.now, more, django_assert_max_num_queries)
