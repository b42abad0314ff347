"""Programs API: the profile questions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from programs import selectors, services
from programs.api.serializers import (
    QuestionMoveSerializer,
    QuestionSerializer,
    QuestionSettingsSerializer,
    question_settings_of,
)
from programs.api.views.base import ProgramScopedMixin, QuestionScopedMixin


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
