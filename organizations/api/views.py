from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from organizations import selectors, services
from organizations.api.base import OrganizationScopedMixin
from organizations.api.permissions import (
    CanManageMembers,
    CanSeeMembers,
    HasOrganizationRole,
    ReadOnlyOrManageMembers,
)
from organizations.api.serializers import (
    AuditEventSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    OrganizationCreateSerializer,
    OrganizationSerializer,
)
from organizations.audit_log import (
    audit_filter_form,
    audit_filters_of,
    filtered_events,
    zone_of,
)
from organizations.models import AuditAction, Role


class OrganizationListCreateView(generics.GenericAPIView):
    """The organisations you belong to; POST creates one with you as its owner."""

    permission_classes = [IsAuthenticated]
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        return selectors.memberships_of_user(self.request.user)

    @extend_schema(responses=OrganizationSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        roles = {membership.organization_id: membership.role for membership in page}
        serializer = OrganizationSerializer(
            [membership.organization for membership in page], many=True, context={"roles": roles}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(request=OrganizationCreateSerializer, responses={201: OrganizationSerializer})
    def post(self, request):
        incoming = OrganizationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organization = services.organization_create(
            actor=request.user,
            name=incoming.validated_data["name"],
            slug=incoming.validated_data.get("slug", ""),
        )
        return Response(
            OrganizationSerializer(
                organization, context={"roles": {organization.pk: "owner"}}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class OrganizationDetailView(OrganizationScopedMixin, generics.GenericAPIView):
    permission_classes = [IsAuthenticated, ReadOnlyOrManageMembers]
    serializer_class = OrganizationSerializer

    def _render(self):
        organization = self.membership.organization
        return OrganizationSerializer(
            organization, context={"roles": {organization.pk: self.membership.role}}
        ).data

    def get(self, request, org_slug: str):
        return Response(self._render())

    def patch(self, request, org_slug: str):
        incoming = OrganizationSerializer(
            self.membership.organization, data=request.data, partial=True
        )
        incoming.is_valid(raise_exception=True)
        organization = self.membership.organization
        services.organization_update(
            actor_membership=self.membership,
            name=incoming.validated_data.get("name", organization.name),
            require_mfa_for_staff=incoming.validated_data.get(
                "require_mfa_for_staff", organization.require_mfa_for_staff
            ),
        )
        return Response(self._render())


class MemberListView(OrganizationScopedMixin, generics.ListAPIView):
    permission_classes = [IsAuthenticated, CanSeeMembers]
    serializer_class = MemberSerializer

    def get_queryset(self):
        return selectors.members_of(organization=self.organization)


class MemberDetailView(OrganizationScopedMixin, generics.GenericAPIView):
    serializer_class = MemberSerializer

    def get_permissions(self):
        if self.request.method == "GET":
            return [IsAuthenticated(), CanSeeMembers()]
        if self.request.method == "DELETE":
            return super().get_permissions()
        return [IsAuthenticated(), CanManageMembers()]

    def get_object(self):
        return selectors.get_member_for(
            organization=self.organization, membership_id=self.kwargs["membership_id"]
        )

    def get(self, request, org_slug: str, membership_id: int):
        return Response(MemberSerializer(self.get_object()).data)

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def patch(self, request, org_slug: str, membership_id: int):
        target = self.get_object()
        incoming = MemberRoleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        updated = services.membership_change_role(
            actor_membership=self.membership,
            membership=target,
            role=incoming.validated_data["role"],
        )
        return Response(MemberSerializer(updated).data)

    def delete(self, request, org_slug: str, membership_id: int):
        services.membership_remove(actor_membership=self.membership, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListCreateView(OrganizationScopedMixin, generics.ListAPIView):
    """Open invitations; POST invites an email address (the link is emailed)."""

    permission_classes = [IsAuthenticated, CanManageMembers]
    serializer_class = InvitationSerializer

    def get_queryset(self):
        return selectors.open_invitations_of(organization=self.organization)

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def post(self, request, org_slug: str):
        incoming = InvitationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            actor_membership=self.membership, **incoming.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(OrganizationScopedMixin, generics.GenericAPIView):
    """One invitation; DELETE withdraws it."""

    permission_classes = [IsAuthenticated, CanManageMembers]
    serializer_class = InvitationSerializer

    def get_object(self):
        return selectors.get_invitation_for(
            organization=self.organization, invitation_id=self.kwargs["invitation_id"]
        )

    def get(self, request, org_slug: str, invitation_id: int):
        return Response(InvitationSerializer(self.get_object()).data)

    def delete(self, request, org_slug: str, invitation_id: int):
        services.invitation_revoke(actor_membership=self.membership, invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class IsOwner(HasOrganizationRole):
    roles = frozenset({Role.OWNER})
    message = "Only the organisation's owners read its audit log."


AUDIT_FILTER_PARAMETERS = [
    OpenApiParameter(
        "action", OpenApiTypes.STR, enum=AuditAction.values, description="One kind of action."
    ),
    OpenApiParameter(
        "person", OpenApiTypes.INT, description="The user id of the person who acted."
    ),
    OpenApiParameter(
        "since",
        OpenApiTypes.DATE,
        description="First day, in your account's time zone (YYYY-MM-DD).",
    ),
    OpenApiParameter(
        "until",
        OpenApiTypes.DATE,
        description="Last day, included, in your account's time zone (YYYY-MM-DD).",
    ),
]


class AuditEventListView(OrganizationScopedMixin, generics.GenericAPIView):
    """The organisation's audit log of admin actions, newest first, for its owners: role changes,
    removals, invitations, published matches, exports and changes to the settings. Entries are
    never changed or deleted. Bad filters answer 400 with a message per field."""

    permission_classes = [IsAuthenticated, IsOwner]
    serializer_class = AuditEventSerializer

    @extend_schema(parameters=AUDIT_FILTER_PARAMETERS, responses=AuditEventSerializer(many=True))
    def get(self, request, org_slug: str):
        form = audit_filter_form(self.membership, request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {field: list(errors) for field, errors in form.errors.items()}
            )
        events = filtered_events(
            self.membership, audit_filters_of(form), zone_of(self.membership.user)
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)
