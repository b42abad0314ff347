from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from matching import services
from matching.forms import MatchingSettingsForm
from mentorship.forms import save_form
from organizations.access import organization_view
from organizations.models import Membership
from programs.views.common import managed_program


@organization_view()
def matching_settings(
    request: HttpRequest, program_id: int, *, membership: Membership
) -> HttpResponse:
    program = managed_program(membership, program_id)
    settings = services.matching_settings_for(program)
    criteria = services.program_criteria(program, settings.weights)
    form = MatchingSettingsForm(request.POST or None, criteria=criteria, settings=settings)
    here = reverse(
        "matching:settings",
        kwargs={"org_slug": membership.organization.slug, "program_id": program.pk},
    )
    saved = save_form(
        request,
        form,
        lambda: services.matching_settings_update(
            actor=membership, program=program, weights=form.weights(), values=form.values()
        ),
        success="Matching settings saved. They apply to the next match run.",
        redirect_to=here,
    )
    if saved:
        return saved
    return render(
        request,
        "matching/settings.html",
        {"membership": membership, "program": program, "form": form, "criteria": criteria},
        status=400 if form.errors else 200,
    )
