"""Reads of programs and cohorts, always within the organisation and the reader's role."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.crypto import constant_time_compare

from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.access import SEES_ALL_PROGRAMS_ROLES, can_manage_program
from programs.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentRole,
    Mentorship,
    MentorshipMentee,
    ProfileAnswer,
    ProfileQuestion,
    Program,
    ProgramManager,
)


def programs_visible_to(membership: Membership) -> QuerySet[Program]:
    """Owners, admins and report viewers see every program; program managers see theirs."""
    with organization_scope(membership.organization):
        programs = Program.objects.all()
        if membership.role not in SEES_ALL_PROGRAMS_ROLES:
            if membership.role != Role.PROGRAM_MANAGER:
                return programs.none()
            managed = ProgramManager.objects.filter(user_id=membership.user_id).values("program_id")
            programs = programs.filter(pk__in=managed)
        return programs


def program_list_for(membership: Membership) -> QuerySet[Program]:
    """The program list: each program with its cohort counts, in one query."""
    with organization_scope(membership.organization):
        return (
            programs_visible_to(membership)
            .annotate(
                cohort_count=Count("cohorts", distinct=True),
                open_cohort_count=Count(
                    "cohorts",
                    filter=Q(cohorts__status__in=[CohortStatus.ENROLLING, CohortStatus.MATCHING]),
                    distinct=True,
                ),
            )
            # Django drops Meta.ordering from GROUP BY queries; unordered pages are unstable.
            .order_by("name", "pk")
        )


def get_program_for(membership: Membership, program_id: int) -> Program:
    with organization_scope(membership.organization):
        try:
            program = programs_visible_to(membership).get(pk=program_id)
        except (Program.DoesNotExist, ValueError, TypeError):
            raise Http404("No such program.") from None
    # It was read inside the member's organisation: reuse that row rather than fetch it again
    # whenever the program's own reads enter its scope.
    program.organization = membership.organization
    return program


def program_managers_of(program: Program) -> QuerySet[ProgramManager]:
    with organization_scope(program.organization):
        # Someone who lost the program manager role (or left) no longer runs the program.
        still_managers = Membership.objects.filter(role=Role.PROGRAM_MANAGER).values("user_id")
        return (
            ProgramManager.objects.filter(program=program, user_id__in=still_managers)
            .select_related("user")
            .order_by("user__full_name")
        )


def cohorts_of(program: Program) -> QuerySet[Cohort]:
    with organization_scope(program.organization):
        return Cohort.objects.filter(program=program)


def get_cohort_for(membership: Membership, program: Program, cohort_id: int) -> Cohort:
    """A cohort of a program the reader may see (the program was checked by get_program_for)."""
    with organization_scope(membership.organization):
        try:
            cohort = Cohort.objects.select_related("program").get(program=program, pk=cohort_id)
        except (Cohort.DoesNotExist, ValueError, TypeError):
            raise Http404("No such cohort.") from None
    # Read within the member's organisation and program: reuse those rows.
    cohort.organization = membership.organization
    cohort.program = program
    return cohort


def assignable_program_managers(program: Program) -> QuerySet[Membership]:
    """Members with the program manager role who do not manage this program yet."""
    with organization_scope(program.organization):
        assigned = ProgramManager.objects.filter(program=program).values("user_id")
        return (
            Membership.objects.filter(role=Role.PROGRAM_MANAGER)
            .exclude(user_id__in=assigned)
            .select_related("user")
            .order_by("user__full_name")
        )


def questions_of(program: Program) -> QuerySet[ProfileQuestion]:
    """The program's profile form, in order, with each question's matching partner."""
    with organization_scope(program.organization):
        return (
            ProfileQuestion.objects.filter(program=program)
            .select_related("partner")
            .order_by("position", "pk")
        )


def get_question_for(program: Program, question_id: int) -> ProfileQuestion:
    with organization_scope(program.organization):
        try:
            return ProfileQuestion.objects.select_related("program", "partner").get(
                program=program, pk=question_id
            )
        except (ProfileQuestion.DoesNotExist, ValueError, TypeError):
            raise Http404("No such question.") from None


def cohort_enrolment_counts(cohort: Cohort) -> dict[str, dict[str, int]]:
    """{role: {state: count}} for a cohort, in one query."""
    counts: dict[str, dict[str, int]] = {role: {} for role in EnrolmentRole.values}
    with organization_scope(cohort.organization):
        rows = (
            Enrolment.objects.filter(cohort=cohort)
            .order_by()
            .values_list("role", "state")
            .annotate(count=Count("id"))
        )
        for role, state, count in rows:
            counts[role][state] = count
    return counts


def enrolments_of_member(membership: Membership) -> QuerySet[Enrolment]:
    """The cohorts a member takes part in, newest first."""
    with organization_scope(membership.organization):
        return (
            Enrolment.objects.filter(user_id=membership.user_id)
            .select_related("cohort__program")
            .order_by("-cohort__starts_on", "pk")
        )


def get_own_enrolment(membership: Membership, enrolment_id: int) -> Enrolment:
    """One of the member's own enrolments; 404 for anyone else's."""
    with organization_scope(membership.organization):
        try:
            return Enrolment.objects.select_related("cohort__program").get(
                pk=enrolment_id, user_id=membership.user_id
            )
        except (Enrolment.DoesNotExist, ValueError, TypeError):
            raise Http404("No such enrolment.") from None


def answers_of(enrolment: Enrolment) -> dict:
    with organization_scope(enrolment.organization):
        return dict(
            ProfileAnswer.objects.filter(enrolment=enrolment).values_list("question_key", "value")
        )


def cohort_participants(
    cohort: Cohort, *, search: str = "", role: str = "", state: str = "", department: str = ""
) -> QuerySet[Enrolment]:
    """The cohort's enrolments, filtered as the participant table asks."""
    with organization_scope(cohort.organization):
        enrolments = (
            Enrolment.objects.filter(cohort=cohort)
            .select_related("user")
            .order_by("role", "full_name", "email")
        )
        if search:
            enrolments = enrolments.filter(
                Q(full_name__icontains=search) | Q(email__icontains=search)
            )
        if role:
            enrolments = enrolments.filter(role=role)
        if state:
            enrolments = enrolments.filter(state=state)
        if department:
            enrolments = enrolments.filter(department__iexact=department)
        return enrolments


