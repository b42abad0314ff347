"""Programs API: participants, the CSV import, and a participant's own enrolments and profile."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from mentorship.api.errors import error_body
from organizations.api.base import OrganizationScopedMixin
from programs import selectors, services
from programs.api.serializers import (
    EnrolmentImportResultSerializer,
    EnrolmentImportSerializer,
    EnrolmentInviteSerializer,
    EnrolmentSerializer,
    ImportRejectedSerializer,
    MyEnrolmentSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
)
from programs.api.views.base import CohortScopedMixin
from programs.imports import ImportFileError, RowError, read_participant_csv
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
)


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
