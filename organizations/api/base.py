from __future__ import annotations

from rest_framework.permissions import IsAuthenticated

from organizations.api.permissions import IsOrganizationMember
from organizations.models import Membership, Organization
from organizations.scope import organization_scope


class OrganizationScopedMixin:
    """For API views under /api/v1/orgs/<org_slug>/.

    The organisation comes from the URL and the whole request (authentication, permissions,
    handler, rendering) runs inside its scope. Permissions then decide: non-members get 404.
    """

    permission_classes = [IsAuthenticated, IsOrganizationMember]
    organization: Organization | None
    membership: Membership

    def dispatch(self, request, *args, **kwargs):
        self.organization = Organization.objects.filter(slug=kwargs.get("org_slug", "")).first()
        if self.organization is None:
            return super().dispatch(request, *args, **kwargs)
        with organization_scope(self.organization):
            return super().dispatch(request, *args, **kwargs)
