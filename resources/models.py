"""A program's library of learning resources, and what its pairs share.

Engagement is kept as counts per resource (views, shares, completions), never as who read
what: reports show how the library is used without watching anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from goals.models import Goal, Milestone
from organizations.models import TenantModel
from programs.models import Mentorship, Program


class ResourceKind(models.TextChoices):
    LINK = "link", "Link"
    ARTICLE = "article", "Article"
    EBOOK = "ebook", "E-book"
    FILE = "file", "File (PDF, slides, document)"
    WEBINAR = "webinar", "Webinar"
    EVENT = "event", "Event"


# Kinds that happen at a time (and get an .ics), and kinds that are an uploaded file.
TIMED_KINDS = (ResourceKind.WEBINAR, ResourceKind.EVENT)
FILE_KINDS = (ResourceKind.FILE,)


class Audience(models.TextChoices):
    BOTH = "both", "Mentors and mentees"
    MENTOR = "mentor", "Mentors"
    MENTEE = "mentee", "Mentees"


class Stage(models.TextChoices):
    ANY = "", "Any time"
    FIRST_MONTH = "first_month", "The first month"
    MIDDLE = "middle", "The middle of the mentorship"
    CLOSING = "closing", "The closing weeks"


def resource_file_path(resource: Resource, filename: str) -> str:
    return f"resources/{resource.organization_id}/{resource.program_id}/{filename}"


class Resource(TenantModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    url = models.URLField(blank=True, max_length=500)
    file = models.FileField(upload_to=resource_file_path, blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True, default="")
    # Part of the mentor guide (first meetings, boundaries, feedback), shown to mentors.
    in_mentor_guide = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    views = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values), name="resource_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="resource_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="resource_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["organization", "program", "kind"])]

    def __str__(self) -> str:
        return self.title


class SharedItem(TenantModel):
    """Something one side of a pair shared with the other: a library resource or a document of
    their own, possibly attached to a goal or one of its milestones; the mentee marks it done."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="shared")
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=2000)
    file = models.FileField(upload_to="shared/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resource__isnull=False) | ~Q(file=""),
                name="shared_item_is_a_resource_or_a_file",
            ),
        ]
        indexes = [models.Index(fields=["organization", "mentorship", "created_at"])]

    def __str__(self) -> str:
        return self.title
