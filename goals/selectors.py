"""Every read of the goals app. Each takes the reading member and answers 404 for what they may
not see, whether it is missing, in another organisation or simply not theirs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from goals.access import Viewer, viewer_of
from goals.models import (
    CheckIn,
    Goal,
    GoalProgressEntry,
    GoalTemplate,
    Milestone,
    MilestoneComment,
    ProgramMilestone,
    RelationshipMilestone,
)
from goals.services.check_ins import CheckInDue, check_in_due
from goals.services.program import program_goal_settings
from organizations.models import Membership
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.models import Enrolment, Mentorship, Program


def get_mentorship_for(membership: Membership, mentorship_id: int) -> tuple[Mentorship, Viewer]:
    """The mentorship (with mentor, mentees, cohort and program) and how the member sees it."""
    mentorship = program_selectors.get_mentorship_for(membership, mentorship_id)
    # Read within the member's organisation: the reads that follow scope to it as it is.
    mentorship.organization = membership.organization
    viewer = viewer_of(membership, mentorship)
    if viewer is None:
        raise Http404("No such mentorship.")
    return mentorship, viewer


def _mentorship_related() -> tuple[str, ...]:
    return ("mentorship__mentor__user", "mentorship__cohort__program", "mentee__user")


def get_goal_for(membership: Membership, goal_id: int) -> tuple[Goal, Viewer]:
    with organization_scope(membership.organization):
        goal = (
            Goal.objects.select_related(*_mentorship_related())
            .prefetch_related("mentorship__members__mentee__user")
            .filter(pk=goal_id)
            .first()
            if str(goal_id).isdigit()
            else None
        )
    viewer = viewer_of(membership, goal.mentorship) if goal is not None else None
    if viewer is None:
        raise Http404("No such goal.")
    goal.organization = goal.mentorship.organization = membership.organization
    return goal, viewer


def get_milestone_for(membership: Membership, milestone_id: int) -> tuple[Milestone, Viewer]:
    with organization_scope(membership.organization):
        milestone = (
            Milestone.objects.select_related(*(f"goal__{path}" for path in _mentorship_related()))
            .prefetch_related("goal__mentorship__members__mentee__user")
            .filter(pk=milestone_id)
            .first()
            if str(milestone_id).isdigit()
            else None
        )
    viewer = viewer_of(membership, milestone.goal.mentorship) if milestone is not None else None
    if viewer is None:
        raise Http404("No such milestone.")
    return milestone, viewer


def get_relationship_milestone_for(
    membership: Membership, milestone_id: int
) -> tuple[RelationshipMilestone, Viewer]:
    with organization_scope(membership.organization):
        milestone = (
            RelationshipMilestone.objects.select_related(
                "mentorship__mentor__user", "mentorship__cohort__program"
            )
            .prefetch_related("mentorship__members__mentee__user")
            .filter(pk=milestone_id)
            .first()
            if str(milestone_id).isdigit()
            else None
        )
    viewer = viewer_of(membership, milestone.mentorship) if milestone is not None else None
    if viewer is None:
        raise Http404("No such milestone.")
    return milestone, viewer


def goals_of(mentorship: Mentorship) -> list[Goal]:
    """The mentorship's goals, each with its milestones (and their comments) loaded."""
    with organization_scope(mentorship.organization):
        return list(
            Goal.objects.filter(mentorship=mentorship)
            .select_related("mentee")
            .prefetch_related(
                Prefetch(
                    "milestones",
                    queryset=Milestone.objects.prefetch_related(
                        Prefetch(
                            "comments",
                            queryset=MilestoneComment.objects.select_related("author"),
                        )
                    ),
                )
            )
        )


def count_milestones(goals: list[Goal], *, in_pair: bool) -> list[Goal]:
    """Give each goal (with its milestones loaded) `milestones_done`, `milestones_overdue` and
    `words_visible` (the pair always; managers when the mentee shared it), for the pages."""
    today = timezone.localdate()
    for goal in goals:
        milestones = list(goal.milestones.all())
        goal.milestones_done = sum(1 for m in milestones if m.done_on)
        goal.milestones_overdue = sum(1 for m in milestones if not m.done_on and m.due_on < today)
        goal.words_visible = in_pair or goal.shared_with_managers
    return goals


def goal_history(goal: Goal, limit: int = 20) -> list:
    with organization_scope(goal.mentorship.organization):
        return list(goal.history.select_related("user")[:limit])


