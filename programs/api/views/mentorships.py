"""Programs API: mentorships, their agreements and their status."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from organizations.api.base import OrganizationScopedMixin
from organizations.models import Membership
from programs import selectors
from programs.api.serializers import (
    AgreementConfirmSerializer,
    AgreementSerializer,
    AgreementUpdateSerializer,
    MentorshipDetailSerializer,
    MentorshipReasonSerializer,
    MentorshipSerializer,
    MentorshipStatusSerializer,
    people_of,
)
from programs.api.views.base import MentorshipScopedMixin
from programs.models import Agreement, Mentorship
from programs.services import mentorships as services


def mentorship_detail(membership: Membership, mentorship: Mentorship) -> dict:
    return MentorshipDetailSerializer(
        mentorship,
        context={
            "user_id": membership.user_id,
            "confirmed_by": services.agreement_confirmed_by(mentorship.agreement),
        },
    ).data


def agreement_detail(mentorship: Mentorship, agreement: Agreement) -> dict:
    return AgreementSerializer(
        agreement,
        context={
            "people": people_of(mentorship),
            "confirmed_by": services.agreement_confirmed_by(agreement),
        },
    ).data


class MentorshipListView(OrganizationScopedMixin, generics.ListAPIView):
    """The mentorships you are in, as mentor or mentee, newest first."""

    serializer_class = MentorshipSerializer

    def get_queryset(self):
        return selectors.mentorships_of_member(self.membership)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "user_id": self.membership.user_id}


class MentorshipDetailView(MentorshipScopedMixin, generics.GenericAPIView):
    """One mentorship: who, since when, why they were matched and where the agreement stands.
    The people in it and the managers of its program read it; only the pair reads the
    agreement's words."""

    serializer_class = MentorshipDetailSerializer

    def get(self, request, org_slug: str, mentorship_id: int):
        return Response(mentorship_detail(self.membership, self.mentorship))


class AgreementView(MentorshipScopedMixin, generics.GenericAPIView):
    """How the pair works together (the pair only). PATCH changes the parts sent: the version
    goes up, the previous text is kept, and the others are asked to confirm again. Refused once
    the mentorship has ended."""

    serializer_class = AgreementSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_in_pair()

    def get(self, request, org_slug: str, mentorship_id: int):
        return Response(agreement_detail(self.mentorship, self.mentorship.agreement))

    @extend_schema(request=AgreementUpdateSerializer, responses=AgreementSerializer)
    def patch(self, request, org_slug: str, mentorship_id: int):
        incoming = AgreementUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        agreement = services.agreement_update(
            actor=self.membership, mentorship=self.mentorship, data=incoming.validated_data
        )
        return Response(agreement_detail(self.mentorship, agreement))


class AgreementConfirmView(MentorshipScopedMixin, generics.GenericAPIView):
    """Confirm the agreement as it stands (the pair only). Send the version you read: if it
    changed since, nothing is confirmed and the answer says to read it again."""

    serializer_class = AgreementConfirmSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_in_pair()

    @extend_schema(request=AgreementConfirmSerializer, responses=AgreementSerializer)
    def post(self, request, org_slug: str, mentorship_id: int):
        incoming = AgreementConfirmSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        agreement = services.agreement_confirm(
            actor=self.membership,
            mentorship=self.mentorship,
            version=incoming.validated_data["version"],
        )
        return Response(agreement_detail(self.mentorship, agreement))


class MentorshipEndView(MentorshipScopedMixin, generics.GenericAPIView):
    """End an open mentorship early, with your reason (the pair or the program's managers).
    The mentees go back into the pool; the others are asked for their reason."""

    serializer_class = MentorshipReasonSerializer

    @extend_schema(request=MentorshipReasonSerializer, responses=MentorshipDetailSerializer)
    def post(self, request, org_slug: str, mentorship_id: int):
        incoming = MentorshipReasonSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.mentorship_end_early(
            actor=self.membership,
            mentorship=self.mentorship,
            reason=incoming.validated_data["reason"],
        )
        return Response(mentorship_detail(self.membership, self.mentorship_again()))


class MentorshipEndReasonView(MentorshipScopedMixin, generics.GenericAPIView):
    """After someone ended the mentorship early, each of the others gives their reason too (the
    pair only); sending it again replaces yours."""

    serializer_class = MentorshipReasonSerializer

    @extend_schema(request=MentorshipReasonSerializer, responses=MentorshipDetailSerializer)
    def post(self, request, org_slug: str, mentorship_id: int):
        incoming = MentorshipReasonSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.mentorship_add_end_reason(
            actor=self.membership,
            mentorship=self.mentorship,
            reason=incoming.validated_data["reason"],
        )
        return Response(mentorship_detail(self.membership, self.mentorship_again()))


class MentorshipStatusView(MentorshipScopedMixin, generics.GenericAPIView):
    """Pause, resume or complete the mentorship (the pair or the program's managers)."""

    serializer_class = MentorshipStatusSerializer

    @extend_schema(request=MentorshipStatusSerializer, responses=MentorshipDetailSerializer)
    def post(self, request, org_slug: str, mentorship_id: int):
        incoming = MentorshipStatusSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.mentorship_set_status(
            actor=self.membership,
            mentorship=self.mentorship,
            status=incoming.validated_data["status"],
        )
        return Response(mentorship_detail(self.membership, self.mentorship_again()))
