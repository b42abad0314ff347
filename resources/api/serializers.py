"""Resources API serializers.

A resource's engagement counts (views, shares, completions) are numbers only, never who: the
program's managers and the organisation's report viewers read them, participants get null. The
response serializers take that from their context (`counts_visible`), and the organisation's
slug (`org_slug`) to give a file's download address.

The request serializers parse types and lengths; the rules (a web address, a start before the
end, allowed file types, who may) are the services', whose refusals the API answers as 400 with
the field's message.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from resources.models import Audience, Resource, ResourceKind, SharedItem, Stage

COUNT_HELP = (
    "How often the library's readers {what} (a number, never who). For the program's managers "
    "and report viewers; null for participants."
)


class ResourceSerializer(serializers.ModelSerializer):
    """A resource of a program's library. Needs `counts_visible` and `org_slug` in the
    context."""

    kind = serializers.ChoiceField(choices=ResourceKind.choices, read_only=True)
    audience = serializers.ChoiceField(
        choices=Audience.choices, read_only=True, help_text="Who it is for."
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        read_only=True,
        help_text="When in a mentorship it helps most (blank: any time).",
    )
    url = serializers.CharField(
        read_only=True,
        help_text="The web address (the join link of a webinar or event); blank for a file.",
    )
    file_url = serializers.SerializerMethodField(
        help_text="Where to download the file of a file resource; null for the other kinds."
    )
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    skills = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="From the program's skill list."
    )
    views = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=COUNT_HELP.format(what="opened it")
    )
    shares = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=COUNT_HELP.format(what="shared it in a pair")
    )
    completions = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=COUNT_HELP.format(what="marked it done after it was shared with them"),
    )

    class Meta:
        model = Resource
        fields = [
            "id",
            "program",
            "kind",
            "title",
            "description",
            "url",
            "file_name",
            "content_type",
            "size",
            "file_url",
            "starts_at",
            "ends_at",
            "tags",
            "skills",
            "audience",
            "stage",
            "in_mentor_guide",
            "created_at",
            "updated_at",
            "views",
            "shares",
            "completions",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "size": {"help_text": "The file's size in bytes (0 for the other kinds)."},
            "starts_at": {"help_text": "When a webinar or event starts; null for other kinds."},
            "ends_at": {"help_text": "When a webinar or event ends; null for other kinds."},
            "in_mentor_guide": {"help_text": "Part of the mentor guide, shown to mentors."},
        }

    def get_file_url(self, resource: Resource) -> str | None:
        if not resource.file:
            return None
        return reverse(
            "api_resource_file",
            kwargs={"org_slug": self.context["org_slug"], "resource_id": resource.pk},
        )

    def to_representation(self, resource: Resource) -> dict:
        data = super().to_representation(resource)
        if not self.context["counts_visible"]:
            data["views"] = data["shares"] = data["completions"] = None
        return data


class LibraryQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Words to search for in the title, description, tags and skills.",
    )
    kind = serializers.ChoiceField(
        choices=ResourceKind.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only resources of this kind.",
    )


class ResourceWriteSerializer(serializers.Serializer):
    """A resource's details. On PATCH, those not sent stay as they are."""

    kind = serializers.ChoiceField(
        choices=ResourceKind.choices,
        help_text="A file stays a file (and another kind never becomes one).",
    )
    title = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(max_length=4000, allow_blank=True, default="")
    url = serializers.CharField(
        max_length=500,
        allow_blank=True,
        default="",
        help_text="https:// or http://: required for every kind but a file (a webinar's or "
        "event's join link).",
    )
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Webinars and events only."
    )
    ends_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Webinars and events only: after it starts.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100),
        default=list,
        help_text="At most 12; each is cut to 40 characters.",
    )
    skills = serializers.ListField(
        child=serializers.CharField(max_length=100),
        default=list,
        help_text="From the program's skill list.",
    )
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.BOTH)
    stage = serializers.ChoiceField(choices=Stage.choices, allow_blank=True, default=Stage.ANY)
    in_mentor_guide = serializers.BooleanField(default=False)


class ResourceCreateSerializer(ResourceWriteSerializer):
    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        use_url=False,
        help_text="The file of a `file` resource (multipart/form-data): allowed types and size "
        "as configured; its content must match its type.",
    )


class RecommendationSerializer(serializers.Serializer):
    resource = ResourceSerializer()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it fits you, in words."
    )


class SharedItemSerializer(serializers.ModelSerializer):
    """Something one side of a pair shared with the other. Needs `org_slug` in the context."""

    resource = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The library resource shared; null for a document of the pair's own.",
    )
    goal = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The goal it is attached to, if any."
    )
    milestone = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The goal's milestone it is attached to."
    )
    file_url = serializers.SerializerMethodField(
        help_text="Where to download a shared document; null for a library resource (read it "
        "through the resource)."
    )
    shared_by = serializers.SerializerMethodField(help_text="Who shared it; null once gone.")

    class Meta:
        model = SharedItem
        fields = [
            "id",
            "mentorship",
            "resource",
            "title",
            "note",
            "file_name",
            "content_type",
            "size",
            "file_url",
            "goal",
            "milestone",
            "shared_by",
            "done_on",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"done_on": {"help_text": "When the mentee marked it done; null until."}}

    def get_file_url(self, item: SharedItem) -> str | None:
        if not item.file:
            return None
        return reverse(
            "api_shared_item_file",
            kwargs={"org_slug": self.context["org_slug"], "item_id": item.pk},
        )

    def get_shared_by(self, item: SharedItem) -> str | None:
        user = item.shared_by
        return (user.full_name or user.email) if user else None


class SharedItemCreateSerializer(serializers.Serializer):
    """Either a library resource (JSON) or a document (multipart/form-data, `file`)."""

    resource = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of a resource of the program's library that you read.",
    )
    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        use_url=False,
        help_text="A document of your own (multipart/form-data): allowed types and size as for "
        "the library.",
    )
    title = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text="A document's title (its file name if blank); a resource keeps its own.",
    )
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")
    goal = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of one of the mentorship's goals to attach it to.",
    )
    milestone = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of a milestone of one of the mentorship's goals (its goal too).",
    )


class SharedItemDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True, help_text="False marks it not done again.")
