"""The program library's rules: what a resource needs, bad input refused with nothing stored,
and who may change it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organizations.scope import organization_scope
from resources import services
from resources.models import Resource

PDF = b"%PDF-1.7\n" + b"x" * 100
NOW = timezone.now()


def _create(world, program, upload=None, **details):
    values = {"kind": "link", "title": "Storytelling", "url": "https://example.com/story"}
    return services.resource_create(
        actor=world.alpha_owner_membership,
        program=program,
        details=services.ResourceDetails(**{**values, **details}),
        upload=upload,
    )


def _count(world) -> int:
    with organization_scope(world.alpha):
        return Resource.objects.count()


def test_a_link_with_skills_tags_and_audience(world, program):
    resource = _create(
        world, program, skills=("public speaking",), tags=("talks", "talks", " slides "),
        audience="mentee", stage="first_month",
    )  # fmt: skip
    assert resource.skills == ["Public speaking"]  # spelled as in the program's list
    assert resource.tags == ["talks", "slides"]
    assert (resource.audience, resource.stage) == ("mentee", "first_month")


def test_a_file_is_stored_with_its_checked_type(world, program, stored_files):
    resource = _create(world, program, SimpleUploadedFile("guide.pdf", PDF), kind="file", url="")
    assert (resource.file_name, resource.content_type, resource.size) == (
        "guide.pdf", "application/pdf", len(PDF),
    )  # fmt: skip
    assert resource.file.read() == PDF
    assert stored_files() == [resource.file.name]


@pytest.mark.parametrize(
    ("details", "upload", "field"),
    [
        ({"url": "not a url"}, None, "url"),
        ({"url": "javascript:alert(1)"}, None, "url"),
        ({"url": ""}, None, "url"),
        ({"title": " "}, None, "title"),
        ({"kind": "webinar", "starts_at": NOW + datetime.timedelta(days=2),
          "ends_at": NOW + datetime.timedelta(days=1)}, None, "ends_at"),
        ({"kind": "event", "starts_at": None, "ends_at": None}, None, "starts_at"),
        ({"skills": ("Juggling",)}, None, "skills"),
        ({"kind": "file", "url": ""}, None, "file"),
        ({"kind": "file", "url": ""}, SimpleUploadedFile("run.exe", b"MZ"), "file"),
        ({"kind": "file", "url": ""}, SimpleUploadedFile("fake.pdf", b"<html>"), "file"),
    ],
)  # fmt: skip
def test_bad_resources_are_refused_and_nothing_is_stored(
    world, program, stored_files, details, upload, field
):
    with pytest.raises(ValidationError) as error:
        _create(world, program, upload, **details)
    assert field in error.value.message_dict
    assert _count(world) == 0
    assert stored_files() == []


def test_a_file_over_the_limit_is_refused(world, program, settings, stored_files):
    settings.RESOURCE_FILE_MAX_BYTES = 50
    with pytest.raises(ValidationError) as error:
        _create(world, program, SimpleUploadedFile("big.pdf", PDF), kind="file", url="")
    assert "files can be at most 50" in error.value.message_dict["file"][0]
    assert _count(world) == 0
    assert stored_files() == []


def test_a_webinar_has_a_join_link_and_times(world, program):
    start = NOW + datetime.timedelta(days=3)
    webinar = _create(
        world, program, kind="webinar", url="https://meet.example.com/talk",
        starts_at=start, ends_at=start + datetime.timedelta(hours=1),
    )  # fmt: skip
    assert webinar.ends_at - webinar.starts_at == datetime.timedelta(hours=1)


def test_only_the_programs_managers_change_the_library(world, program):
    member = world.alpha_member_membership
    with pytest.raises(PermissionDenied):
        services.resource_create(
            actor=member, program=program,
            details=services.ResourceDetails(kind="link", title="x", url="https://example.com"),
        )  # fmt: skip
    resource = _create(world, program)
    with pytest.raises(PermissionDenied):
        services.resource_delete(actor=member, resource=resource)
    services.resource_delete(actor=world.alpha_owner_membership, resource=resource)
    assert _count(world) == 0


def test_an_update_keeps_the_rules_and_counts_are_numbers_only(world, program):
    resource = _create(world, program)
    with pytest.raises(ValidationError):
        services.resource_update(
            actor=world.alpha_owner_membership, resource=resource,
            details=services.ResourceDetails(kind="link", title="Storytelling", url="ftp://x"),
        )  # fmt: skip
    for what in ("views", "views", "completions"):
        services.resource_counted(organization=world.alpha, resource_id=resource.pk, what=what)
    with organization_scope(world.alpha):
        stored = Resource.objects.get()
    assert (stored.url, stored.views, stored.shares, stored.completions) == (
        "https://example.com/story", 2, 0, 1,
    )  # fmt: skip


def test_an_update_marks_the_change_and_keeps_a_skill_the_program_dropped(world, program):
    from programs.models import Program

    resource = _create(world, program, skills=("Leadership",))
    with organization_scope(world.alpha):
        Program.objects.filter(pk=program.pk).update(skills=["Public speaking"])
    program.refresh_from_db()
    resource.program = program
    before = resource.updated_at
    services.resource_update(
        actor=world.alpha_owner_membership, resource=resource,
        details=services.ResourceDetails(
            kind="link", title="Storytelling, revised", url="https://example.com/story",
            skills=("Leadership",),
        ),
    )  # fmt: skip
    with organization_scope(world.alpha):
        stored = Resource.objects.get()
    assert (stored.title, stored.skills) == ("Storytelling, revised", ["Leadership"])
    assert stored.updated_at > before
    with pytest.raises(ValidationError, match="Negotiation"):
        services.resource_update(
            actor=world.alpha_owner_membership,
            resource=stored,
            details=services.ResourceDetails(
                kind="link", title="x", url="https://example.com/story", skills=("Negotiation",)
            ),
        )
