from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organizations.invitation_links import invitation_accept_path
from organizations.selectors import memberships_of_user, open_invitations_for_user


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
        return redirect("organizations:home", org_slug=memberships[0].organization.slug)
    return render(request, "home.html", {"memberships": memberships, "invitations": invitations})
