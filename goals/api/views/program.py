"""Goals API: what a program sets its pairs: goal templates, relationship milestones and how
often they check in."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from goals import selectors, services
from goals.api.serializers import (
    CheckInSettingsSerializer,
    GoalTemplateSerializer,
    GoalTemplateWriteSerializer,
    ProgramMilestoneSerializer,
    ProgramMilestoneWriteSerializer,
)
from goals.api.views.base import ManagedProgramMixin, ProgramOfPairsScopedMixin
from goals.models import GoalTemplate, ProgramMilestone


class GoalTemplateListCreateView(ProgramOfPairsScopedMixin, generics.ListAPIView):
    """GET: the goals the program suggests its pairs start from, by title (those who see the
    program, and its participants). POST: suggest one (those who run the program); titles are
    unique in the program."""

    serializer_class = GoalTemplateSerializer

    def get_queryset(self) -> list[GoalTemplate]:
        return selectors.goal_templates_of(self.program)

    @extend_schema(request=GoalTemplateWriteSerializer, responses={201: GoalTemplateSerializer})
    def post(self, request, org_slug: str, program_id: int):
        self.require_can_manage()
        incoming = GoalTemplateWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        template = services.goal_template_create(
            actor=self.membership, program=self.program, **incoming.validated_data
        )
        return Response(GoalTemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class GoalTemplateDetailView(ProgramOfPairsScopedMixin, generics.GenericAPIView):
    """DELETE: stop suggesting a goal (those who run the program); goals started from it
    stay."""

    serializer_class = GoalTemplateSerializer

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, org_slug: str, program_id: int, template_id: int):
        self.require_can_manage()
        template = selectors.get_goal_template_in(self.program, template_id)
        services.goal_template_delete(actor=self.membership, template=template)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgramMilestoneListCreateView(ManagedProgramMixin, generics.ListAPIView):
    """GET: the milestones every pair of the program gets, by days after the match (a program
    starts with the defaults: agreement within 7 days, first meeting within 14, a mid-point
    check-in and a closing reflection). POST: add one; every open mentorship gets it too. Those
    who run the program only."""

    serializer_class = ProgramMilestoneSerializer

    def get_queryset(self) -> list[ProgramMilestone]:
        services.program_goal_settings(self.program)  # the defaults, the first time
        return selectors.program_milestones_of(self.program)

    @extend_schema(
        request=ProgramMilestoneWriteSerializer, responses={201: ProgramMilestoneSerializer}
    )
    def post(self, request, org_slug: str, program_id: int):
        incoming = ProgramMilestoneWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        milestone = services.program_milestone_create(
            actor=self.membership, program=self.program, **incoming.validated_data
        )
        return Response(ProgramMilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class ProgramMilestoneDetailView(ManagedProgramMixin, generics.GenericAPIView):
    """DELETE: remove the milestone from the program, and from its open mentorships where it is
    not done (what a pair did stays in their history). Those who run the program only."""

    serializer_class = ProgramMilestoneSerializer

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, org_slug: str, program_id: int, milestone_id: int):
        milestone = selectors.get_program_milestone_in(self.program, milestone_id)
        services.program_milestone_delete(actor=self.membership, milestone=milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckInSettingsView(ManagedProgramMixin, generics.GenericAPIView):
    """How often the program's pairs check in, each on their own, and whether they are asked
    at all. PUT replaces both. Those who run the program only."""

    serializer_class = CheckInSettingsSerializer

    def get(self, request, org_slug: str, program_id: int):
        settings = services.program_goal_settings(self.program)
        return Response(CheckInSettingsSerializer(settings).data)

    @extend_schema(request=CheckInSettingsSerializer, responses=CheckInSettingsSerializer)
    def put(self, request, org_slug: str, program_id: int):
        incoming = CheckInSettingsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        settings = services.check_in_settings_update(
            actor=self.membership, program=self.program, **incoming.validated_data
        )
        return Response(CheckInSettingsSerializer(settings).data)
