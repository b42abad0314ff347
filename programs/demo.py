"""The programs part of the demo organisation. Idempotent: run it again and nothing doubles."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from organizations.models import Membership
from organizations.scope import organization_scope
from programs import services
from programs.demo_people import MENTEE_PROFILES, MENTOR_PROFILES
from programs.models import Cohort, CohortStatus, EnrolmentRole, Program, ProgramManager
from programs.profile_form import AVAILABILITY_BLOCKS
from programs.program_templates import PROGRAM_TEMPLATES

DEMO_PROGRAM = "Leadership mentoring"
DEMO_COHORT = "Spring cohort"


def seed_demo_programs(*, owner: Membership, manager: Membership) -> Program:
    """A leadership program from its template, run by the demo program manager, with a cohort
    of 6 mentors and 12 mentees whose profiles are complete, ready for matching."""
    organization = owner.organization
    with organization_scope(organization):
        program = Program.objects.filter(name=DEMO_PROGRAM).first()
        if program is None:
            template = PROGRAM_TEMPLATES["leadership_mentoring"]
            program = services.program_create(
                actor_membership=owner,
                values=services.ProgramSettings(name=DEMO_PROGRAM, **template.initial()),
                template=template.key,
            )
        if not ProgramManager.objects.filter(program=program, user_id=manager.user_id).exists():
            services.program_manager_assign(
                actor_membership=owner, program=program, user_id=manager.user_id
            )
        cohort = Cohort.objects.filter(program=program, name=DEMO_COHORT).first()
        if cohort is None:
            today = timezone.localdate()
            cohort = services.cohort_create(
                actor_membership=owner,
                program=program,
                values=services.CohortSettings(
                    name=DEMO_COHORT,
                    enrolment_opens_on=today - timedelta(days=14),
                    enrolment_closes_on=today,
                    starts_on=today + timedelta(days=7),
                    ends_on=today + timedelta(days=7 + 7 * program.relationship_length_weeks),
                    target_mentors=6,
                    target_mentees=12,
                ),
            )
            cohort = services.cohort_transition(
                actor_membership=owner, cohort=cohort, to_status=CohortStatus.ENROLLING
            )
            _enrol_demo_people(owner, cohort)
            # Everyone is in with a complete profile: close enrolment today and start matching.
            services.cohort_transition(
                actor_membership=owner, cohort=cohort, to_status=CohortStatus.MATCHING, force=True
            )
    return program


def _enrol_demo_people(owner: Membership, cohort: Cohort) -> None:
    members = {
        m.user.email.split("@")[0]: m
        for m in Membership.objects.select_related("organization", "user").filter(
            user__email__regex=r"^(mentor|mentee)[0-9]+@"
        )
    }
    for profiles, role in (
        (MENTOR_PROFILES, EnrolmentRole.MENTOR),
        (MENTEE_PROFILES, EnrolmentRole.MENTEE),
    ):
        for handle, answers in profiles.items():
            member = members[handle]
            enrolment = services.enrolment_add_member(
                actor_membership=owner,
                cohort=cohort,
                member=member,
                role=role,
                mentor_capacity=3 if handle == "mentor1" else None,
                department=answers["department"],
            )
            services.enrolment_save_profile(
                user=member.user,
                enrolment=enrolment,
                answers={
                    **answers,
                    "timezone": member.user.timezone,
                    "availability": _in_blocks(answers["availability"]),
                },
            )


def _in_blocks(windows: list[list[int]]) -> list[list[int]]:
    """The profile form offers three-hour blocks: the blocks each free window touches."""
    return sorted(
        {
            (day, start, end)
            for day, free_from, free_until in windows
            for start, end in AVAILABILITY_BLOCKS
            if start < free_until and free_from < end
        }
    )
