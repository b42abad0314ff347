"""Surveys API: a program's surveys (its managers and the report viewers), their results (the
same aggregates and anonymity rules as the results page), and a pair's answers.

Every route answers 404 for what the member may not see (missing, in another organisation, or
not theirs: one answer), whatever the method; a member who sees the program but may not read
its surveys gets 403. The services' refusals are 400 with the field's message.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from programs import selectors as program_selectors
from programs.api.views.base import MentorshipScopedMixin, ProgramScopedMixin
from surveys import aggregate, selectors, services
from surveys.access import pair_enrolment, reads_results, sees_names
from surveys.api.serializers import (
    ResultsQuerySerializer,
    SurveyRespondSerializer,
    SurveyResponseSerializer,
    SurveyResultsSerializer,
    SurveySerializer,
)
from surveys.models import Survey


class SurveysScopedMixin(ProgramScopedMixin):
    """A program whose surveys the member reads: its managers and the report viewers."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if not reads_results(self.membership, self.program):
            raise exceptions.PermissionDenied(
                "Only the program's managers and report viewers read its surveys."
            )


class ProgramSurveysView(SurveysScopedMixin, generics.ListAPIView):
    """The program's surveys (the mid-point one first, then the closing one; a survey nobody set
    up is missing), each with its questions in order and how many answered it."""

    serializer_class = SurveySerializer

    def get_queryset(self) -> list[Survey]:
        return selectors.surveys_of(self.program)


class SurveyResultsView(SurveysScopedMixin, generics.GenericAPIView):
    """A survey's results, question by question: scale (count, average, distribution), NPS
    (promoters, passives, detractors and the score), single choice (count per option), texts.
    An anonymous question answered by fewer than 5 people is `hidden`, and its texts never say
    who wrote them; texts of other questions give the answerer's role, and their name only to
    the program's managers. `cohort` keeps one cohort's answers."""

    serializer_class = SurveyResultsSerializer

    @extend_schema(parameters=[ResultsQuerySerializer])
    def get(self, request, org_slug: str, program_id: int, survey_id: int):
        survey = next((s for s in selectors.surveys_of(self.program) if s.pk == survey_id), None)
        if survey is None:
            raise Http404("No such survey.")
        query = ResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cohort = query.validated_data["cohort"]
        if cohort is not None and not (
            program_selectors.cohorts_of(self.program).filter(pk=cohort).exists()
        ):
            raise exceptions.ValidationError({"cohort": ["Choose a cohort of this program."]})
        cohort_ids = None if cohort is None else [cohort]
        organization = self.membership.organization
        data = {
            "survey": survey,
            "cohort": cohort,
            "responses": aggregate.response_counts(organization, [survey.pk], cohort_ids)[
                survey.pk
            ],
            "questions": aggregate.survey_summary(
                organization, [self.program.pk], cohort_ids, survey_ids=[survey.pk],
                with_names=sees_names(self.membership, self.program),
            ),
        }  # fmt: skip
        return Response(self.get_serializer(data).data)


class SurveyRespondView(MentorshipScopedMixin, generics.GenericAPIView):
    """POST: answer the program's survey for your mentorship (its mentor and mentees only; 404
    for anyone else), once, while it is open for the mentorship: the mid-point survey from the
    day halfway between its start and its planned end, the closing one from 14 days before
    its planned end or once it is completed. Answers are checked first (required questions,
    1-5, 0-10, known options): on any refusal nothing is stored. Errors name the question as
    "q<question id>"."""

    serializer_class = SurveyResponseSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if pair_enrolment(self.membership, self.mentorship) is None:
            raise Http404("No such mentorship.")
        self.mentorship.organization = self.membership.organization

    @extend_schema(request=SurveyRespondSerializer, responses={201: SurveyResponseSerializer})
    def post(self, request, org_slug: str, mentorship_id: int, survey_id: int):
        program = self.mentorship.cohort.program
        program.organization = self.membership.organization
        survey = selectors.get_survey_of(program, survey_id)
        incoming = SurveyRespondSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        answers = {
            item["question_id"]: item["value"] for item in incoming.validated_data["answers"]
        }
        response = services.survey_respond(
            actor=self.membership, mentorship=self.mentorship, survey=survey, answers=answers
        )
        return Response(self.get_serializer(response).data, status=status.HTTP_201_CREATED)
