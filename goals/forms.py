"""The browser's forms for goals, milestones, check-ins and a program's settings for its pairs.
They parse input; the rules (dates, ranges, who may) are the services'."""

from __future__ import annotations

from django import forms

from goals.models import CheckInCadence, PairSide, ProgressSource, RelationshipStep
from goals.services import CheckInAnswers, GoalText


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(forms.Form):
    title = forms.CharField(label="What do you want to achieve?", max_length=200)
    measure = forms.CharField(
        label="How will you know you got there?",
        max_length=300,
        help_text="Something you can see or count, e.g. “give a 10-minute talk at the all-hands”.",
    )
    why = forms.CharField(label="Why it matters to you", max_length=300, required=False)
    target_date = forms.DateField(label="Target date", widget=DateInput)
    progress_source = forms.ChoiceField(
        label="Progress",
        choices=ProgressSource.choices,
        initial=ProgressSource.MILESTONES,
        widget=forms.RadioSelect,
    )
    mentee = forms.TypedChoiceField(label="Whose goal is it?", coerce=int, required=False)
    template = forms.TypedChoiceField(coerce=int, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, mentees=(), templates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(mentees) > 1:
            self.fields["mentee"].choices = [(m.pk, m.full_name or m.email) for m in mentees]
            self.fields["mentee"].required = True
        else:
            del self.fields["mentee"]
        self.fields["template"].choices = [("", "")] + [(t.pk, t.title) for t in templates]

    def goal_text(self) -> GoalText:
        data = self.cleaned_data
        return GoalText(
            title=data["title"],
            measure=data["measure"],
            why=data["why"],
            target_date=data["target_date"],
            progress_source=data["progress_source"],
        )


class MilestoneForm(forms.Form):
    title = forms.CharField(label="Milestone", max_length=200)
    due_on = forms.DateField(label="Due by", widget=DateInput)
    owner = forms.ChoiceField(label="Who does it", choices=PairSide.choices)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(
        label="Progress (%)", widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5})
    )
    note = forms.CharField(label="What changed", max_length=300, required=False)


class CheckInForm(forms.Form):
    progress = forms.CharField(
        label="What moved forward since last time?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    blockers = forms.CharField(
        label="What is in the way?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_steps = forms.CharField(
        label="Next steps",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rating = forms.TypedChoiceField(
        label="How is the mentorship going?",
        coerce=int,
        choices=[
            (5, "5 · Very well"),
            (4, "4 · Well"),
            (3, "3 · All right"),
            (2, "2 · Not so well"),
            (1, "1 · Poorly"),
        ],
        widget=forms.RadioSelect,
    )
    note_to_manager = forms.CharField(
        label="A private note to the program manager",
        help_text="Only the program's managers read it; your partner does not.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def answers(self) -> CheckInAnswers:
        return CheckInAnswers(**self.cleaned_data)


class GoalTemplateForm(forms.Form):
    title = forms.CharField(label="Goal", max_length=200)
    measure = forms.CharField(label="How it is measured", max_length=300, required=False)
    why = forms.CharField(label="Why it matters", max_length=300, required=False)
    suggested_weeks = forms.IntegerField(
        label="Suggested weeks", min_value=1, max_value=156, required=False
    )


class ProgramMilestoneForm(forms.Form):
    title = forms.CharField(label="Milestone", max_length=200)
    step = forms.ChoiceField(label="Kind", choices=RelationshipStep.choices)
    due_after_days = forms.IntegerField(
        label="Due, days after the match", min_value=0, max_value=1100
    )


class CheckInSettingsForm(forms.Form):
    cadence_days = forms.TypedChoiceField(
        label="Pairs check in", coerce=int, choices=CheckInCadence.choices
    )
    enabled = forms.BooleanField(label="Ask pairs for check-ins", required=False)
