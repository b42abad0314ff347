"""Programs API: cohorts and their lifecycle."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from programs import selectors, services
from programs.api.serializers import (
    CohortSerializer,
    CohortSettingsSerializer,
    CohortTransitionSerializer,
    cohort_settings_of,
)
from programs.api.views.base import CohortScopedMixin, ProgramScopedMixin


class CohortListCreateView(ProgramScopedMixin, generics.ListAPIView):
    """The program's cohorts; POST adds one (those who run the program)."""

    serializer_class = CohortSerializer

    def get_queryset(self):
        return selectors.cohorts_of(self.program)

    @extend_schema(request=CohortSettingsSerializer, responses={201: CohortSerializer})
    def post(self, request, org_slug: str, program_id: int):
        self.require_can_manage()
        incoming = CohortSettingsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cohort = services.cohort_create(
            actor_membership=self.membership,
            program=self.program,
            values=incoming.cohort_settings(),
        )
        return Response(CohortSerializer(cohort).data, status=status.HTTP_201_CREATED)


class CohortDetailView(CohortScopedMixin, generics.GenericAPIView):
    """One cohort; PATCH changes its name, dates and targets (not once it is completed)."""

    serializer_class = CohortSerializer

    def get(self, request, org_slug: str, program_id: int, cohort_id: int):
        return Response(CohortSerializer(self.cohort).data)

    @extend_schema(request=CohortSettingsSerializer, responses=CohortSerializer)
    def patch(self, request, org_slug: str, program_id: int, cohort_id: int):
        self.require_can_manage()
        incoming = CohortSettingsSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        cohort = services.cohort_update(
            actor_membership=self.membership,
            cohort=self.cohort,
            values=incoming.cohort_settings(cohort_settings_of(self.cohort)),
        )
        return Response(CohortSerializer(cohort).data)


class CohortTransitionView(CohortScopedMixin, generics.GenericAPIView):
    """Move the cohort along draft -> enrolling -> matching -> active -> completed. A move its
    dates do not allow yet is refused with the reason, unless `force` is true."""

    serializer_class = CohortTransitionSerializer

    @extend_schema(request=CohortTransitionSerializer, responses=CohortSerializer)
    def post(self, request, org_slug: str, program_id: int, cohort_id: int):
        self.require_can_manage()
        incoming = CohortTransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cohort = services.cohort_transition(
            actor_membership=self.membership,
            cohort=self.cohort,
            to_status=incoming.validated_data["status"],
            force=incoming.validated_data["force"],
        )
        return Response(CohortSerializer(cohort).data)
