"""Weekly digests on Monday morning in each person's own time zone: the participants' week
(next meeting, milestones, check-in) and the managers' pairs by health."""

from __future__ import annotations

import datetime

import pytest

from goals.models import Goal, Milestone, PairSide
from notifications.models import EmailState
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus
from tests.notifications import test_rules_helpers as h

KEY, KIND, MANAGER_KIND = "weekly_digests", "weekly_digest", "manager_digest"
UTC = datetime.UTC
# Monday 8 March 2027, 08:00 in Tokyo (UTC+9) and in New York (UTC-5).
TOKYO_MONDAY_8 = datetime.datetime(2027, 3, 7, 23, 0, tzinfo=UTC)
NEW_YORK_MONDAY_8 = datetime.datetime(2027, 3, 8, 13, 0, tzinfo=UTC)
UTC_MONDAY_8 = datetime.datetime(2027, 3, 8, 8, 0, tzinfo=UTC)


def tokyo_pair(world, **fields) -> h.Built:
    """Started on 26 February: the fortnightly check-in is due on Friday 12 March."""
    return h.make_pair(
        world, started_on=datetime.date(2027, 2, 26), mentor_zone="America/New_York",
        mentee_zone="Asia/Tokyo", **fields,
    )  # fmt: skip


def scenario(world) -> h.Scenario:
    built = tokyo_pair(world)
    return h.Scenario(
        KEY, KIND, world.alpha, TOKYO_MONDAY_8, built.mentee, world.alpha_program,
        extra={"built": built},
    )  # fmt: skip


def with_a_week_ahead(built: h.Built) -> None:
    h.make_meeting(built, datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC), title="Plan Q2")
    h.make_meeting(built, datetime.datetime(2027, 3, 17, 12, 0, tzinfo=UTC), title="Later one")
    organization = built.mentorship.organization
    with organization_scope(organization):
        goal = Goal.objects.create(
            organization=organization, mentorship=built.mentorship,
            mentee=built.mentorship.members.get().mentee, title="Speak up",
            measure="Two talks", target_date=datetime.date(2027, 6, 1),
        )  # fmt: skip
        for title, due_on, done_on in (
            ("Outline the talk", datetime.date(2027, 3, 11), None),
            ("Find a venue", datetime.date(2027, 3, 1), None),
            ("Pick a topic", datetime.date(2027, 3, 9), datetime.date(2027, 3, 5)),
            ("Give the talk", datetime.date(2027, 3, 20), None),
        ):
            Milestone.objects.create(
                organization=organization, goal=goal, title=title, due_on=due_on,
                done_on=done_on, owner=PairSide.MENTEE,
            )  # fmt: skip


def test_monday_eight_in_tokyo_is_not_yet_monday_in_new_york(world):
    s = scenario(world)
    built = s.extra["built"]
    with_a_week_ahead(built)
    row = h.check_due(s)
    assert h.rows(KIND, built.mentor) == []
    assert row.title == "Your week in mentoring" and not row.in_app
    assert row.dedupe_key.endswith(f":weekly:2027-W10:u{built.mentee.pk}")
    assert row.url == f"/o/alpha/mentorships/{built.mentorship.pk}/"
    body = row.body
    assert f"With {built.mentor.full_name}, your mentor:" in body
    assert "Next meeting: Plan Q2, Wednesday 10 March at 21:00 Tokyo time." in body
    assert "Milestones due this week: “Outline the talk” (Thursday)." in body
    assert "1 milestone overdue" in body
    assert "Pick a topic" not in body and "Give the talk" not in body
    assert "Your check-in is due on Friday 12 March." in body

    h.run(KEY, world.alpha, NEW_YORK_MONDAY_8)
    (mentor_row,) = h.rows(KIND, built.mentor)
    assert "Next meeting: Plan Q2, Wednesday 10 March at 07:00 New York time." in mentor_row.body
    assert f"With {built.mentee.full_name} (you are the mentor):" in mentor_row.body
    assert len(h.rows(KIND, built.mentee)) == 1  # Tokyo's Monday evening: not again


