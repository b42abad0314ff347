from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from mentorship.api.errors import error_body
from organizations.api.base import OrganizationScopedMixin
from organizations.models import Membership
from programs import selectors, services
from programs.access import can_assign_program_managers, can_create_programs, can_manage_program
from programs.api.serializers import (
    CohortSerializer,
    CohortSettingsSerializer,
    CohortTransitionSerializer,
    EnrolmentImportResultSerializer,
    EnrolmentImportSerializer,
    EnrolmentInviteSerializer,
    EnrolmentSerializer,
    ImportRejectedSerializer,
    MyEnrolmentSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    ProgramCreateSerializer,
    ProgramDetailSerializer,
    ProgramListSerializer,
    ProgramManagerAssignSerializer,
    ProgramManagerSerializer,
    ProgramTemplateSerializer,
    ProgramUpdateSerializer,
    QuestionMoveSerializer,
    QuestionSerializer,
    QuestionSettingsSerializer,
    cohort_settings_of,
    program_settings_of,
    question_settings_of,
)
from programs.imports import ImportFileError, RowError, read_participant_csv
from programs.models import (
    Cohort,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    ProfileQuestion,
    Program,
)
from programs.program_templates import PROGRAM_TEMPLATES


class ProgramScopedMixin(OrganizationScopedMixin):
    """For routes under .../programs/<program_id>/: the program must be visible to the member,
    or every method answers 404 (missing, in another organisation or not theirs: one answer).
    Writes are then checked before the body is read: a reader gets 403, not field errors."""

    program: Program

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.program = selectors.get_program_for(self.membership, kwargs["program_id"])

    def require_can_manage(self) -> None:
        if not can_manage_program(self.membership, self.program):
            raise exceptions.PermissionDenied("You do not run this program.")

    def require_can_assign_managers(self) -> None:
        if not can_assign_program_managers(self.membership):
            raise exceptions.PermissionDenied("Only owners and admins assign program managers.")


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


class CohortScopedMixin(ProgramScopedMixin):
    cohort: Cohort

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.cohort = selectors.get_cohort_for(self.membership, self.program, kwargs["cohort_id"])
        # Read inside the member's organisation: reuse that row, as get_program_for does.
        self.cohort.organization = self.membership.organization


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


class QuestionListCreateView(ProgramScopedMixin, generics.ListAPIView):
    """The program's profile form, in order; POST adds a question at the end (those who run the
    program). Giving `partner_id` pairs the partner back with the new question."""

    serializer_class = QuestionSerializer

    def get_queryset(self):
        return selectors.questions_of(self.program)

    @extend_schema(request=QuestionSettingsSerializer, responses={201: QuestionSerializer})
    def post(self, request, org_slug: str, program_id: int):
        self.require_can_manage()
        incoming = QuestionSettingsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        question = services.question_create(
            actor_membership=self.membership,
            program=self.program,
            values=incoming.question_settings(),
        )
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionScopedMixin(ProgramScopedMixin):
    question: ProfileQuestion

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.question = selectors.get_question_for(self.program, kwargs["question_id"])


