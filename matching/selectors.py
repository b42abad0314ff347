"""Reads of the matching app, always within the organisation; 404 for "missing" and "not yours"."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from matching.models import (
    MatchProposal,
    MatchRun,
    MentorExclusion,
    MentorshipRequest,
    UnmatchedMentee,
)
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Cohort, Enrolment


def runs_of(cohort: Cohort) -> QuerySet[MatchRun]:
    with organization_scope(cohort.organization):
        return (
            MatchRun.objects.filter(cohort=cohort).select_related("created_by").order_by("-number")
        )


def get_run_for(cohort: Cohort, run_id: int) -> MatchRun:
    with organization_scope(cohort.organization):
        try:
            run = MatchRun.objects.select_related("created_by").get(cohort=cohort, pk=run_id)
        except (MatchRun.DoesNotExist, ValueError, TypeError):
            raise Http404("No such match run.") from None
    run.cohort = cohort
    run.organization = cohort.organization
    return run


def proposals_of(run: MatchRun) -> QuerySet[MatchProposal]:
    with organization_scope(run.organization):
        return MatchProposal.objects.filter(run=run).select_related("mentee", "mentor")


def unmatched_of(run: MatchRun) -> QuerySet[UnmatchedMentee]:
    with organization_scope(run.organization):
        return UnmatchedMentee.objects.filter(run=run).select_related("mentee")


def requests_to_mentor(membership: Membership) -> QuerySet[MentorshipRequest]:
    with organization_scope(membership.organization):
        return (
            MentorshipRequest.objects.filter(mentor__user_id=membership.user_id)
            .select_related("mentee", "mentor", "cohort__program")
            .order_by("status", "-created_at")
        )


def requests_from_mentee(membership: Membership) -> QuerySet[MentorshipRequest]:
    with organization_scope(membership.organization):
        return (
            MentorshipRequest.objects.filter(mentee__user_id=membership.user_id)
            .select_related("mentee", "mentor", "cohort__program")
            .order_by("status", "-created_at")
        )


def excluded_mentor_ids(enrolment: Enrolment) -> set[int]:
    with organization_scope(enrolment.organization):
        return set(
            MentorExclusion.objects.filter(mentee=enrolment).values_list("mentor_id", flat=True)
        )


def get_request_for(membership: Membership, request_id: int) -> MentorshipRequest:
    """A request the member sent or received; 404 for anyone else's."""
    with organization_scope(membership.organization):
        try:
            return MentorshipRequest.objects.select_related("mentee", "mentor").get(
                Q(mentee__user_id=membership.user_id) | Q(mentor__user_id=membership.user_id),
                pk=request_id,
            )
        except (MentorshipRequest.DoesNotExist, ValueError, TypeError):
            raise Http404("No such request.") from None
