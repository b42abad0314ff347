"""The managers' forms: a program's nudge settings and a note to a pair. The forms read what was
typed; the services in notifications.managers decide what is allowed."""

from __future__ import annotations

import re

from django import forms

from notifications.kinds import KINDS
from notifications.managers import (
    INACTIVE_DAYS_MAX_COUNT,
    INACTIVE_DAYS_RANGE,
    NUDGE_MAX_LENGTH,
    TIMING_RANGES,
    Recipients,
)
from notifications.program_settings import PROGRAM_KINDS, NudgeSettings
from programs.models import Mentorship

# The timing each nudge has, shown under its checkbox.
TIMING_OF = {
    "pair_inactive": "inactive_days",
    "milestone_due": "milestone_due_days",
    "agreement_pending": "agreement_after_days",
    "request_expiring": "request_expiry_hours",
}


# Who gets each nudge and when, for the program's managers (the kinds' own descriptions speak
# to the person who receives them).
FOR_MANAGERS = {
    "meeting_reminder": "The pair, a day and an hour before each meeting.",
    "milestone_due": "The pair, before a milestone is due and once when it is overdue.",
    "check_in_due": "Each side, when their regular check-in is due.",
    "agreement_pending": "The pair, while their agreement is not confirmed by everyone.",
    "request_expiring": "A mentor, before a mentoring request to them expires unanswered.",
    "pair_inactive": "The pair, when they have not written or met for a while.",
    "pair_escalation": "The program's managers, when a pair reaches the last number of days "
    "without contact above.",
    "weekly_digest": "Each participant, once a week: what is coming up in their mentorship.",
    "manager_digest": "The program's managers, once a week: the pairs that need attention.",
}


def _number(name: str) -> forms.NumberInput:
    """The range in the browser too; the service's message explains a refusal."""
    low, high, _ = TIMING_RANGES[name]
    return forms.NumberInput(attrs={"min": low, "max": high})


def runs_field(kind: str) -> str:
    return f"runs_{kind}"


class NudgeSettingsForm(forms.Form):
    inactive_days = forms.CharField(
        label="Remind the pair after this many days without contact",
        max_length=60,
        help_text=(
            f"Days without a message or a meeting, separated by commas, like 7, 14, 21: the pair "
            f"gets a reminder at each. The last number also tells the program's managers that "
            f"the pair is out of contact. Up to {INACTIVE_DAYS_MAX_COUNT} numbers from "
            f"{INACTIVE_DAYS_RANGE[0]} to {INACTIVE_DAYS_RANGE[1]}, each larger than the one "
            f"before."
        ),
    )
    milestone_due_days = forms.IntegerField(
        label="Days before a milestone is due",
        widget=_number("milestone_due_days"),
        help_text="0 reminds on the day itself. An overdue milestone gets one more reminder.",
    )
    agreement_after_days = forms.IntegerField(
        label="Days after the match, if the agreement is not confirmed",
        widget=_number("agreement_after_days"),
    )
    request_expiry_hours = forms.IntegerField(
        label="Hours before a mentoring request expires",
        widget=_number("request_expiry_hours"),
        help_text="The mentor who has not answered yet is reminded.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in PROGRAM_KINDS:
            self.fields[runs_field(kind)] = forms.BooleanField(
                label=KINDS[kind].label,
                help_text=FOR_MANAGERS.get(kind, KINDS[kind].description),
                required=False,
            )

    @classmethod
    def initial_of(cls, settings: NudgeSettings) -> dict:
        return {
            **{runs_field(kind): settings.runs(kind) for kind in PROGRAM_KINDS},
            "inactive_days": ", ".join(str(d) for d in settings.inactive_days),
            "milestone_due_days": settings.milestone_due_days,
            "agreement_after_days": settings.agreement_after_days,
            "request_expiry_hours": settings.request_expiry_hours,
        }

    def clean_inactive_days(self) -> list[int]:
        parts = [p for p in re.split(r"[,;\s]+", self.cleaned_data["inactive_days"]) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(
                "Write whole numbers of days separated by commas, like 7, 14, 21."
            )
        return [int(p) for p in parts]

    def rows(self, *, for_managers: bool) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """Each nudge's checkbox with the timing that belongs to it: those to the participants,
        or those to the program's managers."""
        return [
            (self[runs_field(kind)], self[TIMING_OF[kind]] if kind in TIMING_OF else None)
            for kind in PROGRAM_KINDS
            if KINDS[kind].for_managers == for_managers
        ]

    def participant_rows(self):
        return self.rows(for_managers=False)

    def manager_rows(self):
        return self.rows(for_managers=True)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "disabled": [k for k in PROGRAM_KINDS if not data.get(runs_field(k))],
            "inactive_days": data["inactive_days"],
            "milestone_due_days": data["milestone_due_days"],
            "agreement_after_days": data["agreement_after_days"],
            "request_expiry_hours": data["request_expiry_hours"],
        }


def _names(enrolments) -> str:
    names = [e.full_name or e.email for e in enrolments]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


class NudgeForm(forms.Form):
    to = forms.ChoiceField(label="Send it to", widget=forms.RadioSelect, initial=Recipients.BOTH)
    message = forms.CharField(
        label="Your note",
        max_length=NUDGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            f"Up to {NUDGE_MAX_LENGTH} characters. They read it in the app and by email, as each "
            "of them chose for messages from program managers; it links to their mentorship."
        ),
    )

    def __init__(self, *args, mentorship: Mentorship, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mentees = [m.mentee for m in mentorship.members.all()]
        mentor = mentorship.mentor
        side = "The mentees" if len(mentees) > 1 else "The mentee"
        self.fields["to"].choices = [
            (Recipients.BOTH, f"Both: {_names([mentor, *mentees])}"),
            (Recipients.MENTOR, f"The mentor: {_names([mentor])}"),
            (Recipients.MENTEES, f"{side}: {_names(mentees)}"),
        ]
