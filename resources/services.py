"""Every write of the library: program managers add, change and remove resources. Each rule
is checked before anything is stored, so a refused save leaves no file and no row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from messaging.attachments import clean_upload
from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.access import can_manage_program
from programs.models import Program
from resources.models import TIMED_KINDS, Audience, Resource, ResourceKind, Stage

MAX_TAGS = 12


@dataclass(frozen=True)
class ResourceDetails:
    kind: str
    title: str
    description: str = ""
    url: str = ""
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    tags: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    audience: str = Audience.BOTH
    stage: str = Stage.ANY
    in_mentor_guide: bool = False


def resource_file_extensions() -> list[str]:
    return [e.lower().lstrip(".") for e in settings.RESOURCE_FILE_EXTENSIONS if e]


def _clean_url(url: str, errors: dict) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = "Give a full web address starting with https:// (or http://)."
    return url


def _clean(program: Program, details: ResourceDetails, *, has_file: bool, kept_skills=()) -> dict:
    errors: dict[str, str] = {}
    title = (details.title or "").strip()
    if not title:
        errors["title"] = "Give the resource a title."
    if details.kind not in ResourceKind.values:
        errors["kind"] = "Choose what kind of resource it is."
    url = _clean_url(details.url, errors)
    if details.kind == ResourceKind.FILE:
        if not has_file:
            errors["file"] = "Choose the file to upload."
    elif details.kind in ResourceKind.values and not url and "url" not in errors:
        errors["url"] = (
            "Give the join link." if details.kind in TIMED_KINDS else "Give the web address."
        )
    starts, ends = details.starts_at, details.ends_at
    if details.kind in TIMED_KINDS:
        if starts is None:
            errors["starts_at"] = "Give the date and time it starts."
        if ends is None:
            errors["ends_at"] = "Give the date and time it ends."
        elif starts is not None and ends <= starts:
            errors["ends_at"] = "It ends before it starts: check the times."
    else:
        starts = ends = None
    if details.audience not in Audience.values:
        errors["audience"] = "Choose who it is for."
    if details.stage not in Stage.values:
        errors["stage"] = "Choose when in a mentorship it helps most."
    tags = list(dict.fromkeys(t.strip()[:40] for t in details.tags if t and t.strip()))
    if len(tags) > MAX_TAGS:
        errors["tags"] = f"At most {MAX_TAGS} tags."
    # A skill the program has since dropped stays valid on a resource that already has it.
    known = {s.lower(): s for s in [*kept_skills, *program.skills]}
    unknown = [s for s in details.skills if s.lower() not in known]
    if unknown:
        errors["skills"] = (
            f"Not in {program.name}'s skill list: {', '.join(unknown)}. Add them to the list "
            "first, or choose from it."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "kind": details.kind,
        "title": title[:200],
        "description": (details.description or "").strip()[:4000],
        "url": url if details.kind != ResourceKind.FILE else "",
        "starts_at": starts,
        "ends_at": ends,
        "tags": tags,
        "skills": [known[s.lower()] for s in details.skills],
        "audience": details.audience,
        "stage": details.stage,
        "in_mentor_guide": bool(details.in_mentor_guide),
    }


def _require_manager(actor: Membership, program: Program) -> None:
    if not can_manage_program(actor, program):
        raise PermissionDenied("Only the program's managers change its library.")


def resource_create(
    *, actor: Membership, program: Program, details: ResourceDetails,
    upload: UploadedFile | None = None,
) -> Resource:  # fmt: skip
    """Add a resource to the program's library: a link, article or e-book (a web address), a
    file (of an allowed type and size, its content matching its name), or a webinar or event
    (a join link and a start before its end)."""
    _require_manager(actor, program)
    fields = _clean(program, details, has_file=upload is not None)
    checked = None
    if details.kind == ResourceKind.FILE and upload is not None:
        checked = clean_upload(
            upload, allowed=resource_file_extensions(),
            max_size=settings.RESOURCE_FILE_MAX_BYTES, field="file", action="upload",
            done="uploaded",
        )  # fmt: skip
    with organization_scope(program.organization):
        resource = Resource(
            organization=program.organization, program=program, created_by=actor.user, **fields
        )
        if checked is not None:
            resource.file_name = checked.name
            resource.content_type = checked.content_type
            resource.size = checked.size
        try:
            with transaction.atomic():
                if checked is not None:
                    resource.file.save(checked.name, checked.upload, save=False)
                resource.save()
        except Exception:
            if resource.file:
                resource.file.delete(save=False)
            raise
    return resource


def resource_update(*, actor: Membership, resource: Resource, details: ResourceDetails) -> Resource:
    """Change a resource's details (its file stays; upload a new resource to replace it)."""
    program = resource.program
    _require_manager(actor, program)
    fields = _clean(program, details, has_file=bool(resource.file), kept_skills=resource.skills)
    if details.kind != resource.kind and ResourceKind.FILE in (details.kind, resource.kind):
        raise ValidationError({"kind": "A file stays a file: add a new resource instead."})
    with organization_scope(program.organization):
        fields["updated_at"] = timezone.now()
        Resource.objects.filter(pk=resource.pk).update(**fields)
    for name, value in fields.items():
        setattr(resource, name, value)
    return resource


def resource_delete(*, actor: Membership, resource: Resource) -> None:
    """Remove a resource, and its file once the removal is committed."""
    _require_manager(actor, resource.program)
    stored = resource.file.name if resource.file else ""
    storage = resource.file.storage if resource.file else None
    with organization_scope(resource.program.organization):
        resource.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))


def resource_counted(
    *, organization: Organization, resource_id: int, what: str, by: int = 1
) -> None:
    """Count a view, share or completion (the number only: never who); `by=-1` takes one
    back (a completion undone), never below zero."""
    if what not in ("views", "shares", "completions"):
        raise ValueError(what)
    with organization_scope(organization):
        resources = Resource.objects.filter(pk=resource_id)
        if by < 0:
            resources = resources.filter(**{f"{what}__gte": -by})
        resources.update(**{what: F(what) + by})


def resource_opened(*, actor: Membership, resource: Resource) -> None:
    """A participant opened a resource: one more view. The program's managers and report
    viewers reading the library are not counted."""
    if actor.role == Role.REPORT_VIEWER or can_manage_program(actor, resource.program):
        return
    resource_counted(organization=actor.organization, resource_id=resource.pk, what="views")
