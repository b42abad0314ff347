"""What a program sets for its pairs: goal templates to start from, the relationship milestones
every mentorship gets, and how often they check in."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from goals.access import require_pair
from goals.models import (
    CheckInCadence,
    CheckInSettings,
    GoalTemplate,
    ProgramMilestone,
    RelationshipMilestone,
    RelationshipStep,
)
from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.access import can_manage_program
from programs.models import OPEN_MENTORSHIP_STATES, Mentorship, Program

# What a program starts with: the first month's rhythm most mentoring programs ask for.
DEFAULT_PROGRAM_MILESTONES: tuple[tuple[str, str, int], ...] = (
    ("Agreement confirmed by both of you", RelationshipStep.AGREEMENT, 7),
    ("First meeting held", RelationshipStep.FIRST_MEETING, 14),
)
# Relative to the relationship's length: the mid-point check-in and the closing reflection.
DEFAULT_RELATIVE_MILESTONES: tuple[tuple[str, str, float], ...] = (
    ("Mid-point check-in together", RelationshipStep.CHECK_IN, 0.5),
    ("Closing reflection", RelationshipStep.REFLECTION, 1.0),
)


def _require_manager(actor: Membership, program: Program) -> None:
    if not can_manage_program(actor, program):
        raise PermissionDenied("You do not run this program.")


def program_goal_settings(program: Program) -> CheckInSettings:
    """The program's check-in settings. The first time a program is set up for goals it also
    gets the default relationship milestones (agreement within 7 days, first meeting within 14,
    a mid-point check-in and a closing reflection)."""
    with organization_scope(program.organization):
        settings, created = CheckInSettings.objects.get_or_create(
            program=program, defaults={"organization_id": program.organization_id}
        )
        if created and not ProgramMilestone.objects.filter(program=program).exists():
            length_days = program.relationship_length_weeks * 7
            rows = [(title, step, days) for title, step, days in DEFAULT_PROGRAM_MILESTONES]
            rows += [
                (title, step, round(length_days * share))
                for title, step, share in DEFAULT_RELATIVE_MILESTONES
            ]
            ProgramMilestone.objects.bulk_create(
                ProgramMilestone(
                    organization_id=program.organization_id,
                    program=program,
                    title=title,
                    step=step,
                    due_after_days=days,
                )
                for title, step, days in rows
            )
    return settings


def check_in_settings_update(
    *, actor: Membership, program: Program, cadence_days: Any, enabled: bool
) -> CheckInSettings:
    _require_manager(actor, program)
    try:
        cadence = int(cadence_days)
    except (TypeError, ValueError):
        cadence = -1
    if cadence not in CheckInCadence.values:
        raise ValidationError({"cadence_days": "Choose how often pairs check in."})
    settings = program_goal_settings(program)
    with organization_scope(program.organization):
        CheckInSettings.objects.filter(pk=settings.pk).update(
            cadence_days=cadence, enabled=bool(enabled)
        )
    settings.cadence_days, settings.enabled = cadence, bool(enabled)
    return settings


# Goal templates -------------------------------------------------------------------------------


def _clean_template(title: Any, measure: Any, why: Any, suggested_weeks: Any) -> dict:
    errors: dict[str, str] = {}
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = "Give the goal a title."
    weeks = None
    if suggested_weeks not in (None, ""):
        try:
            weeks = int(suggested_weeks)
        except (TypeError, ValueError):
            weeks = -1
        if not 1 <= weeks <= 156:
            errors["suggested_weeks"] = "Suggest from 1 to 156 weeks."
    if errors:
        raise ValidationError(errors)
    return {
        "title": title[:200],
        "measure": (measure if isinstance(measure, str) else "").strip()[:300],
        "why": (why if isinstance(why, str) else "").strip()[:300],
        "suggested_weeks": weeks,
    }


def goal_template_create(
    *, actor: Membership, program: Program, title: Any, measure: Any = "", why: Any = "",
    suggested_weeks: Any = None,
) -> GoalTemplate:  # fmt: skip
    _require_manager(actor, program)
    fields = _clean_template(title, measure, why, suggested_weeks)
    with organization_scope(program.organization):
        try:
            with transaction.atomic():
                return GoalTemplate.objects.create(
                    organization=program.organization, program=program, **fields
                )
        except IntegrityError:
            raise ValidationError(
                {"title": f"The program already suggests a goal called “{fields['title']}”."}
            ) from None


def goal_template_delete(*, actor: Membership, template: GoalTemplate) -> None:
    _require_manager(actor, template.program)
    with organization_scope(template.program.organization):
        template.delete()


# Relationship milestones ----------------------------------------------------------------------


def _clean_program_milestone(title: Any, step: Any, due_after_days: Any) -> dict:
    errors: dict[str, str] = {}
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = "Say what the pair should have done."
    if step not in RelationshipStep.values:
        errors["step"] = "Choose what kind of milestone it is."
    try:
        days = int(due_after_days)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= 1100:
        errors["due_after_days"] = "Give the number of days after the match, from 0 to 1,100."
    if errors:
        raise ValidationError(errors)
    return {"title": title[:200], "step": step, "due_after_days": days}


def _relationship_milestone(mentorship: Mentorship, milestone: ProgramMilestone):
    return RelationshipMilestone(
        organization_id=mentorship.organization_id,
        mentorship=mentorship,
        program_milestone=milestone,
        title=milestone.title,
        step=milestone.step,
        due_on=mentorship.started_on + datetime.timedelta(days=milestone.due_after_days),
    )


@transaction.atomic
def program_milestone_create(
    *, actor: Membership, program: Program, title: Any, step: Any, due_after_days: Any
) -> ProgramMilestone:
    """Add a relationship milestone to the program; every open mentorship gets it too."""
    _require_manager(actor, program)
    fields = _clean_program_milestone(title, step, due_after_days)
    program_goal_settings(program)
    with organization_scope(program.organization):
        milestone = ProgramMilestone.objects.create(
            organization=program.organization, program=program, **fields
        )
        open_mentorships = Mentorship.objects.filter(
            cohort__program=program, status__in=OPEN_MENTORSHIP_STATES
        )
        RelationshipMilestone.objects.bulk_create(
            _relationship_milestone(mentorship, milestone) for mentorship in open_mentorships
        )
    return milestone


@transaction.atomic
def program_milestone_delete(*, actor: Membership, milestone: ProgramMilestone) -> None:
    """Remove a milestone from the program, and from its open mentorships where it is not done
    (what a pair did stays in their history)."""
    _require_manager(actor, milestone.program)
    with organization_scope(milestone.program.organization):
        RelationshipMilestone.objects.filter(
            program_milestone=milestone,
            done_on__isnull=True,
            mentorship__status__in=OPEN_MENTORSHIP_STATES,
        ).delete()
        milestone.delete()


def relationship_milestones_create(organization_id: int, mentorship_ids: list[int]) -> None:
    """Give new mentorships their program's relationship milestones (programs' mentorships
    started event)."""
    with organization_scope(Organization.objects.get(pk=organization_id)):
        mentorships = list(
            Mentorship.objects.filter(pk__in=mentorship_ids).select_related(
                "cohort__program__organization"
            )
        )
        programs = {m.cohort.program_id: m.cohort.program for m in mentorships}
        for program in programs.values():
            program_goal_settings(program)
        milestones: dict[int, list[ProgramMilestone]] = {pk: [] for pk in programs}
        for milestone in ProgramMilestone.objects.filter(program_id__in=programs):
            milestones[milestone.program_id].append(milestone)
        RelationshipMilestone.objects.bulk_create(
            [
                _relationship_milestone(mentorship, milestone)
                for mentorship in mentorships
                for milestone in milestones[mentorship.cohort.program_id]
            ],
            ignore_conflicts=True,
        )


@transaction.atomic
def relationship_milestone_complete(
    *, actor: Membership, milestone: RelationshipMilestone, done: bool = True
) -> RelationshipMilestone:
    """The pair ticks a relationship milestone off, or reopens it."""
    require_pair(actor, milestone.mentorship)
    milestone.done_on = timezone.localdate() if done else None
    milestone.done_by = actor.user if done else None
    with organization_scope(actor.organization):
        milestone.save(update_fields=["done_on", "done_by"])
    return milestone


def relationship_milestones_mark_done(
    *, organization: Organization, mentorship_id: int, step: str, on: datetime.date
) -> int:
    """Tick the mentorship's open milestones of one kind (the platform saw it happen: the
    agreement confirmed, the first meeting held). Returns how many were ticked."""
    with organization_scope(organization):
        return RelationshipMilestone.objects.filter(
            mentorship_id=mentorship_id, step=step, done_on__isnull=True
        ).update(done_on=on)
