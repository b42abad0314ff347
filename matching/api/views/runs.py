"""Matching API: a cohort's match runs, their review (swap, lock, remove, re-run) and publishing."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from matching import selectors, services
from matching.api.serializers import (
    MatchRunDetailSerializer,
    MatchRunSerializer,
    MatchRunStartSerializer,
    ProposalLockSerializer,
    ProposalSerializer,
    PublishedSerializer,
    SwapSerializer,
    UnmatchedSerializer,
)
from matching.models import MatchProposal, MatchRun
from programs.api.views.base import CohortScopedMixin


class ManagedCohortMixin(CohortScopedMixin):
    """Matching a cohort is for those who run its program: others who can see the program get
    403 whatever the method, before anything else is read."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_can_manage()


class RunScopedMixin(ManagedCohortMixin):
    run: MatchRun

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.run = selectors.get_run_for(self.cohort, kwargs["run_id"])

    def run_again(self) -> MatchRun:
        """The run read again, after a service changed it."""
        return selectors.get_run_for(self.cohort, self.run.pk)


class ProposalScopedMixin(RunScopedMixin):
    proposal: MatchProposal

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        try:
            self.proposal = selectors.proposals_of(self.run).get(pk=kwargs["proposal_id"])
        except MatchProposal.DoesNotExist:
            raise Http404("No such proposal.") from None


class MatchRunListCreateView(ManagedCohortMixin, generics.ListAPIView):
    """The cohort's match runs, newest first; POST scores every pair of mentees waiting and
    mentors with a place, and stores the proposals as a draft run to review (the cohort must be
    in matching, with mentees and mentors whose profiles are complete)."""

    serializer_class = MatchRunSerializer

    def get_queryset(self):
        return selectors.runs_of(self.cohort)

    @extend_schema(request=MatchRunStartSerializer, responses={201: MatchRunDetailSerializer})
    def post(self, request, org_slug: str, program_id: int, cohort_id: int):
        incoming = MatchRunStartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        run = services.match_run_create(
            actor=self.membership, cohort=self.cohort, **incoming.validated_data
        )
        return Response(MatchRunDetailSerializer(run).data, status=status.HTTP_201_CREATED)


class MatchRunDetailView(RunScopedMixin, generics.GenericAPIView):
    """One run: what it was scored with (`parameters`) and how it came out (`summary`)."""

    serializer_class = MatchRunDetailSerializer

    def get(self, request, org_slug: str, program_id: int, cohort_id: int, run_id: int):
        return Response(MatchRunDetailSerializer(self.run).data)


class ProposalListView(RunScopedMixin, generics.ListAPIView):
    """The pairs the run proposes, best score first, each with its score criterion by
    criterion."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        return selectors.proposals_of(self.run)


class UnmatchedListView(RunScopedMixin, generics.ListAPIView):
    """The mentees the run could not match, by name, and why: which rules excluded which
    mentors, or that the suitable mentors' places went to others."""

    serializer_class = UnmatchedSerializer

    def get_queryset(self):
        return selectors.unmatched_of(self.run)


class MatchRunSwapView(RunScopedMixin, generics.GenericAPIView):
    """Swap the mentors of two proposed pairs of a draft run. Both new pairs must keep every
    hard rule; their scores are computed again. Answers the two changed pairs."""

    serializer_class = SwapSerializer

    @extend_schema(request=SwapSerializer, responses=ProposalSerializer(many=True))
    def post(self, request, org_slug: str, program_id: int, cohort_id: int, run_id: int):
        incoming = SwapSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        pairs = services.match_run_swap(
            actor=self.membership,
            run=self.run,
            first_id=incoming.validated_data["first"],
            second_id=incoming.validated_data["second"],
        )
        return Response(ProposalSerializer(pairs, many=True).data)


class ProposalDetailView(ProposalScopedMixin, generics.GenericAPIView):
    """DELETE takes the pair out of a draft run; the mentee is then listed as unmatched."""

    serializer_class = ProposalSerializer

    @extend_schema(request=None, responses={204: None})
    def delete(
        self, request, org_slug: str, program_id: int, cohort_id: int, run_id: int, proposal_id: int
    ):
        services.match_run_remove_pair(
            actor=self.membership, run=self.run, proposal_id=self.proposal.pk
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProposalLockView(ProposalScopedMixin, generics.GenericAPIView):
    """Lock a pair of a draft run (re-running keeps it) or unlock it."""

    serializer_class = ProposalLockSerializer

    @extend_schema(request=ProposalLockSerializer, responses=ProposalSerializer)
    def post(
        self, request, org_slug: str, program_id: int, cohort_id: int, run_id: int, proposal_id: int
    ):
        incoming = ProposalLockSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        proposal = services.match_run_set_locked(
            actor=self.membership,
            run=self.run,
            proposal_id=self.proposal.pk,
            locked=incoming.validated_data["locked"],
        )
        return Response(ProposalSerializer(proposal).data)


class MatchRunRerunView(RunScopedMixin, generics.GenericAPIView):
    """Match the cohort again with the current settings and profiles, keeping the locked
    pairs: answers the new draft run; this one is discarded."""

    serializer_class = MatchRunDetailSerializer

    @extend_schema(request=None, responses={201: MatchRunDetailSerializer})
    def post(self, request, org_slug: str, program_id: int, cohort_id: int, run_id: int):
        run = services.match_run_rerun(actor=self.membership, run=self.run)
        return Response(MatchRunDetailSerializer(run).data, status=status.HTTP_201_CREATED)


class MatchRunPublishView(RunScopedMixin, generics.GenericAPIView):
    """Start a mentorship for every proposed pair, all or nothing: if the cohort changed since
    the run (a mentee matched meanwhile, a mentor's places filled up), nothing is published and
    the answer names who. Everyone is notified; the cohort's other draft runs are discarded."""

    serializer_class = PublishedSerializer

    @extend_schema(request=None, responses=PublishedSerializer)
    def post(self, request, org_slug: str, program_id: int, cohort_id: int, run_id: int):
        started = services.match_run_publish(actor=self.membership, run=self.run)
        # In a group program several pairs land in one mentorship: each id once, in order.
        mentorship_ids = list(dict.fromkeys(mentorship.pk for mentorship in started))
        return Response(
            PublishedSerializer({"run": self.run_again(), "mentorships": mentorship_ids}).data
        )


class MatchRunDiscardView(RunScopedMixin, generics.GenericAPIView):
    """Discard a draft run: nothing of it is published."""

    serializer_class = MatchRunDetailSerializer

    @extend_schema(request=None, responses=MatchRunDetailSerializer)
    def post(self, request, org_slug: str, program_id: int, cohort_id: int, run_id: int):
        services.match_run_discard(actor=self.membership, run=self.run)
        return Response(MatchRunDetailSerializer(self.run_again()).data)
