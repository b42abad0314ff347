"""A cohort's matching pool read from the database and encoded for the engine, in a few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from matching.criteria_mapping import criterion_specs
from matching.engine import CriterionSpec, MatchingModel, Person, Rules
from matching.models import MatchingSettings, MentorExclusion
from organizations.scope import organization_scope
from programs.models import (
    Cohort,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    MentorshipMentee,
    ProfileAnswer,
    ProfileQuestion,
    QuestionKind,
)
from programs.services.mentorships import open_mentee_counts

MENTEE_POOL_STATES = (EnrolmentState.PROFILE_COMPLETE,)
MENTOR_POOL_STATES = (EnrolmentState.PROFILE_COMPLETE, EnrolmentState.MATCHED)


def matching_settings_for(program) -> MatchingSettings:
    """The program's matching settings, created with the defaults on first use."""
    with organization_scope(program.organization):
        settings, _ = MatchingSettings.objects.get_or_create(
            program=program, defaults={"organization": program.organization}
        )
    return settings


def rules_from(settings: MatchingSettings) -> Rules:
    return Rules(
        exclude_same_department=settings.exclude_same_department,
        exclude_reporting_line=settings.exclude_reporting_line,
        require_shared_language=settings.require_shared_language,
        max_timezone_difference_hours=settings.max_timezone_difference_hours,
        seniority_gap_min=settings.seniority_gap_min,
        seniority_gap_max=settings.seniority_gap_max,
        availability_target_hours=float(settings.availability_target_hours),
        personality_modes=dict(settings.personality_modes or {}),
    )


def program_criteria(program, weights: dict) -> list[CriterionSpec]:
    with organization_scope(program.organization):
        questions = list(ProfileQuestion.objects.filter(program=program).order_by("position", "pk"))
    partners = {q.pk: q.key for q in questions}
    partner_keys = {q.key: partners[q.partner_id] for q in questions if q.partner_id in partners}
    return criterion_specs(questions, weights, partner_keys)


@dataclass
class Pool:
    """The cohort as the engine sees it, with the enrolments behind each row and column."""

    model: MatchingModel
    mentees: list[Enrolment]
    mentors: list[Enrolment]
    settings: MatchingSettings
    incomplete_mentees: int


def _people(enrolments: list[Enrolment], answers: dict, timezone_keys: list[str], places=None):
    people = []
    for enrolment in enrolments:
        given = answers.get(enrolment.pk, {})
        zone = next((given[k] for k in timezone_keys if given.get(k)), None)
        department = enrolment.department or (
            given.get("department") if isinstance(given.get("department"), str) else ""
        )
        people.append(
            Person(
                id=enrolment.pk,
                name=enrolment.full_name or enrolment.email,
                email=enrolment.email,
                answers=given,
                timezone=zone or (enrolment.user.timezone if enrolment.user else "") or "UTC",
                department=department or "",
                manager_email=enrolment.manager_email,
                capacity=places[enrolment.pk] if places is not None else 1,
            )
        )
    return people


def load_pool(
    cohort: Cohort,
    *,
    mentee_ids: list[int] | None = None,
    at: datetime | None = None,
) -> Pool:
    """Mentees with a complete profile who are not matched, and mentors with a complete profile
    (with their free places), with answers, exclusions and earlier pairs."""
    settings = matching_settings_for(cohort.program)
    criteria = program_criteria(cohort.program, settings.weights)
    with organization_scope(cohort.organization):
        enrolments = list(
            Enrolment.objects.filter(cohort=cohort)
            .filter(
                Q(role=EnrolmentRole.MENTEE, state__in=MENTEE_POOL_STATES)
                | Q(role=EnrolmentRole.MENTOR, state__in=MENTOR_POOL_STATES)
            )
            .select_related("user", "cohort__program")
            .order_by("full_name", "email", "pk")
        )
        mentees = [e for e in enrolments if e.role == EnrolmentRole.MENTEE]
        if mentee_ids is not None:
            wanted = set(mentee_ids)
            mentees = [e for e in mentees if e.pk in wanted]
        mentors = [e for e in enrolments if e.role == EnrolmentRole.MENTOR]
        incomplete = (
            Enrolment.objects.filter(
                cohort=cohort,
                role=EnrolmentRole.MENTEE,
                state__in=[EnrolmentState.INVITED, EnrolmentState.APPLIED, EnrolmentState.APPROVED],
            ).count()
            if mentee_ids is None
            else 0
        )
        answers: dict[int, dict] = defaultdict(dict)
        for enrolment_id, key, value in ProfileAnswer.objects.filter(
            enrolment_id__in=[e.pk for e in mentees + mentors]
        ).values_list("enrolment_id", "question_key", "value"):
            answers[enrolment_id][key] = value
        timezone_keys = list(
            ProfileQuestion.objects.filter(
                program=cohort.program, kind=QuestionKind.TIMEZONE
            ).values_list("key", flat=True)
        )
        blocked = list(
            MentorExclusion.objects.filter(mentee_id__in=[e.pk for e in mentees]).values_list(
                "mentee_id", "mentor_id"
            )
        )
        # Earlier pairs anywhere in the organisation, by email: people keep their address
        # from one cohort to the next.
        earlier = list(
            MentorshipMentee.objects.filter(
                mentee__email__in=[e.email for e in mentees]
            ).values_list("mentee__email", "mentorship__mentor__email")
        )
    taken = open_mentee_counts(cohort, [e.pk for e in mentors])
    default_places = cohort.program.default_mentor_capacity
    places = {
        e.pk: max((e.mentor_capacity or default_places) - taken.get(e.pk, 0), 0) for e in mentors
    }
    model = MatchingModel(
        mentees=_people(mentees, answers, timezone_keys),
        mentors=_people(mentors, answers, timezone_keys, places),
        criteria=criteria,
        rules=rules_from(settings),
        blocked=blocked,
        earlier_pairs=earlier,
        at=at,
    )
    return Pool(
        model=model,
        mentees=mentees,
        mentors=mentors,
        settings=settings,
        incomplete_mentees=incomplete,
    )
