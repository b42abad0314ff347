"""Forms of the meeting pages. Times are typed in the reader's own time zone: the views validate
these forms with it active, so Django turns them into aware datetimes (and refuses a time that
does not exist, or exists twice, on a day the clocks change)."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from meetings.models import (
    AGENDA_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    OUTCOME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VIDEO_LINK_MAX_LENGTH,
    Attendance,
)
from meetings.services import MAX_DURATION, MAX_SLOTS, Slot

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
MAX_MINUTES = int(MAX_DURATION.total_seconds() // 60)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_INPUT_FORMAT)


class VideoChoice:
    GENERATE = "generate"
    PASTE = "paste"
    NONE = "none"


class SlotsForm(forms.Form):
    """Up to five start times and one duration: each time lasts the duration."""

    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=1,
        max_value=MAX_MINUTES,
        initial=45,
        help_text=f"Every proposed time lasts this long (at most {MAX_MINUTES // 60} hours).",
        error_messages={
            "max_value": f"A meeting lasts at most {MAX_MINUTES // 60} hours.",
            "min_value": "Give the length in minutes.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_SLOTS + 1):
            self.fields[f"slot_{number}"] = forms.DateTimeField(
                label=f"Time {number}",
                required=number == 1,
                widget=LocalDateTimeInput(),
            )

    def slot_fields(self) -> list[forms.BoundField]:
        return [self[f"slot_{number}"] for number in range(1, MAX_SLOTS + 1)]

    def slots(self) -> list[Slot]:
        length = timedelta(minutes=self.cleaned_data["duration_minutes"])
        starts = [self.cleaned_data.get(f"slot_{number}") for number in range(1, MAX_SLOTS + 1)]
        return [Slot(start, start + length) for start in starts if start is not None]


class ProposeForm(SlotsForm):
    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH, label="Title", initial="Mentoring conversation"
    )
    agenda = forms.CharField(
        required=False,
        max_length=AGENDA_MAX_LENGTH,
        label="Agenda",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you would like to talk about; only the two of you read it.",
    )
    video = forms.ChoiceField(
        label="Video call",
        widget=forms.RadioSelect,
        initial=VideoChoice.GENERATE,
        choices=[
            (VideoChoice.GENERATE, "Generate a video link"),
            (VideoChoice.PASTE, "Paste a link"),
            (VideoChoice.NONE, "No video call"),
        ],
    )
    video_link = forms.CharField(
        required=False,
        max_length=VIDEO_LINK_MAX_LENGTH,
        label="Video link",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="When you paste one: the address of your call (Teams, Zoom, Meet…).",
    )

    field_order = ["title", "agenda", "duration_minutes"]

    def __init__(self, *args, can_generate: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_generate:
            self.fields["video"].choices = self.fields["video"].choices[1:]
            self.fields["video"].initial = VideoChoice.NONE

    def video_link_value(self) -> str:
        if self.cleaned_data["video"] == VideoChoice.PASTE:
            return self.cleaned_data["video_link"]
        return ""

    def generate(self) -> bool:
        return self.cleaned_data["video"] == VideoChoice.GENERATE

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("video") == VideoChoice.PASTE and not cleaned.get("video_link"):
            self.add_error("video_link", "Paste the link, or choose another option.")
        return cleaned


class SharedNotesForm(forms.Form):
    shared_notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX_LENGTH,
        label="Notes you both read and edit",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The program's managers never see them.",
    )


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=NOTES_MAX_LENGTH,
        label="A note only you read",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Not the other side, not the program's managers, not the admins.",
    )


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label="Did the meeting take place?", choices=Attendance.choices, widget=forms.RadioSelect
    )
    outcome = forms.CharField(
        required=False,
        max_length=OUTCOME_MAX_LENGTH,
        label="What came of it",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two for the two of you; managers see only whether you met.",
    )


class MeetingSettingsForm(forms.Form):
    video_link_template = forms.CharField(
        required=False,
        max_length=VIDEO_LINK_MAX_LENGTH,
        label="Video link template",
        help_text="Leave it empty to turn generated links off: people then paste their own.",
    )
