from __future__ import annotations

from django import forms

from programs.models import (
    DEFAULT_CONFIDENTIALITY,
    Comparison,
    ContactChannel,
    EnrolmentRole,
    EnrolmentState,
    MatchingMode,
    MeetingCadence,
    ProgramFormat,
    QuestionAudience,
    QuestionKind,
    ResponseTime,
)
from programs.services import CohortSettings, ProgramSettings, QuestionSettings


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
    confidentiality_text = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Confidentiality promise for new pairs",
        help_text="Every new pair's agreement starts from it. Leave it empty for: "
        f"“{DEFAULT_CONFIDENTIALITY}”",
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


class QuestionForm(forms.Form):
    label = forms.CharField(max_length=255, label="Question", help_text="As people will read it.")
    help_text = forms.CharField(
        max_length=255,
        required=False,
        label="Help text",
        help_text="A hint shown under the question.",
    )
    audience = forms.ChoiceField(
        choices=QuestionAudience.choices, widget=forms.RadioSelect, label="Who answers it"
    )
    kind = forms.ChoiceField(choices=QuestionKind.choices, label="Kind of answer")
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Options",
        help_text="For single and multiple choice only: one option per line.",
    )
    required = forms.BooleanField(required=False, label="People must answer it")
    comparison = forms.ChoiceField(
        choices=[("", "Not used for matching"), *Comparison.choices],
        required=False,
        label="Use for matching: compare answers by",
    )
    partner_id = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Compared with",
        help_text=(
            "For a mentee question, the mentor question it is compared with (and the other way "
            "round). A question for both sides is compared with the other side's answer to it."
        ),
    )

    def __init__(self, *args, partners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_id"].choices = [("", "—")] + [
            (q.pk, f"{q.label} ({q.get_audience_display().lower()})") for q in partners
        ]

    def settings(self) -> QuestionSettings:
        data = self.cleaned_data
        return QuestionSettings(
            label=data["label"],
            help_text=data["help_text"],
            audience=data["audience"],
            kind=data["kind"],
            required=data["required"],
            choices=data["choices"].splitlines(),
            comparison=data["comparison"],
            partner_id=data["partner_id"],
        )

    @staticmethod
    def initial_from(question) -> dict:
        return {
            "label": question.label,
            "help_text": question.help_text,
            "audience": question.audience,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "required": question.required,
            "comparison": question.comparison,
            "partner_id": question.partner_id,
        }


class SkillsForm(forms.Form):
    skills = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Skill list",
        help_text="One skill per line. Mentors pick the skills they offer, mentees the ones they want to grow.",
    )


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or email"}),
    )
    role = forms.ChoiceField(
        required=False, label="Role", choices=[("", "Mentors and mentees"), *EnrolmentRole.choices]
    )
    state = forms.ChoiceField(
        required=False, label="State", choices=[("", "Any state"), *EnrolmentState.choices]
    )
    department = forms.ChoiceField(required=False, label="Department")

    def __init__(self, *args, departments=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "Any department"), *((d, d) for d in departments)]


class AddParticipantForm(forms.Form):
    membership_id = forms.TypedChoiceField(coerce=int, label="Member")
    role = forms.ChoiceField(
        choices=EnrolmentRole.choices, widget=forms.RadioSelect, label="Takes part as"
    )
    mentor_capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        label="Mentees they take on (mentors only)",
        help_text="Leave empty for the program's default.",
    )
    department = forms.CharField(required=False, max_length=120, label="Department")

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership_id"].choices = [
            (m.pk, f"{m.user.full_name} ({m.user.email})") for m in candidates
        ]


class InviteParticipantForm(forms.Form):
    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(max_length=150, required=False, label="Name")
    role = forms.ChoiceField(
        choices=EnrolmentRole.choices, widget=forms.RadioSelect, label="Takes part as"
    )
    mentor_capacity = forms.IntegerField(
        required=False, min_value=1, max_value=50, label="Mentees they take on (mentors only)"
    )
    department = forms.CharField(required=False, max_length=120, label="Department")


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, name, role (mentor or mentee); optional department, manager_email. UTF-8.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ApplyForm(forms.Form):
    role = forms.ChoiceField(
        choices=EnrolmentRole.choices,
        widget=forms.RadioSelect,
        label="I would like to take part as",
    )


class ParticipantDetailsForm(forms.Form):
    department = forms.CharField(required=False, max_length=120, label="Department")
    mentor_capacity = forms.IntegerField(
        required=False, min_value=1, max_value=50, label="Mentees they take on"
    )


class AgreementForm(forms.Form):
    channels = forms.MultipleChoiceField(
        choices=ContactChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        label="How we keep in touch",
    )
    meeting_cadence = forms.ChoiceField(choices=MeetingCadence.choices, label="How often we meet")
    response_time = forms.ChoiceField(
        choices=ResponseTime.choices, label="How quickly we answer messages"
    )
    goals_scope = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What we will work on",
        help_text="The goals in scope, in a sentence or two.",
    )
    off_limits = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Topics we leave out",
    )
    confidentiality = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What stays between us",
    )


class EndMentorshipForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is it ending?",
        help_text="The program managers read this, to find a better match next time.",
    )
