"""Goals, milestones, relationship milestones and check-ins: the rules of their services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from goals import selectors, services
from goals.models import (
    CheckIn,
    Goal,
    GoalProgressEntry,
    GoalStatus,
    Milestone,
    ProgressSource,
    RelationshipMilestone,
    RelationshipStep,
)
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus

TODAY = timezone.localdate()


def _text(**overrides) -> services.GoalText:
    values = {
        "title": "Speak at the all-hands",
        "measure": "A 10-minute talk, rated 4/5 or better",
        "why": "To be seen beyond my team",
        "target_date": TODAY + datetime.timedelta(days=60),
    }
    return services.GoalText(**{**values, **overrides})


def _goal(mw, mentorship, **overrides) -> Goal:
    return services.goal_create(
        actor=mw.members["mentee0"], mentorship=mentorship, text=_text(**overrides)
    )


def _saved(world, goal: Goal) -> Goal:
    """The goal as stored (a fresh copy: the one the test holds keeps its loaded mentorship)."""
    with organization_scope(world.alpha):
        return Goal.objects.get(pk=goal.pk)


def _count(world, model) -> int:
    with organization_scope(world.alpha):
        return model.objects.count()


def test_a_goal_belongs_to_the_mentee_whoever_of_the_pair_writes_it(world, pair):
    mw, mentorship = pair
    by_mentor = services.goal_create(
        actor=mw.members["mentor0"], mentorship=mentorship, text=_text()
    )
    assert by_mentor.mentee == mw.mentees["mentee0"]
    assert by_mentor.progress == 0
    with organization_scope(world.alpha):
        assert list(by_mentor.history.values_list("note", flat=True)) == ["Goal set"]


def test_someone_outside_the_pair_cannot_set_goals(world, pair):
    mw, mentorship = pair
    with pytest.raises(PermissionDenied):
        services.goal_create(actor=mw.members["mentee1"], mentorship=mentorship, text=_text())
    # Program managers follow the pairs; the goals are the pair's own.
    with pytest.raises(PermissionDenied):
        services.goal_create(
            actor=world.alpha_owner_membership, mentorship=mentorship, text=_text()
        )
    assert _count(world, Goal) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"measure": ""}, "measure"),
        ({"target_date": TODAY - datetime.timedelta(days=1)}, "target_date"),
        ({"progress_source": "vibes"}, "progress_source"),
    ],
)
def test_bad_goals_are_refused_with_the_field_and_nothing_stored(world, pair, overrides, field):
    mw, mentorship = pair
    with pytest.raises(ValidationError) as error:
        _goal(mw, mentorship, **overrides)
    assert field in error.value.message_dict
    assert _count(world, Goal) == 0


def test_progress_follows_the_milestones_and_is_kept_in_the_history(world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    mentee = mw.members["mentee0"]
    first, second, third, fourth = (
        services.milestone_create(
            actor=mentee, goal=goal, title=f"Step {n}", due_on=TODAY + datetime.timedelta(days=n)
        )
        for n in range(1, 5)
    )
    services.milestone_complete(actor=mw.members["mentor0"], milestone=first, evidence="Draft")
    services.milestone_complete(actor=mentee, milestone=second)
    assert _saved(world, goal).progress == 50
    services.milestone_complete(actor=mentee, milestone=second, done=False)
    assert _saved(world, goal).progress == 25
    services.milestone_delete(actor=mentee, milestone=fourth)
    assert _saved(world, goal).progress == 33
    with organization_scope(world.alpha):
        notes = list(GoalProgressEntry.objects.filter(goal=goal).values_list("progress", flat=True))
    assert notes == [33, 25, 50, 25, 0]
    assert third.done_on is None


def test_a_milestone_after_the_goals_target_date_is_refused(world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    with pytest.raises(ValidationError) as error:
        services.milestone_create(
            actor=mw.members["mentee0"], goal=goal, title="Too late",
            due_on=goal.target_date + datetime.timedelta(days=1),
        )  # fmt: skip
    assert "target date" in error.value.message_dict["due_on"][0]
    assert _count(world, Milestone) == 0


def test_the_target_date_cannot_move_before_a_milestone(world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title="Rehearse",
        due_on=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.goal_update(
            actor=mw.members["mentee0"], goal=goal,
            text=_text(target_date=TODAY + datetime.timedelta(days=10)),
        )  # fmt: skip
    assert "milestone" in error.value.message_dict["target_date"][0]
    assert _saved(world, goal).target_date == TODAY + datetime.timedelta(days=60)


@pytest.mark.parametrize("progress", [140, -5, "lots", None])
def test_a_progress_outside_0_to_100_is_refused(world, pair, progress):
    mw, mentorship = pair
    goal = _goal(mw, mentorship, progress_source=ProgressSource.MANUAL)
    with pytest.raises(ValidationError) as error:
        services.goal_set_progress(actor=mw.members["mentee0"], goal=goal, progress=progress)
    assert "progress" in error.value.message_dict
    assert _saved(world, goal).progress == 0


def test_progress_by_hand_only_for_goals_not_measured_by_milestones(world, pair):
    mw, mentorship = pair
    manual = _goal(mw, mentorship, progress_source=ProgressSource.MANUAL)
    services.goal_set_progress(
        actor=mw.members["mentor0"], goal=manual, progress=70, note="Halfway+"
    )
    assert _saved(world, manual).progress == 70
    by_milestones = _goal(mw, mentorship, title="Another")
    with pytest.raises(ValidationError):
        services.goal_set_progress(actor=mw.members["mentee0"], goal=by_milestones, progress=70)


def test_achieving_a_goal_makes_it_100_and_reopening_goes_back_to_its_milestones(pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    services.milestone_create(actor=mw.members["mentee0"], goal=goal, title="One", due_on=TODAY)
    goal = services.goal_set_status(actor=mw.members["mentee0"], goal=goal, status="achieved")
    assert (goal.status, goal.progress) == (GoalStatus.ACHIEVED, 100)
    goal = services.goal_set_status(actor=mw.members["mentee0"], goal=goal, status="active")
    assert (goal.status, goal.progress) == (GoalStatus.ACTIVE, 0)


def test_only_the_mentee_shares_their_goal_with_the_managers(world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    with pytest.raises(PermissionDenied):
        services.goal_share(actor=mw.members["mentor0"], goal=goal, shared=True)
    services.goal_share(actor=mw.members["mentee0"], goal=goal, shared=True)
    assert _saved(world, goal).shared_with_managers


def test_goals_of_an_ended_mentorship_stay_readable_but_do_not_change(world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    milestone = services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title="One", due_on=TODAY
    )
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.COMPLETED)
    mentorship.status = MentorshipStatus.COMPLETED
    goal.mentorship = milestone.goal.mentorship = mentorship
    with pytest.raises(ValidationError):
        services.milestone_complete(actor=mw.members["mentee0"], milestone=milestone)
    with pytest.raises(ValidationError):
        _goal(mw, mentorship, title="New")
    # Talking about what happened is still possible.
    services.milestone_comment_add(
        actor=mw.members["mentor0"], milestone=milestone, body="Well done"
    )


def test_new_mentorships_get_the_programs_relationship_milestones(world, pair):
    _, mentorship = pair
    with organization_scope(world.alpha):
        milestones = list(RelationshipMilestone.objects.filter(mentorship=mentorship))
    steps = [m.step for m in milestones]
    assert steps == ["agreement", "first_meeting", "check_in", "reflection"]
    assert milestones[0].due_on == mentorship.started_on + datetime.timedelta(days=7)
    assert milestones[1].due_on == mentorship.started_on + datetime.timedelta(days=14)
    weeks = mentorship.cohort.program.relationship_length_weeks
    assert milestones[3].due_on == mentorship.started_on + datetime.timedelta(days=weeks * 7)


def test_a_milestone_added_to_the_program_reaches_its_open_mentorships(world, pair):
    mw, mentorship = pair
    program = mentorship.cohort.program
    added = services.program_milestone_create(
        actor=world.alpha_owner_membership, program=program, title="Introduce your mentee to one "
        "person in your network", step=RelationshipStep.OTHER, due_after_days=30,
    )  # fmt: skip
    with organization_scope(world.alpha):
        copy = RelationshipMilestone.objects.get(program_milestone=added)
    assert copy.mentorship_id == mentorship.pk
    assert copy.due_on == mentorship.started_on + datetime.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        services.program_milestone_create(
            actor=mw.members["mentor0"], program=program, title="x", step="other", due_after_days=3
        )
    with pytest.raises(ValidationError) as error:
        services.program_milestone_create(
            actor=world.alpha_owner_membership, program=program, title="", step="nope",
            due_after_days=-1,
        )  # fmt: skip
    assert set(error.value.message_dict) == {"title", "step", "due_after_days"}


def test_the_platform_ticks_a_step_it_saw_happen(world, pair):
    _, mentorship = pair
    ticked = services.relationship_milestones_mark_done(
        organization=world.alpha, mentorship_id=mentorship.pk,
        step=RelationshipStep.AGREEMENT, on=TODAY,
    )  # fmt: skip
    assert ticked == 1
    milestones = selectors.relationship_milestones_of(mentorship)
    assert [m.done_on for m in milestones][:2] == [TODAY, None]


# Check-ins ------------------------------------------------------------------------------------


def _answers(**overrides) -> services.CheckInAnswers:
    values = {"progress": "Drafted the talk", "rating": 4, "blockers": "", "next_steps": "Rehearse"}
    return services.CheckInAnswers(**{**values, **overrides})


def test_check_in_schedule_counts_periods_from_the_match_date():
    started = datetime.date(2026, 3, 2)
    due = services.check_in_due(
        started_on=started, cadence_days=14, last_period=None, today=datetime.date(2026, 3, 10)
    )
    assert (due.period, due.due_on, due.overdue) == (1, datetime.date(2026, 3, 16), False)
    late = services.check_in_due(
        started_on=started, cadence_days=14, last_period=1, today=datetime.date(2026, 4, 3)
    )
    assert (late.period, late.due_on, late.overdue_days) == (2, datetime.date(2026, 3, 30), 4)
    assert services.current_period(started, 14, started) == 1
    assert services.current_period(started, 14, datetime.date(2026, 4, 3)) == 3


def test_a_check_in_answers_the_current_period_and_the_next_one_waits(world, pair):
    mw, mentorship = pair
    mentee = mw.members["mentee0"]
    first = services.check_in_submit(actor=mentee, mentorship=mentorship, answers=_answers())
    assert (first.period, first.side, first.rating) == (1, "mentee", 4)
    # Ahead by one period is fine (writing just before a due date)...
    second = services.check_in_submit(actor=mentee, mentorship=mentorship, answers=_answers())
    assert second.period == 2
    # ...further ahead is not.
    with pytest.raises(ValidationError) as error:
        services.check_in_submit(actor=mentee, mentorship=mentorship, answers=_answers())
    assert "next check-in opens" in error.value.messages[0]
    mentor = services.check_in_submit(
        actor=mw.members["mentor0"], mentorship=mentorship, answers=_answers(rating=2)
    )
    assert (mentor.period, mentor.side) == (1, "mentor")
    assert _count(world, CheckIn) == 3


def test_a_late_check_in_catches_up_instead_of_owing_every_missed_period(world, pair):
    mw, mentorship = pair
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=mentorship.pk).update(
            started_on=TODAY - datetime.timedelta(days=50)
        )
    mentorship.started_on = TODAY - datetime.timedelta(days=50)
    schedule = selectors.check_in_schedule(mentorship, [])
    assert [p.due.overdue_days for p in schedule] == [36, 36]
    check_in = services.check_in_submit(
        actor=mw.members["mentee0"], mentorship=mentorship, answers=_answers()
    )
    assert check_in.period == 4  # days 42-56
    schedule = selectors.check_in_schedule(mentorship, selectors.check_ins_of(mentorship))
    mentor_due, mentee_due = schedule
    assert mentee_due.due.overdue is False and mentee_due.due.period == 5
    assert mentor_due.due.overdue is True


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"rating": 6}, "rating"), ({"rating": "good"}, "rating"), ({"progress": " "}, "progress"),
     ({"blockers": "x" * 2001}, "blockers")],
)  # fmt: skip
def test_bad_check_ins_are_refused_and_nothing_stored(world, pair, overrides, field):
    mw, mentorship = pair
    with pytest.raises(ValidationError) as error:
        services.check_in_submit(
            actor=mw.members["mentee0"], mentorship=mentorship, answers=_answers(**overrides)
        )
    assert field in error.value.message_dict
    assert _count(world, CheckIn) == 0


def test_only_the_pair_checks_in(world, pair):
    _, mentorship = pair
    with pytest.raises(PermissionDenied):
        services.check_in_submit(
            actor=world.alpha_owner_membership, mentorship=mentorship, answers=_answers()
        )


def test_check_in_cadence_is_the_programs_choice(world, pair):
    _, mentorship = pair
    program = mentorship.cohort.program
    with pytest.raises(ValidationError):
        services.check_in_settings_update(
            actor=world.alpha_owner_membership, program=program, cadence_days=10, enabled=True
        )
    services.check_in_settings_update(
        actor=world.alpha_owner_membership, program=program, cadence_days=28, enabled=True
    )
    due = selectors.check_in_schedule(mentorship, [])[0].due
    assert due.due_on == mentorship.started_on + datetime.timedelta(days=28)
    services.check_in_settings_update(
        actor=world.alpha_owner_membership, program=program, cadence_days=28, enabled=False
    )
    assert selectors.check_in_schedule(mentorship, [])[0].due is None
