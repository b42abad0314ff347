"""The programs part of the demo organisation. Idempotent: run it again and nothing doubles."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from organizations.models import Membership
from organizations.scope import organization_scope
from programs import services
from programs.models import Cohort, CohortStatus, Program, ProgramManager
from programs.program_templates import PROGRAM_TEMPLATES

DEMO_PROGRAM = "Leadership mentoring"
DEMO_COHORT = "Spring cohort"


def seed_demo_programs(*, owner: Membership, manager: Membership) -> Program:
    """A leadership program from its template, run by the demo program manager, with a cohort
    whose enrolment is open now."""
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
        if not Cohort.objects.filter(program=program, name=DEMO_COHORT).exists():
            today = timezone.localdate()
            cohort = services.cohort_create(
                actor_membership=owner,
                program=program,
                values=services.CohortSettings(
                    name=DEMO_COHORT,
                    enrolment_opens_on=today - timedelta(days=7),
                    enrolment_closes_on=today + timedelta(days=14),
                    starts_on=today + timedelta(days=21),
                    ends_on=today + timedelta(days=21 + 7 * program.relationship_length_weeks),
                    target_mentors=6,
                    target_mentees=12,
                ),
            )
            services.cohort_transition(
                actor_membership=owner, cohort=cohort, to_status=CohortStatus.ENROLLING
            )
    return program
