"""Surveys in the browser: a program's two surveys and their question builder (its managers;
report viewers read them), the results (managers and report viewers, through aggregate.py), and
the page where a mentor or mentee answers. A refused save renders the page again with the
form's errors (400), so nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.forms import save_form
from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors as program_selectors
from programs.access import can_manage_program
from programs.models import Program
from surveys import aggregate, selectors, services, timing
from surveys.access import sees_names
from surveys.forms import ANONYMOUS_NOTE, SurveyAnswerForm, SurveyQuestionForm, SurveySettingsForm
from surveys.models import MOMENTS, Survey, SurveyMoment


def _surveys_url(membership: Membership, program_id: int, anchor: str = "") -> str:
    url = reverse(
        "surveys:program_surveys",
        kwargs={"org_slug": membership.organization.slug, "program_id": program_id},
    )
    return f"{url}#{anchor}" if anchor else url


def _act(request: HttpRequest, action: Callable[[], Any], success: str) -> None:
    """A one-button action: its refusal becomes an error message on the page it returns to."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, success)


# A program's surveys --------------------------------------------------------------------------


def _surveys_page(
    request: HttpRequest, membership: Membership, program: Program, *,
    forms_by_moment: dict[str, forms.Form] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    found = {survey.moment: survey for survey in selectors.surveys_of(program)}
    forms_by_moment = forms_by_moment or {}
    cards = []
    for moment in MOMENTS:
        survey = found.get(moment)
        initial = (
            SurveySettingsForm.initial_from(survey)
            if survey
            else {"title": services.DEFAULT_TITLES[moment]}
        )
        cards.append(
            {
                "moment": moment,
                "label": SurveyMoment(moment).label,
                "when": timing.moment_label(moment),
                "survey": survey,
                "questions": list(survey.questions.all()) if survey else [],
                "form": forms_by_moment.get(moment)
                or SurveySettingsForm(initial=initial, prefix=moment),
            }
        )
    return render(
        request,
        "surveys/program_surveys.html",
        {
            "membership": membership,
            "program": program,
            "can_manage": can_manage_program(membership, program),
            "cards": cards,
            "has_questions": any(card["questions"] for card in cards),
            "anonymous_note": ANONYMOUS_NOTE,
        },
        status=status,
    )


@organization_view()
def program_surveys(request: HttpRequest, program_id: int, *, membership: Membership):
    program = selectors.get_program_for_surveys(membership, program_id)
    return _surveys_page(request, membership, program)


@organization_view()
@require_POST
def suggested(request: HttpRequest, program_id: int, *, membership: Membership):
    program = selectors.get_managed_program(membership, program_id)
    added = services.surveys_install_suggested(actor=membership, program=program)
    if added:
        messages.success(
            request,
            f"{added} suggested questions added. Read them through, then switch each survey on "
            "to send it.",
        )
    else:
        messages.info(request, "Both surveys have questions already: nothing was added.")
    return redirect(_surveys_url(membership, program.pk))


@organization_view()
@require_POST
def survey_settings(request: HttpRequest, program_id: int, moment: str, *, membership: Membership):
    program = selectors.get_managed_program(membership, program_id)
    if moment not in SurveyMoment.values:
        raise Http404("No such survey.")
    form = SurveySettingsForm(request.POST, prefix=moment)

    def save() -> Survey:
        return services.survey_save(
            actor=membership, program=program, moment=moment, values=form.settings()
        )

    if response := save_form(
        request,
        form,
        save,
        success=lambda survey: (
            f"“{survey.title}” saved"
            + (
                ": it is sent to the pairs."
                if survey.is_active
                else ", switched off: nobody gets it."
            )
        ),
        redirect_to=_surveys_url(membership, program.pk, f"survey-{moment}"),
    ):
        return response
    return _surveys_page(request, membership, program, forms_by_moment={moment: form}, status=400)


def _question_page(request, membership, program, moment: str, question=None) -> HttpResponse:
    initial = (
        SurveyQuestionForm.initial_from(question)
        if question
        else {"kind": "scale", "required": True}
    )
    form = SurveyQuestionForm(request.POST or None, initial=initial)

    def save():
        if question is None:
            return services.question_create(
                actor=membership, program=program, moment=moment, values=form.settings()
            )
        return services.question_update(actor=membership, question=question, values=form.settings())

    if response := save_form(
        request,
        form,
        save,
        success="Question added." if question is None else "Question saved.",
        redirect_to=lambda saved: _surveys_url(membership, program.pk, f"question-{saved.pk}"),
    ):
        return response
    return render(
        request,
        "surveys/question_form.html",
        {
            "membership": membership,
            "program": program,
            "question": question,
            "moment_label": SurveyMoment(moment).label,
            "form": form,
            "answered": question is not None and question.answers.exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


@organization_view()
def question_create(request: HttpRequest, program_id: int, moment: str, *, membership: Membership):
    program = selectors.get_managed_program(membership, program_id)
    if moment not in SurveyMoment.values:
        raise Http404("No such survey.")
    return _question_page(request, membership, program, moment)


@organization_view()
def question_edit(request: HttpRequest, program_id: int, question_id: int, *,
                  membership: Membership):  # fmt: skip
    program = selectors.get_managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    return _question_page(request, membership, program, question.survey.moment, question)


@organization_view()
@require_POST
def question_move(request: HttpRequest, program_id: int, question_id: int, *,
                  membership: Membership):  # fmt: skip
    program = selectors.get_managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    direction = request.POST.get("direction", "")
    _act(
        request,
        lambda: services.question_move(actor=membership, question=question, direction=direction),
        f"“{question.label}” moved {direction}.",
    )
    return redirect(_surveys_url(membership, program.pk, f"question-{question.pk}"))


@organization_view()
@require_POST
def question_delete(request: HttpRequest, program_id: int, question_id: int, *,
                    membership: Membership):  # fmt: skip
    program = selectors.get_managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    _act(
        request,
        lambda: services.question_delete(actor=membership, question=question),
        f"Question removed: “{question.label}”.",
    )
    return redirect(_surveys_url(membership, program.pk, f"survey-{question.survey.moment}"))


# Results --------------------------------------------------------------------------------------


class ResultsFilterForm(forms.Form):
    cohort = forms.TypedChoiceField(label="Cohort", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, cohorts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "Every cohort")] + [(c.pk, c.name) for c in cohorts]

    def cohort_ids(self) -> list[int] | None:
        if not self.is_valid() or self.cleaned_data["cohort"] is None:
            return None
        return [self.cleaned_data["cohort"]]


@organization_view()
def results(request: HttpRequest, program_id: int, survey_id: int, *, membership: Membership):
    program = selectors.get_program_for_surveys(membership, program_id)
    survey = selectors.get_survey_of(program, survey_id)
    cohorts = list(program_selectors.cohorts_of(program).order_by("-starts_on", "name"))
    filters = ResultsFilterForm(request.GET or None, cohorts=cohorts)
    cohort_ids = filters.cohort_ids()
    summaries = aggregate.survey_summary(
        membership.organization, [program.pk], cohort_ids, survey_ids=[survey.pk],
        with_names=sees_names(membership, program),
    )  # fmt: skip
    answered = aggregate.response_counts(membership.organization, [survey.pk], cohort_ids)
    return render(
        request,
        "surveys/results.html",
        {
            "membership": membership,
            "program": program,
            "survey": survey,
            "summaries": summaries,
            "responses": answered[survey.pk],
            "filters": filters,
            "can_manage": can_manage_program(membership, program),
            "with_names": sees_names(membership, program),
            "min_group": aggregate.MIN_GROUP,
            "hidden_note": aggregate.ANONYMOUS_HIDDEN,
        },
    )


# Answering ------------------------------------------------------------------------------------


@organization_view()
def respond(request: HttpRequest, mentorship_id: int, survey_id: int, *, membership: Membership):
    found = selectors.get_survey_for_respondent(membership, mentorship_id, survey_id)
    context = {
        "membership": membership,
        "mentorship": found.mentorship,
        "survey": found.survey,
        "answered_at": found.answered_at,
        "anonymous_note": ANONYMOUS_NOTE,
    }
    if found.answered_at is not None:
        return render(request, "surveys/respond_done.html", context)
    form = SurveyAnswerForm(request.POST or None, questions=found.questions)

    def save():
        return services.survey_respond(
            actor=membership, mentorship=found.mentorship, survey=found.survey,
            answers=form.answers(),
        )  # fmt: skip

    if response := save_form(
        request,
        form,
        save,
        success="Thank you: your answers are in.",
        redirect_to=request.path,
    ):
        return response
    return render(
        request,
        "surveys/respond.html",
        {**context, "form": form},
        status=400 if request.method == "POST" else 200,
    )
