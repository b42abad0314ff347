"""Resolving the tenant from the URL for HTML views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from organizations.models import STAFF_ROLES, Membership
from organizations.scope import organization_scope
from organizations.selectors import get_membership_for, get_organization_by_slug


def organization_view(
    *, allow: Callable[[Membership], bool] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view under /o/<org_slug>/.

    The organisation comes from the URL; a visitor who is not a member gets the same 404 as for an
    organisation that does not exist. `allow` narrows the page to some members (403 for the rest).
    The view runs, and renders, inside the organisation's scope and receives `membership`.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args, **kwargs) -> HttpResponse:
            organization = get_organization_by_slug(org_slug)
            membership = get_membership_for(request.user, organization)
            if missing_required_mfa(membership):
                messages.warning(
                    request,
                    f"{organization.name} requires two-factor authentication for "
                    f"{membership.get_role_display().lower()}s. Set it up to continue.",
                )
                return redirect("mfa_activate_totp")
            if allow is not None and not allow(membership):
                raise PermissionDenied("Your role in this organisation does not include this page.")
            request.organization = organization
            request.membership = membership
            with organization_scope(organization):
                return view(request, *args, membership=membership, **kwargs)

        return wrapper

    return decorator


def missing_required_mfa(membership: Membership) -> bool:
    """The organisation requires MFA of owners, admins and report viewers, and this one has none."""
    return (
        membership.organization.require_mfa_for_staff
        and membership.role in STAFF_ROLES
        and not is_mfa_enabled(membership.user, types=["totp"])
    )


def can_manage_members(membership: Membership) -> bool:
    return membership.can_manage_members


def can_see_members(membership: Membership) -> bool:
    return membership.role != "member"
