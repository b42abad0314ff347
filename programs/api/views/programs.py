"""Programs API: programs, templates and program managers."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from organizations.api.base import OrganizationScopedMixin
from organizations.models import Membership
from programs import selectors, services
from programs.access import can_create_programs, can_manage_program
from programs.api.serializers import (
    ProgramCreateSerializer,
    ProgramDetailSerializer,
    ProgramListSerializer,
    ProgramManagerAssignSerializer,
    ProgramManagerSerializer,
    ProgramTemplateSerializer,
    ProgramUpdateSerializer,
    program_settings_of,
)
from programs.api.views.base import ProgramScopedMixin
from programs.models import (
    Program,
)
from programs.program_templates import PROGRAM_TEMPLATES


def program_detail(membership: Membership, program: Program) -> dict:
    return ProgramDetailSerializer(
        program,
        context={
            "managers": selectors.program_managers_of(program),
            "can_manage": can_manage_program(membership, program),
        },
    ).data


class ProgramListCreateView(OrganizationScopedMixin, generics.ListAPIView):
    """The programs you may see, with their cohort counts; POST creates a draft program
    (owners, admins and program managers; a program manager becomes its manager)."""

    serializer_class = ProgramListSerializer

    def get_queryset(self):
        return selectors.program_list_for(self.membership)

    @extend_schema(request=ProgramCreateSerializer, responses={201: ProgramDetailSerializer})
    def post(self, request, org_slug: str):
        if not can_create_programs(self.membership):
            raise exceptions.PermissionDenied(
                "Only owners, admins and program managers create programs."
            )
        incoming = ProgramCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        program = services.program_create(
            actor_membership=self.membership,
            values=incoming.program_settings_from_template(),
            template=incoming.validated_data.get("template", ""),
        )
        return Response(program_detail(self.membership, program), status=status.HTTP_201_CREATED)


class ProgramDetailView(ProgramScopedMixin, generics.GenericAPIView):
    """One program with its managers and skill list; PATCH changes settings, skills and status
    together, or none of them (those who run it)."""

    serializer_class = ProgramDetailSerializer

    def get(self, request, org_slug: str, program_id: int):
        return Response(program_detail(self.membership, self.program))

    @extend_schema(request=ProgramUpdateSerializer, responses=ProgramDetailSerializer)
    def patch(self, request, org_slug: str, program_id: int):
        self.require_can_manage()
        incoming = ProgramUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        program = self.program
        new_status = incoming.validated_data.get("status")
        with transaction.atomic():
            if incoming.has_settings():
                program = services.program_update(
                    actor_membership=self.membership,
                    program=program,
                    values=incoming.program_settings(program_settings_of(program)),
                )
            if "skills" in incoming.validated_data:
                program = services.program_skills_update(
                    actor_membership=self.membership,
                    program=program,
                    skills=incoming.validated_data["skills"],
                )
            if new_status and new_status != program.status:
                program = services.program_set_status(
                    actor_membership=self.membership, program=program, status=new_status
                )
        return Response(program_detail(self.membership, program))


class ProgramTemplateListView(OrganizationScopedMixin, generics.ListAPIView):
    """Starting points for a new program: pass a `key` as `template` when creating one."""

    serializer_class = ProgramTemplateSerializer

    def get_queryset(self):
        return list(PROGRAM_TEMPLATES.values())


class ProgramManagerListView(ProgramScopedMixin, generics.ListAPIView):
    """The program's managers; POST assigns a member with the program manager role (owners and
    admins)."""

    serializer_class = ProgramManagerSerializer

    def get_queryset(self):
        return selectors.program_managers_of(self.program)

    @extend_schema(
        request=ProgramManagerAssignSerializer, responses={201: ProgramManagerSerializer}
    )
    def post(self, request, org_slug: str, program_id: int):
        self.require_can_assign_managers()
        incoming = ProgramManagerAssignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        assignment = services.program_manager_assign(
            actor_membership=self.membership,
            program=self.program,
            user_id=incoming.validated_data["user_id"],
        )
        return Response(ProgramManagerSerializer(assignment).data, status=status.HTTP_201_CREATED)


class ProgramManagerDetailView(ProgramScopedMixin, generics.GenericAPIView):
    """DELETE unassigns the user from the program (owners and admins). Unassigning someone who
    does not manage it changes nothing and answers the same."""

    serializer_class = ProgramManagerSerializer

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, org_slug: str, program_id: int, user_id: int):
        self.require_can_assign_managers()
        services.program_manager_unassign(
            actor_membership=self.membership, program=self.program, user_id=user_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