class QuestionDetailView(QuestionScopedMixin, generics.GenericAPIView):
    """One question; PATCH changes the fields sent and keeps the others (its key never changes,
    so answers already given stay attached); DELETE removes it and unpairs its partner."""

    serializer_class = QuestionSerializer

    def get(self, request, org_slug: str, program_id: int, question_id: int):
        return Response(QuestionSerializer(self.question).data)

    @extend_schema(request=QuestionSettingsSerializer, responses=QuestionSerializer)
    def patch(self, request, org_slug: str, program_id: int, question_id: int):
        self.require_can_manage()
        incoming = QuestionSettingsSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        question = services.question_update(
            actor_membership=self.membership,
            question=self.question,
            values=incoming.question_settings(question_settings_of(self.question)),
        )
        return Response(QuestionSerializer(question).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, org_slug: str, program_id: int, question_id: int):
        self.require_can_manage()
        services.question_delete(actor_membership=self.membership, question=self.question)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionMoveView(QuestionScopedMixin, generics.GenericAPIView):
    """Swap the question with its neighbour; at the top (or bottom) moving further changes
    nothing. Read the list again for the new order."""

    serializer_class = QuestionMoveSerializer

    @extend_schema(request=QuestionMoveSerializer, responses={204: None})
    def post(self, request, org_slug: str, program_id: int, question_id: int):
        self.require_can_manage()
        incoming = QuestionMoveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.question_move(
            actor_membership=self.membership,
            question=self.question,
            direction=incoming.validated_data["direction"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnrolmentListCreateView(CohortScopedMixin, generics.ListAPIView):
    """The cohort's participants, for those who run the program, filtered by `search` (name or
    email), `role`, `state` and `department`; POST invites one person: a member is enrolled
    straight away (approved), anyone else gets the organisation's invitation email (invited)."""

    serializer_class = EnrolmentSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_can_manage()

    def get_queryset(self):
        params = self.request.query_params
        return selectors.cohort_participants(
            self.cohort,
            search=params.get("search", "").strip(),
            role=params.get("role", "").strip(),
            state=params.get("state", "").strip(),
            department=params.get("department", "").strip(),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Part of the name or email."),
            OpenApiParameter("role", str, enum=EnrolmentRole.values),
            OpenApiParameter("state", str, enum=EnrolmentState.values),
            OpenApiParameter("department", str, description="Exact department (any case)."),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=EnrolmentInviteSerializer, responses={201: EnrolmentSerializer})
    def post(self, request, org_slug: str, program_id: int, cohort_id: int):
        incoming = EnrolmentInviteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        enrolment = services.enrolment_invite(
            actor_membership=self.membership, cohort=self.cohort, **incoming.validated_data
        )
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


def import_rejected(row_errors: list[RowError]) -> Response:
    count = len(row_errors)
    body = error_body(
        status.HTTP_400_BAD_REQUEST,
        f"{count} problem{'s' if count != 1 else ''} in the file; nothing was imported.",
    )
    body["rows"] = [
        {"line": error.line, "column": error.column, "message": error.message}
        for error in row_errors
    ]
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class EnrolmentImportView(CohortScopedMixin, generics.GenericAPIView):
    """Upload a participant CSV (multipart, field `file`). Every row is checked first: any
    problem imports nothing and the answer lists each one by line in `rows`. Members are
    enrolled straight away; everyone else is invited to the organisation by email."""

    serializer_class = EnrolmentImportSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": EnrolmentImportSerializer},
        responses={201: EnrolmentImportResultSerializer, 400: ImportRejectedSerializer},
    )
    def post(self, request, org_slug: str, program_id: int, cohort_id: int):
        self.require_can_manage()
        incoming = EnrolmentImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["file"]
        try:
            rows, row_errors = read_participant_csv(upload.chunks(), upload.size)
        except ImportFileError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from None
        if row_errors:
            return import_rejected(row_errors)
        try:
            result = services.enrolment_import(
                actor_membership=self.membership, cohort=self.cohort, rows=rows
            )
        except services.ImportRejectedError as error:
            return import_rejected(error.row_errors)
        return Response(
            EnrolmentImportResultSerializer(
                {
                    "imported": len(rows),
                    "enrolled_members": result.enrolled_members,
                    "invited": result.invited,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


class MyEnrolmentListView(OrganizationScopedMixin, generics.ListAPIView):
    """The cohorts you take part in, newest first."""

    serializer_class = MyEnrolmentSerializer

    def get_queryset(self):
        return selectors.enrolments_of_member(self.membership)


class MyProfileView(OrganizationScopedMixin, generics.GenericAPIView):
    """Your profile in one of your cohorts: the questions you answer and your answers. PUT
    saves every answer or (on any invalid one) none; errors are keyed by question key.
    Profiles lock once matching starts, and after you withdraw."""

    serializer_class = ProfileSerializer
    enrolment: Enrolment

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.enrolment = selectors.get_own_enrolment(self.membership, kwargs["enrolment_id"])

    def profile(self) -> dict:
        return ProfileSerializer(
            {
                "questions": services.questions_for(self.enrolment),
                "answers": selectors.answers_of(self.enrolment),
            },
            context={"skills": self.enrolment.cohort.program.skills},
        ).data

    def get(self, request, org_slug: str, enrolment_id: int):
        return Response(self.profile())

    @extend_schema(request=ProfileUpdateSerializer, responses=ProfileSerializer)
    def put(self, request, org_slug: str, enrolment_id: int):
        incoming = ProfileUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        self.enrolment = services.enrolment_save_profile(
            user=request.user, enrolment=self.enrolment, answers=incoming.validated_data["answers"]
        )
        return Response(self.profile())
