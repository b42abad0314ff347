from __future__ import annotations

from django import forms

from matching.engine.criteria import MAX_WEIGHT, MIN_WEIGHT, PERSONALITY_TRAITS
from matching.models import MatchingSettings, MatchRunMode

PERSONALITY_MODE_CHOICES = [("similar", "Similar"), ("complementary", "Opposites")]
WEIGHT_HELP = f"{MIN_WEIGHT} turns it off, {MAX_WEIGHT} makes it a must-have."


class MatchingSettingsForm(forms.Form):
    """The criteria's weights (one field per criterion of the program) and the hard rules."""

    exclude_same_department = forms.BooleanField(
        required=False, label="Never pair people from the same department"
    )
    exclude_reporting_line = forms.BooleanField(
        required=False, label="Never pair someone with their own manager"
    )
    require_shared_language = forms.BooleanField(
        required=False, label="Only pair people who share a language"
    )
    max_timezone_difference_hours = forms.IntegerField(
        required=False, min_value=0, max_value=12,
        label="Largest time zone difference (hours)",
        help_text="Empty allows any distance.",
    )  # fmt: skip
    seniority_gap_min = forms.IntegerField(
        min_value=-4, max_value=4, label="Mentor at least this many experience steps ahead"
    )
    seniority_gap_max = forms.IntegerField(
        min_value=-4, max_value=4, label="… and at most this many"
    )
    availability_target_hours = forms.DecimalField(
        min_value=0.5, max_value=40, decimal_places=1,
        label="Shared free hours a week for full points",
    )  # fmt: skip
    request_expiry_days = forms.IntegerField(
        min_value=1, max_value=60, label="Days a mentor has to answer a request"
    )
    suggestions_shown = forms.IntegerField(
        min_value=1, max_value=20, label="Mentors suggested to each mentee"
    )

    def __init__(self, *args, criteria, settings: MatchingSettings, **kwargs):
        initial = {name: getattr(settings, name) for name in self.base_fields}
        initial.update({f"weight_{c.key}": c.weight for c in criteria})
        modes = settings.personality_modes or {}
        initial.update({f"trait_{t}": modes.get(t, "similar") for t in PERSONALITY_TRAITS})
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.key}"] = forms.IntegerField(
                min_value=MIN_WEIGHT,
                max_value=MAX_WEIGHT,
                label=criterion.name,
                help_text=WEIGHT_HELP,
                widget=forms.NumberInput(attrs={"class": "weight-input"}),
            )
        if any(c.method == "personality" for c in criteria):
            for trait in PERSONALITY_TRAITS:
                self.fields[f"trait_{trait}"] = forms.ChoiceField(
                    choices=PERSONALITY_MODE_CHOICES,
                    label=trait.replace("_", " ").capitalize(),
                )

    def weight_fields(self):
        return [self[f"weight_{c.key}"] for c in self.criteria]

    def rule_fields(self):
        return [self[name] for name in self.base_fields]

    def trait_fields(self):
        return [self[name] for name in self.fields if name.startswith("trait_")]

    def weights(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"weight_{c.key}"] for c in self.criteria}

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.base_fields}
        traits = {
            name.removeprefix("trait_"): self.cleaned_data[name]
            for name in self.fields
            if name.startswith("trait_")
        }
        if traits:
            values["personality_modes"] = traits
        return values


class RunStartForm(forms.Form):
    mode = forms.ChoiceField(
        choices=MatchRunMode.choices, widget=forms.RadioSelect, initial=MatchRunMode.OPTIMAL,
        label="How to match",
    )  # fmt: skip
    maximize_matched = forms.BooleanField(
        required=False, initial=True,
        label="Match as many mentees as possible first, then the best pairs",
    )  # fmt: skip


class SwapForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(label="Swap mentors with")


class MentorshipRequestForm(forms.Form):
    message = forms.CharField(
        max_length=2000,
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this mentor, and what you hope to work on together.",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Reason (the mentee reads it)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
