"""The matching part of the demo organisation: a published run and a pending request.
Idempotent: once the demo cohort has a run, nothing is added."""

from __future__ import annotations

from matching import services
from matching.models import MatchProposal, MatchRun
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Cohort, Enrolment, Mentorship
from programs.services.mentorships import agreement_confirm

# This mentee is left out of the published run, so the demo shows self-select: they have asked
# a mentor, who has not answered yet.
WAITING_MENTEE = "mentee12@"


def seed_demo_matching(*, manager: Membership, cohort: Cohort) -> None:
    organization = manager.organization
    with organization_scope(organization):
        if MatchRun.objects.filter(cohort=cohort).exists():
            return
        run = services.match_run_create(actor=manager, cohort=cohort)
        waiting = MatchProposal.objects.filter(
            run=run, mentee__email__startswith=WAITING_MENTEE
        ).first()
        if waiting is not None:
            services.match_run_remove_pair(actor=manager, run=run, proposal_id=waiting.pk)
        started = services.match_run_publish(actor=manager, run=run)
        first = (
            Mentorship.objects.filter(pk__in=[m.pk for m in started])
            .select_related("mentor__user")
            .order_by("pk")
            .first()
        )
        if first is not None:
            for enrolment in [first.mentor, *(m.mentee for m in first.members.all())]:
                member = Membership.objects.select_related("organization", "user").get(
                    user_id=enrolment.user_id
                )
                agreement_confirm(actor=member, mentorship=first, version=1)
        mentee = (
            Enrolment.objects.select_related("cohort__program", "user")
            .filter(cohort=cohort, email__startswith=WAITING_MENTEE)
            .first()
        )
        if mentee is None:
            return
        member = Membership.objects.select_related("organization", "user").get(
            user_id=mentee.user_id
        )
        suggestions = services.suggestions_for(actor=member, enrolment=mentee)
        if suggestions:
            services.mentorship_request_send(
                actor=member,
                enrolment=mentee,
                mentor_id=suggestions[0].mentor.pk,
                message=(
                    "Hello! Your experience is exactly what I am looking for: I would love to "
                    "work with you on leading my first team. Could you mentor me this spring?"
                ),
            )
