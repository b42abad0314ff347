"""The profile form, built from a program's questions: one field per question, named by its key.

The form only shapes input; programs.answers decides what a valid answer is (in the service), and
its messages come back onto the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.forms import timezone_choices
from programs.answers import DAY_NAMES
from programs.models import ProfileQuestion, QuestionKind
from programs.personality import ITEM_STEM, ITEMS, RATING_LABELS
from programs.standard_questions import LANGUAGES

# Weekly availability is picked in three-hour blocks of the person's own day.
AVAILABILITY_BLOCKS: list[tuple[int, int]] = [
    (6 * 60, 9 * 60),
    (9 * 60, 12 * 60),
    (12 * 60, 15 * 60),
    (15 * 60, 18 * 60),
    (18 * 60, 21 * 60),
]
RADIO_LIMIT = 6
CAPACITY_FIELD = "mentor_capacity"


def _block_label(start: int, end: int) -> str:
    return f"{start // 60:02d}:00–{end // 60:02d}:00"  # noqa: RUF001 - an en dash for a range


AVAILABILITY_CHOICES = [
    (f"{day}:{start}:{end}", f"{DAY_NAMES[day]} {_block_label(start, end)}")
    for day in range(7)
    for start, end in AVAILABILITY_BLOCKS
]


def personality_field_name(key: str, number: int) -> str:
    return f"{key}__{number}"


class ProfileForm(forms.Form):
    def __init__(
        self,
        *args,
        questions: list[ProfileQuestion],
        skills: list[str],
        answers: dict[str, Any],
        mentor_capacity: int | None = None,
        default_capacity: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        if default_capacity is not None:
            # Mentors say how many mentees they take on; the program's default is the suggestion.
            self.fields[CAPACITY_FIELD] = forms.IntegerField(
                min_value=1,
                max_value=50,
                required=False,
                label="How many mentees can you take on in this cohort?",
                help_text=f"The program suggests {default_capacity}.",
            )
            self.initial[CAPACITY_FIELD] = mentor_capacity or default_capacity
        for question in questions:
            if question.kind == QuestionKind.PERSONALITY:
                self._add_personality(question, answers.get(question.key))
                continue
            field = self._field_for(question, skills)
            field.label = question.label
            field.help_text = question.help_text
            field.required = False  # the service decides, so every message reads the same
            field.widget.attrs["data-required"] = "true" if question.required else "false"
            self.fields[question.key] = field
            self.initial[question.key] = self._initial(question, answers.get(question.key))

    def _field_for(self, question: ProfileQuestion, skills: list[str]) -> forms.Field:
        kind = question.kind
        if kind == QuestionKind.SINGLE_CHOICE:
            widget = forms.RadioSelect if len(question.choices) <= RADIO_LIMIT else forms.Select
            blank = [] if widget is forms.RadioSelect else [("", "Choose…")]
            return forms.ChoiceField(
                choices=blank + [(c, c) for c in question.choices], widget=widget
            )
        if kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.SKILLS, QuestionKind.LANGUAGES):
            options = {QuestionKind.SKILLS: skills, QuestionKind.LANGUAGES: LANGUAGES}.get(
                kind, question.choices
            )
            return forms.MultipleChoiceField(
                choices=[(o, o) for o in options],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-grid"}),
            )
        if kind == QuestionKind.SCALE:
            return forms.ChoiceField(
                choices=[(str(n), str(n)) for n in range(1, 6)], widget=forms.RadioSelect
            )
        if kind == QuestionKind.TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}))
        if kind == QuestionKind.TIMEZONE:
            return forms.ChoiceField(choices=[("", "Choose…"), *timezone_choices()])
        if kind == QuestionKind.AVAILABILITY:
            return forms.MultipleChoiceField(
                choices=AVAILABILITY_CHOICES,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "availability-grid"}),
            )
        raise ValueError(f"No form field for {kind}")

    def _initial(self, question: ProfileQuestion, value: Any) -> Any:
        if value is None:
            return None
        if question.kind == QuestionKind.AVAILABILITY:
            return [f"{day}:{start}:{end}" for day, start, end in value]
        if question.kind == QuestionKind.SCALE:
            return str(value)
        return value

    def _add_personality(self, question: ProfileQuestion, value: Any) -> None:
        ratings = value["ratings"] if isinstance(value, dict) else [None] * len(ITEMS)
        for number, (item, rating) in enumerate(zip(ITEMS, ratings, strict=True), 1):
            name = personality_field_name(question.key, number)
            self.fields[name] = forms.ChoiceField(
                label=f"{ITEM_STEM} {item}",
                choices=[
                    ("", "Choose…"),
                    *((str(n), f"{n} · {label}") for n, label in enumerate(RATING_LABELS, 1)),
                ],
                required=False,
            )
            self.initial[name] = str(rating) if rating else ""

    def raw_answers(self) -> dict[str, Any]:
        """The answers as the service takes them, keyed by question key."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            if question.kind == QuestionKind.PERSONALITY:
                ratings = [
                    self.cleaned_data.get(personality_field_name(question.key, n))
                    for n in range(1, len(ITEMS) + 1)
                ]
                given = [r for r in ratings if r]
                answers[question.key] = [int(r) if r else None for r in ratings] if given else []
                continue
            value = self.cleaned_data.get(question.key)
            if question.kind == QuestionKind.AVAILABILITY and value:
                value = [[int(part) for part in choice.split(":")] for choice in value]
            answers[question.key] = value
        return answers

    def capacity(self) -> int | None:
        return self.cleaned_data.get(CAPACITY_FIELD) if CAPACITY_FIELD in self.fields else None

    def add_answer_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            field = key if key in self.fields else personality_field_name(key, 1)
            self.add_error(field if field in self.fields else None, messages)

    def sections(self) -> list[dict]:
        """Questions in order, each with its bound field(s), for the template."""
        sections = []
        for question in self.questions:
            if question.kind == QuestionKind.PERSONALITY:
                fields = [
                    self[personality_field_name(question.key, n)] for n in range(1, len(ITEMS) + 1)
                ]
            else:
                fields = [self[question.key]]
            section = {"question": question, "fields": fields}
            if question.kind == QuestionKind.AVAILABILITY:
                # A week grid: a row per day, a column per block.
                slots = list(self[question.key])
                per_day = len(AVAILABILITY_BLOCKS)
                section["blocks"] = [_block_label(start, end) for start, end in AVAILABILITY_BLOCKS]
                section["days"] = [
                    (name, slots[day * per_day : (day + 1) * per_day])
                    for day, name in enumerate(DAY_NAMES)
                ]
            sections.append(section)
        return sections
