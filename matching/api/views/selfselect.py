"""Matching API, self-select: the mentors suggested to a mentee, requests and their answers."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from matching import selectors, services
from matching.api.serializers import (
    REQUEST_DIRECTIONS,
    MentorshipRequestDeclineSerializer,
    MentorshipRequestSendSerializer,
    MentorshipRequestSerializer,
    SuggestionSerializer,
)
from matching.models import MentorshipRequest
from organizations.api.base import OrganizationScopedMixin
from programs import selectors as program_selectors
from programs.models import Enrolment


class SuggestionListView(OrganizationScopedMixin, generics.ListAPIView):
    """The mentors suggested to you in one of your cohorts, best first, with the score
    criterion by criterion and their free places. Answers 400 with the reason when you cannot
    choose a mentor there (the program matches for you, the cohort is not matching yet, your
    profile is not complete, you already have a mentor)."""

    serializer_class = SuggestionSerializer
    enrolment: Enrolment

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.enrolment = program_selectors.get_own_enrolment(
            self.membership, kwargs["enrolment_id"]
        )

    def get_queryset(self):
        return services.suggestions_for(actor=self.membership, enrolment=self.enrolment)


class MentorshipRequestListCreateView(OrganizationScopedMixin, generics.ListAPIView):
    """The requests you sent (as a mentee) and received (as a mentor), by status, newest first
    within one; `direction` keeps one kind. POST asks a mentor of your cohort: the pair must keep every
    hard rule, the mentor must have a free place, and a few requests at most wait at once."""

    serializer_class = MentorshipRequestSerializer

    def get_queryset(self):
        direction = self.request.query_params.get("direction", "").strip()
        if direction == "sent":
            return selectors.requests_from_mentee(self.membership)
        if direction == "received":
            return selectors.requests_to_mentor(self.membership)
        if direction:
            raise exceptions.ValidationError({"direction": ["Choose sent or received."]})
        return selectors.requests_from_mentee(self.membership) | selectors.requests_to_mentor(
            self.membership
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "user_id": self.membership.user_id}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "direction",
                str,
                enum=[value for value, _ in REQUEST_DIRECTIONS],
                description="Only the requests you sent, or only those you received.",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=MentorshipRequestSendSerializer, responses={201: MentorshipRequestSerializer}
    )
    def post(self, request, org_slug: str):
        incoming = MentorshipRequestSendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            enrolment = program_selectors.get_own_enrolment(
                self.membership, incoming.validated_data["enrolment"]
            )
        except Http404:
            raise exceptions.ValidationError(
                {"enrolment": ["Choose one of your own places in a cohort."]}
            ) from None
        sent = services.mentorship_request_send(
            actor=self.membership,
            enrolment=enrolment,
            mentor_id=incoming.validated_data["mentor"],
            message=incoming.validated_data["message"],
        )
        return Response(
            MentorshipRequestSerializer(sent, context={"user_id": self.membership.user_id}).data,
            status=status.HTTP_201_CREATED,
        )


class MentorshipRequestScopedMixin(OrganizationScopedMixin):
    """For routes under .../mentorship-requests/<request_id>/: a request you sent or received;
    anyone else's answers 404."""

    mentorship_request: MentorshipRequest

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.mentorship_request = selectors.get_request_for(self.membership, kwargs["request_id"])

    def request_now(self) -> dict:
        """The request read again, after a service answered it."""
        return MentorshipRequestSerializer(
            selectors.get_request_for(self.membership, self.mentorship_request.pk),
            context={"user_id": self.membership.user_id},
        ).data


class MentorshipRequestAcceptView(MentorshipRequestScopedMixin, generics.GenericAPIView):
    """The mentor asked says yes: the mentorship starts if they still have a free place and the
    mentee has not been matched meanwhile. The mentee's other requests are withdrawn."""

    serializer_class = MentorshipRequestSerializer

    @extend_schema(request=None, responses=MentorshipRequestSerializer)
    def post(self, request, org_slug: str, request_id: int):
        services.mentorship_request_accept(
            actor=self.membership, request_id=self.mentorship_request.pk
        )
        return Response(self.request_now())


class MentorshipRequestDeclineView(MentorshipRequestScopedMixin, generics.GenericAPIView):
    """The mentor asked says no, optionally with a reason the mentee reads."""

    serializer_class = MentorshipRequestDeclineSerializer

    @extend_schema(
        request=MentorshipRequestDeclineSerializer, responses=MentorshipRequestSerializer
    )
    def post(self, request, org_slug: str, request_id: int):
        incoming = MentorshipRequestDeclineSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.mentorship_request_decline(
            actor=self.membership,
            request_id=self.mentorship_request.pk,
            reason=incoming.validated_data["reason"],
        )
        return Response(self.request_now())


class MentorshipRequestWithdrawView(MentorshipRequestScopedMixin, generics.GenericAPIView):
    """The mentee who asked takes the request back while it waits."""

    serializer_class = MentorshipRequestSerializer

    @extend_schema(request=None, responses=MentorshipRequestSerializer)
    def post(self, request, org_slug: str, request_id: int):
        services.mentorship_request_withdraw(
            actor=self.membership, request_id=self.mentorship_request.pk
        )
        return Response(self.request_now())
