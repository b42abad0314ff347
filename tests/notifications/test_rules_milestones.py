"""Milestones: due soon to the owner's side, overdue once to both; the program's relationship
milestones overdue to the pair; nothing for what is done, dropped or not due yet."""

from __future__ import annotations

import datetime

import pytest

from goals.models import (
    Goal,
    GoalStatus,
    Milestone,
    PairSide,
    RelationshipMilestone,
    RelationshipStep,
)
from notifications.rules import RULES
from organizations.scope import organization_scope
from tests.notifications import test_rules_helpers as h

KEY, KIND = "milestones", "milestone_due"
FRIDAY = datetime.date(2027, 3, 12)  # two days after h.NOON
TUESDAY = datetime.date(2027, 3, 9)  # the day before


def goal_of(built: h.Built, title: str = "Lead a team meeting") -> Goal:
    organization = built.mentorship.organization
    with organization_scope(organization):
        return Goal.objects.create(
            organization=organization, mentorship=built.mentorship,
            mentee=built.mentorship.members.get().mentee, title=title,
            measure="Ran one, with notes", target_date=datetime.date(2027, 6, 1),
        )  # fmt: skip


def milestone(goal: Goal, due_on: datetime.date, owner=PairSide.MENTEE, **fields) -> Milestone:
    with organization_scope(goal.organization):
        return Milestone.objects.create(
            organization=goal.organization, goal=goal, due_on=due_on, owner=owner,
            title=fields.pop("title", "Draft the agenda"), **fields,
        )  # fmt: skip


def scenario(world, due_on=FRIDAY, owner=PairSide.MENTEE) -> h.Scenario:
    built = h.make_pair(world, started_on=datetime.date(2027, 2, 1))
    goal = goal_of(built)
    found = milestone(goal, due_on, owner)
    user = built.mentee if owner == PairSide.MENTEE else built.mentor
    return h.Scenario(
        KEY, KIND, world.alpha, h.NOON, user, world.alpha_program,
        extra={"built": built, "goal": goal, "milestone": found},
    )  # fmt: skip


def test_due_soon_tells_the_owner_only(world):
    s = scenario(world)
    row = h.check_due(s)
    assert row.title == "Due on Friday 12 March: Draft the agenda"
    assert "for the goal “Lead a team meeting”" in row.body
    assert row.url == f"/o/alpha/goals/{s.extra['goal'].pk}/" and row.action == "Open the goal"
    assert h.rows(KIND, s.extra["built"].mentor) == []


def test_a_mentors_milestone_tells_the_mentor(world):
    s = scenario(world, owner=PairSide.MENTOR)
    h.check_due(s)
    assert h.rows(KIND, s.extra["built"].mentee) == []


def test_tomorrow_by_the_readers_own_calendar(world):
    s = scenario(world, due_on=datetime.date(2027, 3, 11))
    h.run(KEY, s.organization, s.now)
    assert h.rows(KIND, s.user)[0].title == "Due tomorrow: Draft the agenda"


def test_overdue_tells_both_once(world):
    s = scenario(world, due_on=TUESDAY)
    h.run(KEY, s.organization, s.now)
    h.run(KEY, s.organization, s.now + datetime.timedelta(days=1))
    built = s.extra["built"]
    (mentee_row,) = h.rows(KIND, built.mentee)
    (mentor_row,) = h.rows(KIND, built.mentor)
    assert mentee_row.title == mentor_row.title == "Overdue: Draft the agenda"
    assert mentee_row.body.startswith("Your milestone")
    assert mentor_row.body.startswith(f"{built.mentee.full_name}'s milestone")
    assert mentor_row.dedupe_key.endswith(
        f":milestone:{s.extra['milestone'].pk}:2027-03-09:overdue:u{built.mentor.pk}"
    )


def test_soon_then_overdue_makes_two(world):
    s = scenario(world)
    h.run(KEY, s.organization, s.now)
    h.run(KEY, s.organization, s.now + datetime.timedelta(days=3))
    assert [r.title.split(":")[0] for r in h.rows(KIND, s.user)] == [
        "Due on Friday 12 March",
        "Overdue",
    ]


