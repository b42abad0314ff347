"""Resources API: a program's library (its managers write, its participants read what is meant
for them, report viewers read it all), recommendations, and what a pair shares.

Every route answers 404 for what the member may not read (missing, in another organisation, or
not theirs: one answer), whatever the method. Writes are then checked before the body is read:
a reader who may not write gets 403, not field errors. The services' refusals are 400 with the
field's message (see mentorship.api.errors).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from goals.access import pair_enrolment
from messaging.attachments import file_response
from organizations.api.base import OrganizationScopedMixin
from organizations.models import Membership, Role
from programs.access import can_manage_program
from programs.api.views.base import MentorshipScopedMixin
from programs.models import Program
from resources import selectors, services, sharing
from resources.api.serializers import (
    LibraryQuerySerializer,
    RecommendationSerializer,
    ResourceCreateSerializer,
    ResourceSerializer,
    ResourceWriteSerializer,
    SharedItemCreateSerializer,
    SharedItemDoneSerializer,
    SharedItemSerializer,
)
from resources.models import Resource, SharedItem

FILE_RESPONSE = {(200, "application/octet-stream"): OpenApiTypes.BINARY}


def counts_visible(membership: Membership, program: Program) -> bool:
    """The program's managers and the organisation's report viewers read the counts."""
    return membership.role == Role.REPORT_VIEWER or can_manage_program(membership, program)


def _details(data: dict, current: Resource | None = None) -> services.ResourceDetails:
    """The details sent, over the resource's current ones (a partial update)."""

    def value(name: str):
        return data[name] if name in data or current is None else getattr(current, name)

    return services.ResourceDetails(
        kind=value("kind"),
        title=value("title"),
        description=value("description"),
        url=value("url"),
        starts_at=value("starts_at"),
        ends_at=value("ends_at"),
        tags=tuple(value("tags")),
        skills=tuple(value("skills")),
        audience=value("audience"),
        stage=value("stage"),
        in_mentor_guide=value("in_mentor_guide"),
    )


class LibraryScopedMixin(OrganizationScopedMixin):
    """For routes under .../programs/<program_id>/resources/: a program whose library the
    member reads (its managers, the report viewers, its participants), or 404."""

    program: Program
    sides: set[str] | None

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.program, self.sides = selectors.get_library_program(
            self.membership, kwargs["program_id"]
        )

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            # Every side is read by the program's managers and the report viewers: the same
            # people who read the counts (see counts_visible).
            "counts_visible": self.sides is None,
            "org_slug": self.organization.slug,
        }


class ResourceScopedMixin(OrganizationScopedMixin):
    """For routes under .../resources/<resource_id>/: a resource the member reads, or 404."""

    resource: Resource

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.resource = selectors.get_resource_for(self.membership, kwargs["resource_id"])
        self.resource.organization = self.membership.organization
        self.resource.program.organization = self.membership.organization

    def require_can_manage(self) -> None:
        if not can_manage_program(self.membership, self.resource.program):
            raise exceptions.PermissionDenied("Only the program's managers change its library.")

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "counts_visible": counts_visible(self.membership, self.resource.program),
            "org_slug": self.organization.slug,
        }


class PairSharedScopedMixin(MentorshipScopedMixin):
    """For a mentorship's shared items: only its pair (mentor or mentee); its program's managers
    and anyone else get 404, as for a mentorship that does not exist."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if pair_enrolment(self.membership, self.mentorship) is None:
            raise Http404("No such mentorship.")
        self.mentorship.organization = self.membership.organization

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "org_slug": self.organization.slug}


class SharedItemScopedMixin(OrganizationScopedMixin):
    """For routes under .../shared/<item_id>/: something shared in the member's own mentorship,
    or 404 (the program's managers included)."""

    item: SharedItem

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.item = selectors.get_shared_item_for(self.membership, kwargs["item_id"])

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "org_slug": self.organization.slug}


# The library ----------------------------------------------------------------------------------


