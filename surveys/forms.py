"""The browser's forms for surveys. They parse input; the rules (lengths, options, ranges, who
may, when) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from surveys.models import Survey, SurveyQuestion, SurveyQuestionKind
from surveys.services import RANGES, QuestionSettings, SurveySettings

ANONYMOUS_NOTE = "Anonymous: shown only in totals of at least 5 people"


class SurveySettingsForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, help_text="What people read first.")
    intro = forms.CharField(
        label="Introduction",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two on why you ask and how long it takes.",
    )
    is_active = forms.BooleanField(label="Send this survey to the pairs", required=False)

    @staticmethod
    def initial_from(survey: Survey) -> dict:
        return {"title": survey.title, "intro": survey.intro, "is_active": survey.is_active}

    def settings(self) -> SurveySettings:
        data = self.cleaned_data
        return SurveySettings(title=data["title"], intro=data["intro"], is_active=data["is_active"])


class SurveyQuestionForm(forms.Form):
    label = forms.CharField(label="Question", max_length=255, help_text="As people will read it.")
    kind = forms.ChoiceField(
        label="Kind of answer", choices=SurveyQuestionKind.choices, widget=forms.RadioSelect
    )
    choices = forms.CharField(
        label="Options (for “One option from a list”)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="2 to 10 options, one per line.",
    )
    help_text = forms.CharField(
        label="Help text",
        max_length=255,
        required=False,
        help_text="A hint shown under the question, e.g. what 1 and 5 mean.",
    )
    required = forms.BooleanField(label="People must answer it", required=False)
    anonymous = forms.BooleanField(
        label="Anonymous",
        required=False,
        help_text="Its answers are shown only in totals of at least 5 people, never who gave "
        "them. People see this next to the question.",
    )

    @staticmethod
    def initial_from(question: SurveyQuestion) -> dict:
        return {
            "label": question.label,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "help_text": question.help_text,
            "required": question.required,
            "anonymous": question.anonymous,
        }

    def settings(self) -> QuestionSettings:
        data = self.cleaned_data
        return QuestionSettings(
            label=data["label"],
            kind=data["kind"],
            help_text=data["help_text"],
            required=data["required"],
            choices=data["choices"].splitlines(),
            anonymous=data["anonymous"],
        )


def _question_field(question: SurveyQuestion) -> forms.Field:
    messages = {
        "required": "Please answer this question.",
        "invalid_choice": "Choose one of the options.",
    }
    common: dict[str, Any] = {
        "label": question.label,
        "required": question.required,
        "help_text": question.help_text,
        "error_messages": messages,
    }
    if question.kind in RANGES:
        low, high = RANGES[question.kind]
        return forms.TypedChoiceField(
            choices=[(n, str(n)) for n in range(low, high + 1)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == SurveyQuestionKind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.RadioSelect,
            **common,
        )
    attrs = {"rows": 4}
    if question.anonymous:
        attrs["aria-describedby"] = f"anonymous-{question.pk}"
    return forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs=attrs), strip=True, **common
    )


class SurveyAnswerForm(forms.Form):
    """One field per question, named "q<question id>"."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = _question_field(question)

    def rows(self) -> list[tuple[SurveyQuestion, forms.BoundField]]:
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self) -> dict[int, Any]:
        return {
            question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions
        }
