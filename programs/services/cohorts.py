"""Writes of cohorts and their lifecycle. Each is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.models import (
    Cohort,
    CohortStatus,
    Program,
    ProgramStatus,
)
from programs.services.common import NAME_MAX_LENGTH, day_label, require_program_manager


@dataclass(frozen=True)
class CohortSettings:
    name: str
    enrolment_opens_on: date
    enrolment_closes_on: date
    starts_on: date
    ends_on: date
    target_mentors: int = 0
    target_mentees: int = 0


def _clean_cohort_settings(program: Program, values: CohortSettings, cohort: Cohort | None) -> dict:
    errors: dict[str, str] = {}
    name = values.name.strip()
    if not name:
        errors["name"] = "Give the cohort a name, e.g. “Spring 2027”."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Keep the name under {NAME_MAX_LENGTH} characters."
    elif (
        Cohort.objects.filter(program=program, name__iexact=name)
        .exclude(pk=cohort.pk if cohort else None)
        .exists()
    ):
        errors["name"] = f"{program} already has a cohort called “{name}”."
    if values.enrolment_closes_on < values.enrolment_opens_on:
        errors["enrolment_closes_on"] = "Enrolment must close on or after the day it opens."
    if values.starts_on < values.enrolment_closes_on:
        errors["starts_on"] = "The cohort starts on or after the day enrolment closes."
    if values.ends_on <= values.starts_on:
        errors["ends_on"] = "The cohort ends after it starts."
    for target in ("target_mentors", "target_mentees"):
        if getattr(values, target) < 0:
            errors[target] = "A target cannot be negative."
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "enrolment_opens_on": values.enrolment_opens_on,
        "enrolment_closes_on": values.enrolment_closes_on,
        "starts_on": values.starts_on,
        "ends_on": values.ends_on,
        "target_mentors": values.target_mentors,
        "target_mentees": values.target_mentees,
    }


@transaction.atomic
def cohort_create(
    *, actor_membership: Membership, program: Program, values: CohortSettings
) -> Cohort:
    require_program_manager(actor_membership, program)
    if program.status == ProgramStatus.ARCHIVED:
        raise ValidationError("This program is archived; restore it before adding cohorts.")
    with organization_scope(program.organization):
        fields = _clean_cohort_settings(program, values, None)
        try:
            with transaction.atomic():
                return Cohort.objects.create(
                    organization=program.organization, program=program, **fields
                )
        except IntegrityError:  # the same name, created a moment ago by someone else
            raise ValidationError(
                {"name": f"{program} already has a cohort called “{fields['name']}”."}
            ) from None


@transaction.atomic
def cohort_update(
    *, actor_membership: Membership, cohort: Cohort, values: CohortSettings
) -> Cohort:
    require_program_manager(actor_membership, cohort.program)
    if cohort.status == CohortStatus.COMPLETED:
        raise ValidationError(
            "This cohort is completed; its dates and targets are kept as they were."
        )
    with organization_scope(cohort.organization):
        fields = _clean_cohort_settings(cohort.program, values, cohort)
        for name, value in fields.items():
            setattr(cohort, name, value)
        cohort.save()
    return cohort


# Where a cohort may go next, and what an admin is told when a date rule stands in the way.
COHORT_TRANSITIONS: dict[str, frozenset[str]] = {
    CohortStatus.DRAFT: frozenset({CohortStatus.ENROLLING}),
    CohortStatus.ENROLLING: frozenset({CohortStatus.DRAFT, CohortStatus.MATCHING}),
    CohortStatus.MATCHING: frozenset({CohortStatus.ENROLLING, CohortStatus.ACTIVE}),
    CohortStatus.ACTIVE: frozenset({CohortStatus.COMPLETED}),
    CohortStatus.COMPLETED: frozenset(),
}


def cohort_date_rule_violation(cohort: Cohort, to_status: str, today: date) -> str | None:
    """Why the calendar says not yet (None when it agrees). An admin may force past it."""
    if to_status == CohortStatus.ENROLLING and today < cohort.enrolment_opens_on:
        return f"Enrolment is set to open on {day_label(cohort.enrolment_opens_on)}."
    if to_status == CohortStatus.MATCHING and today <= cohort.enrolment_closes_on:
        return f"Enrolment is open until {day_label(cohort.enrolment_closes_on)}; people may still join."
    if to_status == CohortStatus.ACTIVE and today < cohort.starts_on:
        return f"The cohort is set to start on {day_label(cohort.starts_on)}."
    if to_status == CohortStatus.COMPLETED and today < cohort.ends_on:
        return f"The cohort is set to run until {day_label(cohort.ends_on)}."
    return None


@transaction.atomic
def cohort_transition(
    *,
    actor_membership: Membership,
    cohort: Cohort,
    to_status: str,
    force: bool = False,
    today: date | None = None,
) -> Cohort:
    """Move a cohort along draft -> enrolling -> matching -> active -> completed.

    Only the listed moves are possible. A move the calendar does not allow yet (matching before
    enrolment closes, say) needs `force`. Opening enrolment activates a draft program.
    """
    require_program_manager(actor_membership, cohort.program)
    today = today or timezone.localdate()
    with organization_scope(cohort.organization):
        cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
        if to_status not in CohortStatus.values:
            raise ValidationError({"status": f"“{to_status}” is not a cohort status."})
        if to_status not in COHORT_TRANSITIONS[cohort.status]:
            current = cohort.get_status_display().lower()
            article = "An" if current[0] in "aeiou" else "A"
            raise ValidationError(
                {
                    "status": f"{article} {current} cohort cannot move to "
                    f"{CohortStatus(to_status).label.lower()}."
                }
            )
        program = cohort.program
        if program.status == ProgramStatus.ARCHIVED:
            raise ValidationError({"status": "This program is archived; restore it first."})
        if to_status == CohortStatus.ENROLLING and today > cohort.enrolment_closes_on:
            # Not forceable: the daily scan would close enrolment again within the hour.
            raise ValidationError(
                {
                    "status": f"Enrolment closed on {day_label(cohort.enrolment_closes_on)}. "
                    "Move the closing date first."
                }
            )
        violation = cohort_date_rule_violation(cohort, to_status, today)
        if violation and not force:
            raise ValidationError({"status": f"{violation} Confirm to do it anyway."})
        if to_status == CohortStatus.ENROLLING and program.status == ProgramStatus.DRAFT:
            program.status = ProgramStatus.ACTIVE
            program.save(update_fields=["status", "updated_at"])
        cohort.status = to_status
        cohort.status_changed_at = timezone.now()
        cohort.save(update_fields=["status", "status_changed_at"])
    return cohort


def cohorts_advance_by_date(*, organization: Organization, today: date) -> list[Cohort]:
    """The calendar's own moves, for the daily scan: open enrolment (in active programs) on its
    opening day, start matching once enrolment has closed, complete cohorts past their end.
    Matching -> active is not a calendar move: it follows publishing the matches."""
    due_by_date = {
        CohortStatus.ENROLLING: Q(
            status=CohortStatus.DRAFT,
            program__status=ProgramStatus.ACTIVE,
            enrolment_opens_on__lte=today,
            enrolment_closes_on__gte=today,
        ),
        CohortStatus.MATCHING: Q(status=CohortStatus.ENROLLING, enrolment_closes_on__lt=today),
        CohortStatus.COMPLETED: Q(status=CohortStatus.ACTIVE, ends_on__lt=today),
    }
    moved: list[Cohort] = []
    with organization_scope(organization), transaction.atomic():
        for to_status, due in due_by_date.items():
            for cohort in Cohort.objects.select_for_update().filter(due):
                cohort.status = to_status
                cohort.status_changed_at = timezone.now()
                cohort.save(update_fields=["status", "status_changed_at"])
                moved.append(cohort)
    return moved