class ProgramResourceListCreateView(LibraryScopedMixin, generics.ListAPIView):
    """GET: the program's library as you read it, by title (best match first when searching
    on PostgreSQL): its managers and the report viewers read every resource, its participants
    those meant for their side. `q` searches, `kind` keeps one kind. The counts are for the
    managers and report viewers only. POST: add a resource (the program's managers): a link,
    article or e-book (a web address), a file (multipart/form-data with `file`), or a webinar or
    event (a join link, a start and an end after it). Nothing is stored on any refusal."""

    serializer_class = ResourceSerializer

    def get_queryset(self) -> list[Resource]:
        query = LibraryQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.library_of(
            self.membership,
            self.program,
            query=query.validated_data["q"],
            kind=query.validated_data["kind"],
            sides=self.sides,
        )

    @extend_schema(parameters=[LibraryQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ResourceCreateSerializer, responses={201: ResourceSerializer})
    def post(self, request, org_slug: str, program_id: int):
        if not can_manage_program(self.membership, self.program):
            raise exceptions.PermissionDenied("Only the program's managers change its library.")
        incoming = ResourceCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        resource = services.resource_create(
            actor=self.membership,
            program=self.program,
            details=_details(incoming.validated_data),
            upload=incoming.validated_data.get("file"),
        )
        return Response(
            self.get_serializer(resource).data,
            status=status.HTTP_201_CREATED,
        )


class ProgramResourceRecommendedView(LibraryScopedMixin, generics.ListAPIView):
    """The library's resources that fit you in this program, best first (at most ten), each
    with its reasons: the skills in your profile, your mentorship's goals (a mentee's own, a
    mentor's mentees'), and how far into the mentorship you are. Empty for those who do not
    take part in the program."""

    serializer_class = RecommendationSerializer

    def get_queryset(self) -> list[dict]:
        return [
            {"resource": resource, "reasons": list(reasons)}
            for resource, reasons in selectors.recommended_for(self.membership, self.program)
        ]


class ResourceDetailView(ResourceScopedMixin, generics.GenericAPIView):
    """GET: one resource (a participant opening it counts one view: the number, never who).
    PATCH: change the details sent, the others stay (the program's managers; a file keeps its
    file: add a new resource to replace it). DELETE: remove it, with what pairs shared of it
    (the program's managers)."""

    serializer_class = ResourceSerializer

    def get(self, request, org_slug: str, resource_id: int):
        services.resource_opened(actor=self.membership, resource=self.resource)
        return Response(self.get_serializer(self.resource).data)

    @extend_schema(request=ResourceWriteSerializer, responses=ResourceSerializer)
    def patch(self, request, org_slug: str, resource_id: int):
        self.require_can_manage()
        incoming = ResourceWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        resource = services.resource_update(
            actor=self.membership,
            resource=self.resource,
            details=_details(incoming.validated_data, self.resource),
        )
        return Response(self.get_serializer(resource).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, org_slug: str, resource_id: int):
        self.require_can_manage()
        services.resource_delete(actor=self.membership, resource=self.resource)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResourceFileView(ResourceScopedMixin, generics.GenericAPIView):
    """The file of a file resource you read, as a download (404 for the other kinds)."""

    @extend_schema(responses=FILE_RESPONSE)
    def get(self, request, org_slug: str, resource_id: int):
        resource = self.resource
        if not resource.file:
            raise Http404("This resource has no file.")
        return file_response(
            resource.file, name=resource.file_name, content_type=resource.content_type
        )


# What a pair shares ---------------------------------------------------------------------------


class MentorshipSharedListCreateView(PairSharedScopedMixin, generics.ListAPIView):
    """GET: what the pair shared, newest first (the pair only). POST: share a library resource
    (JSON: `resource`) or a document of your own (multipart/form-data: `file`, and a `title` if
    you like), one of the two, with a note, attached to one of the mentorship's goals or
    milestones if you like. An ended mentorship takes nothing more."""

    serializer_class = SharedItemSerializer

    def get_queryset(self) -> list[SharedItem]:
        return selectors.shared_items_of(self.mentorship)

    @extend_schema(request=SharedItemCreateSerializer, responses={201: SharedItemSerializer})
    def post(self, request, org_slug: str, mentorship_id: int):
        incoming = SharedItemCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        resource_id, upload = data["resource"], data.get("file")
        if resource_id is None and upload is None:
            raise exceptions.ValidationError(
                {"resource": ["Choose a resource of the library, or upload a file."]}
            )
        if resource_id is not None and upload is not None:
            raise exceptions.ValidationError(
                {"file": ["Share a resource of the library or a file, not both."]}
            )
        attached = {
            "note": data["note"],
            "goal_id": data["goal"],
            "milestone_id": data["milestone"],
        }
        if upload is not None:
            item = sharing.document_share(
                actor=self.membership,
                mentorship=self.mentorship,
                upload=upload,
                title=data["title"],
                **attached,
            )
        else:
            item = sharing.resource_share(
                actor=self.membership,
                mentorship=self.mentorship,
                resource_id=resource_id,
                **attached,
            )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)


class SharedItemDetailView(SharedItemScopedMixin, generics.GenericAPIView):
    """GET: one shared item (the pair only). DELETE: take back what you shared (only the one
    who shared it: 403 for the other side)."""

    serializer_class = SharedItemSerializer

    def get(self, request, org_slug: str, item_id: int):
        return Response(self.get_serializer(self.item).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, org_slug: str, item_id: int):
        sharing.shared_item_remove(actor=self.membership, item=self.item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedItemDoneView(SharedItemScopedMixin, generics.GenericAPIView):
    """Mark a shared item done, or not done again (the mentee: 403 for the mentor). A goal it
    is attached to records it in its progress history."""

    serializer_class = SharedItemSerializer

    @extend_schema(request=SharedItemDoneSerializer, responses=SharedItemSerializer)
    def post(self, request, org_slug: str, item_id: int):
        incoming = SharedItemDoneSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        item = sharing.shared_item_complete(
            actor=self.membership, item=self.item, done=incoming.validated_data["done"]
        )
        return Response(self.get_serializer(item).data)


class SharedItemFileView(SharedItemScopedMixin, generics.GenericAPIView):
    """A document shared in your mentorship, as a download (404 for a library resource: read
    its file through the resource)."""

    @extend_schema(responses=FILE_RESPONSE)
    def get(self, request, org_slug: str, item_id: int):
        item = self.item
        if not item.file:
            raise Http404("This shared item has no file of its own.")
        return file_response(item.file, name=item.file_name, content_type=item.content_type)
