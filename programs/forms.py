from __future__ import annotations

from django import forms

from programs.models import MatchingMode, MeetingCadence, ProgramFormat
from programs.services import CohortSettings, ProgramSettings


class ProgramForm(forms.Form):
    name = forms.CharField(
        max_length=120, label="Program name", help_text="E.g. “Leadership mentoring 2027”."
    )
    purpose = forms.CharField(
        max_length=255,
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One sentence participants read first: what the program is for.",
    )
    description = forms.CharField(
        required=False,
        label="Description",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What participants can expect, and what is expected of them.",
    )
    format = forms.ChoiceField(
        choices=ProgramFormat.choices, widget=forms.RadioSelect, label="Format"
    )
    matching_mode = forms.ChoiceField(
        choices=MatchingMode.choices, widget=forms.RadioSelect, label="How people are matched"
    )
    default_mentor_capacity = forms.IntegerField(
        min_value=1,
        max_value=50,
        label="Mentees per mentor",
        help_text="The default; a mentor can set their own when they enrol.",
    )
    relationship_length_weeks = forms.IntegerField(
        min_value=1, max_value=156, label="Relationship length (weeks)"
    )
    meeting_cadence = forms.ChoiceField(
        choices=MeetingCadence.choices, label="Suggested meeting cadence"
    )

    @staticmethod
    def base_initial() -> dict:
        """Starting values for a program built from scratch."""
        return {
            "format": ProgramFormat.ONE_TO_ONE,
            "matching_mode": MatchingMode.ADMIN_LED,
            "default_mentor_capacity": 1,
            "relationship_length_weeks": 26,
            "meeting_cadence": MeetingCadence.FORTNIGHTLY,
        }

    def settings(self) -> ProgramSettings:
        return ProgramSettings(**self.cleaned_data)


class CohortForm(forms.Form):
    name = forms.CharField(max_length=120, label="Cohort name", help_text="E.g. “Spring 2027”.")
    enrolment_opens_on = forms.DateField(
        label="Enrolment opens", widget=forms.DateInput(attrs={"type": "date"})
    )
    enrolment_closes_on = forms.DateField(
        label="Enrolment closes",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day people can enrol. Matching starts after it.",
    )
    starts_on = forms.DateField(
        label="Mentoring starts", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="Mentoring ends", widget=forms.DateInput(attrs={"type": "date"})
    )
    target_mentors = forms.IntegerField(min_value=0, initial=0, label="Target number of mentors")
    target_mentees = forms.IntegerField(min_value=0, initial=0, label="Target number of mentees")

    def settings(self) -> CohortSettings:
        return CohortSettings(**self.cleaned_data)


class ManagerAssignForm(forms.Form):
    user_id = forms.TypedChoiceField(coerce=int, label="Program manager")

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = [
            (m.user_id, f"{m.user.full_name} ({m.user.email})") for m in candidates
        ]


class CohortTransitionForm(forms.Form):
    status = forms.CharField()
    force = forms.BooleanField(required=False)
