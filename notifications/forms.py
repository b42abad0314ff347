"""The notification preferences page's form: a checkbox per kind and channel, quiet hours and
the daily digest. The rules live in notifications.preferences.preferences_update; this form only
reads what was sent."""

from __future__ import annotations

import datetime

from django import forms

from notifications.kinds import CHANNELS, Kind
from notifications.models import Digest
from notifications.preferences import Choices

CHANNEL_LABELS = {"email": "Email", "in_app": "In the app"}
# The page's paragraphs that explain quiet hours (how they work, and in which time zone).
QUIET_HELP = {"aria-describedby": "quiet-help quiet-zone"}
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


def channel_field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%H:%M")


class PreferencesForm(forms.Form):
    quiet_start = forms.TimeField(
        required=False, label="From", widget=TimeInput(QUIET_HELP), input_formats=TIME_FORMATS
    )
    quiet_end = forms.TimeField(
        required=False, label="Until", widget=TimeInput(QUIET_HELP), input_formats=TIME_FORMATS
    )
    digest = forms.ChoiceField(
        choices=Digest.choices, widget=forms.RadioSelect, label="How emails arrive"
    )
    digest_hour = forms.TypedChoiceField(choices=HOURS, coerce=int, label="Send the daily email at")

    def __init__(self, *args, kinds: list[Kind], choices: Choices, **kwargs) -> None:
        initial = {
            "quiet_start": choices.quiet_start,
            "quiet_end": choices.quiet_end,
            "digest": choices.digest,
            "digest_hour": choices.digest_hour,
        }
        for kind in kinds:
            for channel in CHANNELS:
                initial[channel_field_name(kind.key, channel)] = choices.wants(kind.key, channel)
        super().__init__(*args, initial=initial, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            for channel in CHANNELS:
                self.fields[channel_field_name(kind.key, channel)] = forms.BooleanField(
                    required=False, label=f"{CHANNEL_LABELS[channel]}: {kind.label}"
                )

    def rows(self) -> list[dict]:
        """One row per kind, with its two checkboxes (bound fields), for the table."""
        return [
            {
                "kind": kind,
                "cells": [
                    (CHANNEL_LABELS[channel], self[channel_field_name(kind.key, channel)])
                    for channel in CHANNELS
                ],
            }
            for kind in self.kinds
        ]

    def channels(self) -> dict[str, dict[str, bool]]:
        return {
            kind.key: {
                channel: bool(self.cleaned_data.get(channel_field_name(kind.key, channel)))
                for channel in CHANNELS
            }
            for kind in self.kinds
        }

    @property
    def quiet_hours(self) -> tuple[datetime.time | None, datetime.time | None]:
        return self.cleaned_data.get("quiet_start"), self.cleaned_data.get("quiet_end")
