"""The managers' notification pages: a program's reminders and nudges, a mentorship's nudge log
with the form to send the pair a note, and the organisation's failed emails (owners and
admins). A refused form renders again with its errors (400), so nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.forms import save_form
from notifications import managers
from notifications.forms_managers import NudgeForm, NudgeSettingsForm
from notifications.kinds import KINDS
from notifications.program_settings import PROGRAM_KINDS
from organizations.access import can_manage_members, organization_view
from organizations.models import Membership
from programs import selectors as program_selectors
from programs.views.common import managed_program


def _settings_url(membership: Membership, program_id: int) -> str:
    return reverse(
        "nudges:program_settings",
        kwargs={"org_slug": membership.organization.slug, "program_id": program_id},
    )


def _log_url(membership: Membership, mentorship_id: int) -> str:
    return reverse(
        "nudges:mentorship_log",
        kwargs={"org_slug": membership.organization.slug, "mentorship_id": mentorship_id},
    )


def _failed_url(membership: Membership) -> str:
    return reverse("nudges:failed_emails", kwargs={"org_slug": membership.organization.slug})


# A program's reminders and nudges -------------------------------------------------------------


@organization_view()
@require_http_methods(["GET", "POST"])
def program_settings(request: HttpRequest, program_id: int, *, membership: Membership):
    program = managed_program(membership, program_id)
    current = managers.nudge_settings_of(program)
    form = NudgeSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=NudgeSettingsForm.initial_of(current),
    )
    save = lambda: managers.nudge_settings_update(  # noqa: E731
        actor=membership, program=program, **form.service_values()
    )
    if response := save_form(
        request,
        form,
        save,
        success="Reminders and nudges saved. The next scans use them.",
        redirect_to=_settings_url(membership, program.pk),
    ):
        return response
    return render(
        request,
        "notifications/managers/program_settings.html",
        {
            "membership": membership,
            "program": program,
            "form": form,
            "current": current,
            "switched_off": [KINDS[k].label for k in PROGRAM_KINDS if not current.runs(k)],
        },
        status=400 if request.method == "POST" else 200,
    )


# A mentorship's nudge log ---------------------------------------------------------------------


@organization_view()
@require_http_methods(["GET", "POST"])
def mentorship_log(request: HttpRequest, mentorship_id: int, *, membership: Membership):
    """GET: the log. POST: send the pair a note, then back to the log."""
    mentorship = program_selectors.get_mentorship_for(membership, mentorship_id)
    managers.require_manages_mentorship(membership, mentorship)
    form = NudgeForm(request.POST if request.method == "POST" else None, mentorship=mentorship)
    save = lambda: managers.nudge_send(  # noqa: E731
        actor=membership, mentorship=mentorship, **form.cleaned_data
    )
    try:
        if response := save_form(
            request,
            form,
            save,
            success=lambda ids: (
                f"Note sent to {len(ids)} " + ("person." if len(ids) == 1 else "people.")
            ),
            redirect_to=_log_url(membership, mentorship.pk),
        ):
            return response
    except PermissionDenied as error:  # lost the program between the page and the send
        messages.error(request, str(error))
        return redirect(_log_url(membership, mentorship.pk))
    page = Paginator(managers.mentorship_nudges(mentorship), managers.LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/managers/mentorship_log.html",
        {
            "membership": membership,
            "mentorship": mentorship,
            "people": [mentorship.mentor, *(m.mentee for m in mentorship.members.all())],
            "page": page,
            "entries": managers.log_entries(mentorship, page.object_list),
            "form": form,
            "can_send": mentorship.is_open,
            "per_day": managers.MANUAL_NUDGES_PER_DAY,
        },
        status=400 if request.method == "POST" else 200,
    )


# Failed emails ----------------------------------------------------------------------------------


@organization_view(allow=can_manage_members)
def failed_emails(request: HttpRequest, *, membership: Membership):
    page = Paginator(managers.failed_emails(membership), managers.LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/managers/failed_emails.html",
        {
            "membership": membership,
            "page": page,
            "entries": managers.failed_entries(list(page.object_list)),
            "now": timezone.now(),
        },
    )


@organization_view(allow=can_manage_members)
@require_POST
def retry_email(request: HttpRequest, notification_id: int, *, membership: Membership):
    row = managers.get_failed_email_for(membership, notification_id)
    try:
        managers.failed_email_retry(actor=membership, notification=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Sending “{managers.shown_title(row)}” again to {row.email}.")
    return redirect(_failed_url(membership))
