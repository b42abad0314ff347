from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organizations.access import can_see_members, organization_view
from organizations.invitation_links import invitation_accept_path
from organizations.models import Membership, Role
from organizations.selectors import (
    members_of,
    memberships_of_user,
    open_invitations_for_user,
    open_invitations_of,
)
from programs.access import can_create_programs
from programs.selectors import program_list_for

OVERVIEW_PROGRAMS = 6


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a signed-in person lands: straight into their organisation, or a choice of them."""
    memberships = list(memberships_of_user(request.user))
    invitations = [
        (invitation, invitation_accept_path(invitation))
        for invitation in open_invitations_for_user(request.user)
    ]
    if len(memberships) == 1 and not invitations and request.GET.get("choose") is None:
        return redirect("overview", org_slug=memberships[0].organization.slug)
    return render(request, "home.html", {"memberships": memberships, "invitations": invitations})


@organization_view()
def organization_overview(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """An organisation's front page: its programs and, for staff, its people at a glance."""
    organization = membership.organization
    context: dict = {
        "membership": membership,
        "can_create_programs": can_create_programs(membership),
    }
    if can_see_members(membership):
        members = members_of(organization=organization)
        counts = dict(members.order_by().values_list("role").annotate(count=Count("id")))
        context["member_count"] = sum(counts.values())
        # In the order of the roles (owner first), not alphabetically.
        context["role_counts"] = {role.label: counts[role] for role in Role if role in counts}
        context["open_invitation_count"] = open_invitations_of(organization=organization).count()
        context["programs"] = program_list_for(membership)[:OVERVIEW_PROGRAMS]
    return render(request, "overview.html", context)