@pytest.mark.parametrize(
    "moment",
    [
        TOKYO_MONDAY_8 - datetime.timedelta(minutes=1),
        TOKYO_MONDAY_8 + datetime.timedelta(hours=2),
        TOKYO_MONDAY_8 + datetime.timedelta(days=1),
    ],
)
def test_nothing_outside_monday_morning(world, moment):
    s = scenario(world)
    assert h.run(KEY, s.organization, moment) == []


def test_a_missed_hour_still_sends_it_once(world):
    s = scenario(world)
    h.run(KEY, s.organization, s.now + datetime.timedelta(hours=1, minutes=30))
    h.run(KEY, s.organization, s.now + datetime.timedelta(hours=1, minutes=50))
    assert len(h.rows(KIND, s.user)) == 1


def test_nothing_planned_says_so(world):
    s = scenario(world)
    h.run(KEY, s.organization, s.now)
    (row,) = h.rows(KIND, s.user)
    assert "No meeting planned yet" in row.body and "Milestones" not in row.body


def test_a_paused_pair_gets_no_digest(world):
    s = scenario(world)
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=s.extra["built"].mentorship.pk).update(
            status=MentorshipStatus.PAUSED
        )
    assert h.run(KEY, s.organization, s.now) == []


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_email_switched_off_keeps_no_email(world):
    h.check_email_off(scenario(world))


def test_a_daily_digest_holds_the_email_for_it(world):
    h.check_daily_digest(scenario(world))


def test_a_program_that_switched_the_weekly_digest_off_sends_none(world):
    h.check_program_switched_off(scenario(world))


def test_managers_hear_how_their_pairs_are_doing_on_their_monday(world):
    fine = h.make_pair(world, started_on=datetime.date(2027, 3, 1))
    quiet = h.make_pair(world, started_on=datetime.date(2027, 1, 4))
    h.run(KEY, world.alpha, UTC_MONDAY_8 - datetime.timedelta(hours=1))
    assert h.rows(MANAGER_KIND) == []
    h.run(KEY, world.alpha, UTC_MONDAY_8)
    (row,) = h.rows(MANAGER_KIND)
    assert row.user_id == world.alpha_manager.pk and row.email_state == EmailState.SENT
    assert row.title == "Your pairs this week: 1 pair needs attention"
    assert "Your program has 2 active pairs: 1 on track, 0 needing attention and 1 at risk." in (
        row.body
    )
    assert f"{quiet.mentor.full_name} with {quiet.mentee.full_name}" in row.body
    assert "at risk, no meeting yet" in row.body
    assert fine.mentor.full_name not in row.body
    assert row.url == (
        f"/o/alpha/programs/{world.alpha_program.pk}/cohorts/{world.alpha_cohort.pk}/pairs/"
    )
    assert row.program_id == world.alpha_program.pk and not row.in_app
    h.run(KEY, world.alpha, UTC_MONDAY_8 + datetime.timedelta(hours=1))
    assert len(h.rows(MANAGER_KIND)) == 1


def test_a_program_that_switched_the_managers_digest_off_sends_them_none(world):
    h.make_pair(world, started_on=datetime.date(2027, 1, 4), mentee_zone="UTC")
    h.switch_off(world.alpha, world.alpha_program, MANAGER_KIND)
    h.run(KEY, world.alpha, UTC_MONDAY_8)
    assert h.rows(MANAGER_KIND) == [] and len(h.rows(KIND)) == 1


def test_a_scan_costs_the_same_queries_for_one_person_and_for_thirty(
    world, django_assert_max_num_queries
):
    s = scenario(world)
    with_a_week_ahead(s.extra["built"])

    def more():
        for _ in range(29):
            with_a_week_ahead(tokyo_pair(world))

    h.check_fixed_queries(KEY, s.organization, s.now, more, django_assert_max_num_queries)


def test_a_managers_digest_costs_the_same_queries_for_one_pair_and_for_thirty(
    world, django_assert_max_num_queries
):
    h.make_pair(world, started_on=datetime.date(2027, 1, 4), mentee_zone="Asia/Tokyo")

    def more():
        for _ in range(29):
            h.make_pair(world, started_on=datetime.date(2027, 1, 4), mentee_zone="Asia/Tokyo")

    h.check_fixed_queries(
        KEY, world.alpha, UTC_MONDAY_8, more, django_assert_max_num_queries, at_least=1
    )
