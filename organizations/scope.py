"""Tenant scoping that fails closed.

Tenant-owned models use `TenantManager` as `objects`: every query is filtered to the organisation
in scope, and a query with no organisation in scope raises `TenantScopeError` instead of returning
every tenant's rows. The scope is a context variable, so it follows a request, a websocket
consumer or a Celery task (and is copied across sync_to_async / async_to_sync boundaries).

The named escape hatch is the `all_organizations` manager: greppable, for admin, migrations and
the few cross-tenant reads (a user's own memberships).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from organizations.models import Organization

_current_organization_id: ContextVar[int | None] = ContextVar(
    "current_organization_id", default=None
)


class TenantScopeError(RuntimeError):
    """A tenant-owned model was queried with no organisation in scope."""


@contextmanager
def organization_scope(organization: Organization) -> Iterator[Organization]:
    """Run the block with `organization` as the tenant every scoped query is limited to."""
    if organization.pk is None:
        raise TenantScopeError("An unsaved organisation cannot be a scope.")
    token = _current_organization_id.set(organization.pk)
    try:
        yield organization
    finally:
        _current_organization_id.reset(token)


def current_organization_id() -> int:
    organization_id = _current_organization_id.get()
    if organization_id is None:
        raise TenantScopeError(
            "Tenant data queried with no organisation in scope. Wrap the code in "
            "organization_scope(org), or use the model's all_organizations manager on purpose."
        )
    return organization_id


class TenantManager(models.Manager):
    """Limits every query to the organisation in scope; raises when there is none."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(organization_id=current_organization_id())

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips Model.save(), so the scope check happens here.
        organization_id = current_organization_id()
        objs = list(objs)
        if any(obj.organization_id != organization_id for obj in objs):
            raise TenantScopeError("Refusing to create rows in an organisation outside the scope.")
        return super().bulk_create(objs, *args, **kwargs)