@pytest.mark.parametrize("case", ["far", "done", "goal_achieved", "long_overdue"])
def test_nothing_for_what_is_not_due_done_or_dropped(world, case):
    due_on = {
        "far": FRIDAY + datetime.timedelta(days=3),
        "long_overdue": datetime.date(2027, 2, 20),
    }
    s = scenario(world, due_on=due_on.get(case, FRIDAY))
    with organization_scope(world.alpha):
        if case == "done":
            Milestone.objects.filter(pk=s.extra["milestone"].pk).update(done_on=TUESDAY)
        if case == "goal_achieved":
            Goal.objects.filter(pk=s.extra["goal"].pk).update(status=GoalStatus.ACHIEVED)
    assert h.run(KEY, s.organization, s.now) == []


def test_the_programs_own_lead_time(world):
    s = scenario(world, due_on=FRIDAY + datetime.timedelta(days=4))
    h.program_nudges(world.alpha, world.alpha_program, milestone_due_days=7)
    h.run(KEY, s.organization, s.now)
    assert len(h.rows(KIND, s.user)) == 1


def test_a_milestone_moved_to_a_new_date_is_reminded_of_again(world):
    s = scenario(world)
    h.run(KEY, s.organization, s.now)
    with organization_scope(world.alpha):
        Milestone.objects.filter(pk=s.extra["milestone"].pk).update(
            due_on=datetime.date(2027, 3, 20)
        )
    h.run(KEY, s.organization, datetime.datetime(2027, 3, 18, 12, tzinfo=h.UTC))
    assert len(h.rows(KIND, s.user)) == 2


def test_done_since_the_scan_tells_nobody(world):
    s = scenario(world)
    (items,) = list(RULES[KEY].scan(s.organization, s.now))
    with organization_scope(world.alpha):
        Milestone.objects.filter(pk=s.extra["milestone"].pk).update(done_on=TUESDAY)
    assert RULES[KEY].drafts(s.organization, items, s.now) == []


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_email_switched_off_still_shows_in_the_app(world):
    h.check_email_off(scenario(world))


def test_a_daily_digest_holds_the_email_for_it(world):
    h.check_daily_digest(scenario(world))


def test_a_program_that_switched_milestones_off_tells_nobody(world):
    h.check_program_switched_off(scenario(world, due_on=TUESDAY))


def relationship_milestone(
    built: h.Built, due_on: datetime.date, **fields
) -> RelationshipMilestone:
    organization = built.mentorship.organization
    with organization_scope(organization):
        return RelationshipMilestone.objects.create(
            organization=organization, mentorship=built.mentorship,
            title=fields.pop("title", "First meeting held"), step=RelationshipStep.FIRST_MEETING,
            due_on=due_on, **fields,
        )  # fmt: skip


def test_an_overdue_relationship_milestone_tells_the_pair_once(world):
    built = h.make_pair(world, started_on=datetime.date(2027, 2, 1), mentees=2)
    found = relationship_milestone(built, TUESDAY)
    relationship_milestone(built, TUESDAY, title="Agreement", done_on=TUESDAY)
    h.run(KEY, world.alpha, h.NOON)
    h.run(KEY, world.alpha, h.NOON + datetime.timedelta(hours=5))
    made = h.rows(KIND)
    assert sorted(r.user_id for r in made) == sorted(u.pk for u in built.people)
    assert {r.title for r in made} == {"Overdue: First meeting held"}
    assert {r.url for r in made} == {f"/o/alpha/mentorships/{built.mentorship.pk}/"}
    assert all(f":pair-milestone:{found.pk}:2027-03-09:overdue:" in r.dedupe_key for r in made)


def test_a_scan_costs_the_same_queries_for_one_milestone_and_for_thirty(
    world, django_assert_max_num_queries
):
    s = scenario(world)
    relationship_milestone(s.extra["built"], TUESDAY)

    def more():
        for number in range(29):
            built = h.make_pair(world, started_on=datetime.date(2027, 2, 1))
            milestone(goal_of(built), FRIDAY if number % 2 else TUESDAY)
            relationship_milestone(built, TUESDAY)

    h.check_fixed_queries(
        KEY, s.organization, s.now, more, django_assert_max_num_queries, at_least=60
    )
