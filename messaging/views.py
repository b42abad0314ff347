"""Messaging pages for program managers: the messages participants reported."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from messaging import selectors, services
from messaging.models import ConversationKind, MessageReport
from organizations.access import organization_view
from organizations.models import Membership
from programs.views.common import managed_program


def _where(report: MessageReport) -> str:
    """Where the message was written, without anything else of that conversation."""
    conversation = report.message.conversation
    if conversation.kind == ConversationKind.MENTORSHIP:
        mentorship = conversation.mentorship
        people = [mentorship.mentor] + [m.mentee for m in mentorship.members.all()]
        return "Private conversation of " + " and ".join(p.full_name or p.email for p in people)
    if conversation.kind == ConversationKind.COHORT:
        return f"Group chat of {conversation.cohort.name}"
    return "Program announcements"


@organization_view()
def reports(request: HttpRequest, program_id: int, *, membership: Membership) -> HttpResponse:
    program = managed_program(membership, program_id)
    rows = [{"report": r, "where": _where(r)} for r in selectors.reports_for_program(program)]
    return render(
        request,
        "messaging/reports.html",
        {
            "membership": membership,
            "program": program,
            "rows": rows,
            "open_count": sum(1 for row in rows if row["report"].resolved_at is None),
        },
    )


@organization_view()
@require_POST
def report_resolve(
    request: HttpRequest, program_id: int, report_id: int, *, membership: Membership
) -> HttpResponse:
    program = managed_program(membership, program_id)
    report = selectors.get_report_for(program, report_id)
    try:
        services.message_report_resolve(membership=membership, report=report)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Marked as handled.")
    return redirect(
        reverse(
            "messaging:reports",
            kwargs={"org_slug": membership.organization.slug, "program_id": program.pk},
        )
    )
