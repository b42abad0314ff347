"""The resources app's routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organizations.scope import organization_scope
from tests.conftest import CANARY, World
from tests.security.routes import TenantRoute, _bravo_program, _matching, _program


def _resources(world: World) -> dict:
    """Alpha's library (a file and a webinar carrying Alpha's marker, for both sides) and a
    document shared in the walk's mentorship (owner mentors member)."""
    from programs import selectors as program_selectors
    from resources import services, sharing
    from resources.models import Resource, SharedItem

    mentorship_id = _matching(world)["mentorship_id"]
    with organization_scope(world.alpha):
        found = list(
            Resource.objects.filter(program=world.alpha_program)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        item = SharedItem.objects.filter(mentorship_id=mentorship_id).first()
    if not found:
        owner = world.alpha_owner_membership
        file = services.resource_create(
            actor=owner, program=world.alpha_program,
            details=services.ResourceDetails(kind="file", title=f"The {CANARY} handbook"),
            upload=SimpleUploadedFile("handbook.pdf", b"%PDF-1.7\n" + CANARY.encode()),
        )  # fmt: skip
        starts = timezone.now() + datetime.timedelta(days=3)
        webinar = services.resource_create(
            actor=owner, program=world.alpha_program,
            details=services.ResourceDetails(
                kind="webinar", title=f"The {CANARY} webinar", url="https://example.com/join",
                starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
            ),
        )  # fmt: skip
        found = [file.pk, webinar.pk]
    if item is None:
        member = world.alpha_member_membership
        with organization_scope(world.alpha):
            mentorship = program_selectors.get_mentorship_for(member, mentorship_id)
        item = sharing.document_share(
            actor=member, mentorship=mentorship, title=f"My {CANARY} notes",
            upload=SimpleUploadedFile("notes.txt", f"{CANARY} notes".encode()),
        )  # fmt: skip
    return {
        "mentorship_id": mentorship_id,
        "resource_id": found[0],
        "webinar_id": found[1],
        "item_id": item.pk,
    }


def _pick(**names: str):
    """The kwargs of one route, renamed from `_resources`' keys to the route's."""

    def kwargs(world: World) -> dict:
        found = _resources(world)
        return {name: found[key] for name, key in names.items()}

    return kwargs


def _library(world: World) -> dict:
    _resources(world)
    return _program(world)


_MENTORSHIP = _pick(mentorship_id="mentorship_id")
_RESOURCE = _pick(resource_id="resource_id")
_WEBINAR = _pick(resource_id="webinar_id")
_ITEM = _pick(item_id="item_id")

RESOURCE_WEB_ROUTES: dict[str, TenantRoute] = {
    "resources:library": TenantRoute(_library, is_list=True, bravo_list_kwargs=_bravo_program),
    "resources:resource_create": TenantRoute(_library),
    "resources:resource": TenantRoute(_RESOURCE),
    "resources:resource_edit": TenantRoute(_RESOURCE),
    "resources:resource_delete": TenantRoute(_RESOURCE),
    "resources:resource_file": TenantRoute(_RESOURCE),
    "resources:resource_calendar": TenantRoute(_WEBINAR),
    "resources:resource_share": TenantRoute(_RESOURCE),
    "resources:shared": TenantRoute(_MENTORSHIP),
    "resources:shared_upload": TenantRoute(_MENTORSHIP),
    "resources:shared_file": TenantRoute(_ITEM),
    "resources:shared_done": TenantRoute(_ITEM),
    "resources:shared_remove": TenantRoute(_ITEM),
}

# The API's routes (resources/api/urls.py).
RESOURCE_API_ROUTES: dict[str, TenantRoute] = {
    "api_program_resources": TenantRoute(_library, is_list=True, bravo_list_kwargs=_bravo_program),
    "api_program_resources_recommended": TenantRoute(_library),
    "api_resource": TenantRoute(_RESOURCE),
    "api_resource_file": TenantRoute(_RESOURCE),
    "api_mentorship_shared": TenantRoute(_MENTORSHIP),
    "api_shared_item": TenantRoute(_ITEM),
    "api_shared_item_done": TenantRoute(_ITEM),
    "api_shared_item_file": TenantRoute(_ITEM),
}

RESOURCE_ROUTES = RESOURCE_WEB_ROUTES | RESOURCE_API_ROUTES