def relationship_milestones_of(mentorship: Mentorship) -> list[RelationshipMilestone]:
    with organization_scope(mentorship.organization):
        return list(RelationshipMilestone.objects.filter(mentorship=mentorship))


def goal_templates_of(program: Program) -> list[GoalTemplate]:
    with organization_scope(program.organization):
        return list(GoalTemplate.objects.filter(program=program))


def program_milestones_of(program: Program) -> list[ProgramMilestone]:
    with organization_scope(program.organization):
        return list(ProgramMilestone.objects.filter(program=program))


def check_ins_of(mentorship: Mentorship, limit: int | None = None) -> list[CheckIn]:
    with organization_scope(mentorship.organization):
        check_ins = CheckIn.objects.filter(mentorship=mentorship).select_related("author")
        return list(check_ins[:limit] if limit else check_ins)


@dataclass(frozen=True)
class PersonCheckIns:
    enrolment: Enrolment
    due: CheckInDue | None  # None: check-ins are off for the program, or the mentorship ended


def check_in_schedule(mentorship: Mentorship, check_ins: list[CheckIn]) -> list[PersonCheckIns]:
    """When each person of the pair next checks in, and whether they are late. `check_ins` are
    the mentorship's (as check_ins_of reads them)."""
    settings = program_goal_settings(mentorship.cohort.program)
    people = [mentorship.mentor, *(member.mentee for member in mentorship.members.all())]
    today = timezone.localdate()
    last_period: dict[int, int] = {}
    for check_in in check_ins:
        last_period[check_in.author_id] = max(
            last_period.get(check_in.author_id, 0), check_in.period
        )
    schedule = []
    for enrolment in people:
        due = None
        if settings.enabled and mentorship.is_open:
            due = check_in_due(
                started_on=mentorship.started_on,
                cadence_days=settings.cadence_days,
                last_period=last_period.get(enrolment.user_id),
                today=today,
            )
        schedule.append(PersonCheckIns(enrolment=enrolment, due=due))
    return schedule


# Reads of the API -----------------------------------------------------------------------------


def get_program_of_pairs_for(membership: Membership, program_id: int) -> Program:
    """A program the member sees (they run it, or their role sees every program) or takes part
    in (enrolled in one of its cohorts): its pairs start their goals from its templates. 404
    for anyone else."""
    try:
        return program_selectors.get_program_for(membership, program_id)
    except Http404:
        pass
    with organization_scope(membership.organization):
        program = (
            Program.objects.filter(pk=program_id, cohorts__enrolments__user_id=membership.user_id)
            .distinct()
            .first()
        )
    if program is None:
        raise Http404("No such program.")
    program.organization = membership.organization
    return program


def _milestones_with_comments() -> Prefetch:
    return Prefetch(
        "milestones",
        queryset=Milestone.objects.prefetch_related(
            Prefetch("comments", queryset=MilestoneComment.objects.select_related("author"))
        ),
    )


def with_milestones(goal: Goal) -> Goal:
    """The goal with its milestones (and their comments) loaded, as goals_of loads them."""
    with organization_scope(goal.mentorship.organization):
        prefetch_related_objects([goal], _milestones_with_comments())
    return goal


def milestones_of(goal: Goal) -> list[Milestone]:
    """The goal's milestones, by due date, each with its comments loaded."""
    return list(with_milestones(goal).milestones.all())


def milestone_comments_of(milestone: Milestone) -> QuerySet[MilestoneComment]:
    with organization_scope(milestone.goal.mentorship.organization):
        return MilestoneComment.objects.filter(milestone=milestone).select_related("author")


def goal_history_entries(goal: Goal) -> QuerySet[GoalProgressEntry]:
    """The goal's whole history, newest first."""
    with organization_scope(goal.mentorship.organization):
        return GoalProgressEntry.objects.filter(goal=goal).select_related("user")


def get_goal_template_in(program: Program, template_id: int) -> GoalTemplate:
    with organization_scope(program.organization):
        template = GoalTemplate.objects.filter(program=program, pk=template_id).first()
    if template is None:
        raise Http404("No such goal template.")
    template.program = program
    return template


def get_program_milestone_in(program: Program, milestone_id: int) -> ProgramMilestone:
    with organization_scope(program.organization):
        milestone = ProgramMilestone.objects.filter(program=program, pk=milestone_id).first()
    if milestone is None:
        raise Http404("No such milestone.")
    milestone.program = program
    return milestone
