"""The organisation's meeting settings, for its owners and admins."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from meetings import selectors, services
from meetings.forms import MeetingSettingsForm
from mentorship.forms import save_form
from organizations.access import can_manage_members, organization_view
from organizations.models import Membership


@organization_view(allow=can_manage_members)
def meeting_settings(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    organization = membership.organization
    template = selectors.video_link_template_for(organization)
    form = MeetingSettingsForm(request.POST or None, initial={"video_link_template": template})
    saved = save_form(
        request,
        form,
        lambda: services.meeting_settings_update(
            actor=membership, video_link_template=form.cleaned_data["video_link_template"]
        ),
        success="Meeting settings saved. Meetings proposed from now on get links like this.",
        redirect_to=reverse("meetings:settings", kwargs={"org_slug": organization.slug}),
    )
    if saved:
        return saved
    example = (
        template.format(organization=organization.slug, meeting="3f9c2a7d51e64b0c8a2e7f1d9b6c4e05")
        if template
        else ""
    )
    return render(
        request,
        "meetings/settings.html",
        {"membership": membership, "form": form, "example": example},
        status=400 if form.errors else 200,
    )
