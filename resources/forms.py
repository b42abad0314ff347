"""Forms of the library pages. Times are typed in the reader's own time zone (the middleware
activates it), and the services check every rule; these forms only shape the input."""

from __future__ import annotations

from django import forms

from meetings.forms import LocalDateTimeInput
from resources.models import Audience, ResourceKind, Stage
from resources.services import MAX_TAGS, ResourceDetails, resource_file_extensions


def _accept() -> str:
    return ",".join(f".{extension}" for extension in resource_file_extensions())


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ResourceKind.choices, label="What is it?", initial=ResourceKind.LINK
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it covers and why it is worth the time.",
    )  # fmt: skip
    url = forms.CharField(
        required=False, max_length=500, label="Web address or join link",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="For links, articles and e-books, the page to open; for a webinar or an "
        "event, where to join.",
    )  # fmt: skip
    file = forms.FileField(
        required=False, label="File",
        help_text="For a file: PDF, slides or a document.",
    )  # fmt: skip
    starts_at = forms.DateTimeField(
        required=False, label="Starts", widget=LocalDateTimeInput(),
        help_text="Webinars and events: in your time zone.",
    )  # fmt: skip
    ends_at = forms.DateTimeField(required=False, label="Ends", widget=LocalDateTimeInput())
    skills = forms.MultipleChoiceField(
        required=False, choices=(), widget=forms.CheckboxSelectMultiple,
        help_text="From the program's skill list: people who want to grow these get it "
        "recommended.",
    )  # fmt: skip
    tags = forms.CharField(
        required=False, max_length=600,
        help_text=f"Words to find it by, separated by commas (at most {MAX_TAGS}).",
    )  # fmt: skip
    audience = forms.ChoiceField(choices=Audience.choices, label="Who is it for?")
    stage = forms.ChoiceField(
        choices=Stage.choices, required=False, label="When does it help most?",
        help_text="It is recommended to people at that point of their mentorship.",
    )  # fmt: skip
    in_mentor_guide = forms.BooleanField(
        required=False, label="Part of the mentor guide",
        help_text="Mentors see the guide first: first meetings, boundaries, giving feedback.",
    )  # fmt: skip

    def __init__(self, *args, program, editing=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = [(skill, skill) for skill in program.skills]
        self.fields["file"].widget.attrs["accept"] = _accept()
        if editing is not None:
            # A file stays a file: upload a new resource to replace one.
            del self.fields["file"]
            if editing.kind == ResourceKind.FILE:
                self.fields["kind"].choices = [(ResourceKind.FILE, ResourceKind.FILE.label)]
            else:
                self.fields["kind"].choices = [
                    c for c in ResourceKind.choices if c[0] != ResourceKind.FILE
                ]

    @staticmethod
    def initial_of(resource) -> dict:
        return {
            "kind": resource.kind, "title": resource.title,
            "description": resource.description, "url": resource.url,
            "starts_at": resource.starts_at, "ends_at": resource.ends_at,
            "skills": resource.skills, "tags": ", ".join(resource.tags),
            "audience": resource.audience, "stage": resource.stage,
            "in_mentor_guide": resource.in_mentor_guide,
        }  # fmt: skip

    def details(self) -> ResourceDetails:
        data = self.cleaned_data
        return ResourceDetails(
            kind=data["kind"], title=data["title"], description=data["description"],
            url=data["url"], starts_at=data["starts_at"], ends_at=data["ends_at"],
            tags=tuple(t for t in data["tags"].split(",") if t.strip()),
            skills=tuple(data["skills"]), audience=data["audience"], stage=data["stage"] or "",
            in_mentor_guide=data["in_mentor_guide"],
        )  # fmt: skip


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search the library")
    kind = forms.ChoiceField(
        required=False, choices=[("", "Every kind"), *ResourceKind.choices], label="Kind"
    )


def _attach_choices(goals, milestones) -> list[tuple[str, str]]:
    choices = [("", "Not attached")]
    for goal in goals:
        choices.append((f"goal:{goal.pk}", f"Goal: {goal.title}"))
        for milestone in milestones.get(goal.pk, ()):
            choices.append((f"milestone:{milestone.pk}", f"— Milestone: {milestone.title}"))
    return choices


class AttachMixin(forms.Form):
    attach_to = forms.ChoiceField(
        required=False, label="Attach to",
        help_text="A goal or milestone it helps with; marking it done then shows in the "
        "goal's history.",
    )  # fmt: skip
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        label="A note", help_text="Why you share it, or what to look at.",
    )  # fmt: skip

    def __init__(self, *args, goals=(), milestones=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attach_to"].choices = _attach_choices(goals, milestones or {})

    def attachment(self) -> dict:
        kind, _, pk = (self.cleaned_data.get("attach_to") or "").partition(":")
        return {
            "goal_id": int(pk) if kind == "goal" else None,
            "milestone_id": int(pk) if kind == "milestone" else None,
        }


class ShareResourceForm(AttachMixin):
    mentorship = forms.TypedChoiceField(coerce=int, label="Share with")

    def __init__(self, *args, mentorships=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentorship"].choices = [(m.pk, label) for m, label in mentorships]
        self.field_order = ["mentorship", "attach_to", "note"]
        self.order_fields(self.field_order)


class UploadForm(AttachMixin):
    file = forms.FileField(label="Document")
    title = forms.CharField(
        required=False, max_length=200, help_text="The file's name if you leave it empty."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = _accept()
        self.order_fields(["file", "title", "attach_to", "note"])
