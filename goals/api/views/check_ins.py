"""Goals API: a mentorship's check-ins, and when each of the pair next checks in."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from goals import selectors, services
from goals.api.serializers import (
    CheckInPageSerializer,
    CheckInScheduleSerializer,
    CheckInSerializer,
    CheckInWriteSerializer,
)
from goals.api.views.base import MentorshipGoalsScopedMixin

PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="The page, from 1."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Check-ins a page (at most 200)."),
]


class CheckInListCreateView(MentorshipGoalsScopedMixin, generics.GenericAPIView):
    """GET: the mentorship's check-ins, newest first, and when each of the pair next checks in
    (or how many days late they are). The pair reads each other's reflections (progress,
    blockers, next steps), and the rating and note to the managers of their own check-ins only;
    the program's managers read the ratings and the notes written to them, not the reflections.
    POST: write your check-in (the pair, while the mentorship is open) for the current period,
    or the next one once it is answered; a late one counts for the current period."""

    serializer_class = CheckInSerializer

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "viewer": self.viewer,
            "user_id": self.membership.user_id,
            "people": self.people(),
        }

    @extend_schema(parameters=PAGE_PARAMETERS, responses=CheckInPageSerializer)
    def get(self, request, org_slug: str, mentorship_id: int):
        check_ins = selectors.check_ins_of(self.mentorship)
        page = self.paginate_queryset(check_ins)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["schedule"] = CheckInScheduleSerializer(
            selectors.check_in_schedule(self.mentorship, check_ins), many=True
        ).data
        return response

    @extend_schema(request=CheckInWriteSerializer, responses={201: CheckInSerializer})
    def post(self, request, org_slug: str, mentorship_id: int):
        self.require_pair()
        incoming = CheckInWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        check_in = services.check_in_submit(
            actor=self.membership,
            mentorship=self.mentorship,
            answers=services.CheckInAnswers(**incoming.validated_data),
        )
        return Response(self.get_serializer(check_in).data, status=status.HTTP_201_CREATED)
