from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organizations.selectors import memberships_of_user


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a signed-in person lands: straight into their organisation, or a choice of them."""
    memberships = list(memberships_of_user(request.user))
    if len(memberships) == 1 and request.GET.get("choose") is None:
        return redirect("organizations:home", org_slug=memberships[0].organization.slug)
    return render(request, "home.html", {"memberships": memberships})