def cohort_departments(cohort: Cohort) -> list[str]:
    with organization_scope(cohort.organization):
        return sorted(
            set(
                Enrolment.objects.filter(cohort=cohort)
                .exclude(department="")
                .values_list("department", flat=True)
            )
        )


def members_not_enrolled(cohort: Cohort) -> QuerySet[Membership]:
    """Members of the organisation who could still be enrolled in the cohort."""
    with organization_scope(cohort.organization):
        enrolled = Enrolment.objects.filter(cohort=cohort, user__isnull=False).values("user_id")
        return (
            Membership.objects.exclude(user_id__in=enrolled)
            .select_related("user")
            .order_by("user__full_name")
        )


def get_member_for_enrolment(cohort: Cohort, membership_id: int) -> Membership:
    with organization_scope(cohort.organization):
        try:
            return Membership.objects.select_related("organization", "user").get(pk=membership_id)
        except (Membership.DoesNotExist, ValueError, TypeError):
            raise Http404("No such member.") from None


def get_cohort_by_application_link(organization: Organization, cohort_id: int, key: str) -> Cohort:
    """The cohort an application link points to; 404 for a wrong or replaced key, as for a
    cohort that does not exist."""
    with organization_scope(organization):
        cohort = (
            Cohort.objects.select_related("program", "organization").filter(pk=cohort_id).first()
        )
    if cohort is None or not constant_time_compare(cohort.application_key, key):
        raise Http404("No such application link.")
    return cohort


def get_enrolment_in(cohort: Cohort, enrolment_id: int) -> Enrolment:
    with organization_scope(cohort.organization):
        try:
            return Enrolment.objects.select_related("cohort__program", "user").get(
                cohort=cohort, pk=enrolment_id
            )
        except (Enrolment.DoesNotExist, ValueError, TypeError):
            raise Http404("No such participant.") from None


def mentorships_of_member(membership: Membership) -> list[Mentorship]:
    """The member's mentorships, as mentor or mentee, newest first, with everyone in them."""
    with organization_scope(membership.organization):
        as_mentee = MentorshipMentee.objects.filter(mentee__user_id=membership.user_id).values(
            "mentorship_id"
        )
        return list(
            Mentorship.objects.filter(Q(mentor__user_id=membership.user_id) | Q(pk__in=as_mentee))
            .select_related("mentor", "cohort__program", "agreement")
            .prefetch_related("members__mentee")
            .order_by("-started_on", "-pk")
        )


def get_mentorship_for(membership: Membership, mentorship_id: int) -> Mentorship:
    """A mentorship the member is in, or one of a program they run; 404 for anyone else."""
    with organization_scope(membership.organization):
        try:
            mentorship = (
                Mentorship.objects.select_related("mentor__user", "cohort__program", "agreement")
                .prefetch_related("members__mentee__user")
                .get(pk=mentorship_id)
            )
        except (Mentorship.DoesNotExist, ValueError, TypeError):
            raise Http404("No such mentorship.") from None
    members = [mentorship.mentor.user_id] + [m.mentee.user_id for m in mentorship.members.all()]
    if membership.user_id in members or can_manage_program(membership, mentorship.cohort.program):
        return mentorship
    raise Http404("No such mentorship.")
