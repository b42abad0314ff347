"""Messaging pages for program managers: the messages participants reported."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.ratelimit import RateLimitedError, rate_limited_response
from messaging import selectors, services
from messaging.attachments import accept_attribute, attachment_response, max_bytes, max_files
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


def _thread_url(membership: Membership, conversation_id: int) -> str:
    return reverse(
        "messaging:thread",
        kwargs={"org_slug": membership.organization.slug, "conversation_id": conversation_id},
    )


@organization_view()
def inbox(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """The conversation list; on a wide screen the newest conversation opens beside it."""
    entries = selectors.conversations_for(membership)
    return render(
        request,
        "messaging/inbox.html",
        {"membership": membership, "entries": entries, "current": None},
    )


@organization_view()
def thread(request: HttpRequest, conversation_id: int, *, membership: Membership) -> HttpResponse:
    entry = selectors.get_conversation_entry_for(membership, conversation_id)
    conversation = entry.conversation
    before = request.GET.get("before", "")
    history = selectors.messages_of(conversation, before=int(before) if before.isdigit() else None)
    if history and not before:
        # Opening the thread reads it.
        services.conversation_mark_read(
            membership=membership, conversation=conversation, sequence=history[-1].sequence
        )
    return render(
        request,
        "messaging/inbox.html",
        {
            "membership": membership,
            "entries": selectors.conversations_for(membership),
            "current": entry,
            "history": history,
            "earlier": history[0].sequence if history and history[0].sequence > 1 else None,
            "paged": bool(before),
            "readers": [
                {
                    "user": r.user_id,
                    "name": r.user.full_name or r.user.email,
                    "sequence": r.last_read_sequence,
                }
                for r in selectors.read_positions(conversation, except_user_id=membership.user_id)
            ],
            "max_length": services.message_max_length(),
            "attachment_accept": accept_attribute(),
            "attachment_max_bytes": max_bytes(),
            "attachment_max_files": max_files(),
        },
    )


@organization_view()
@require_POST
def send(request: HttpRequest, conversation_id: int, *, membership: Membership) -> HttpResponse:
    """The form's own submission, for browsers without the live connection."""
    conversation, _ = selectors.get_conversation_for(membership, conversation_id)
    try:
        message, _ = services.message_send(
            membership=membership,
            conversation=conversation,
            body=request.POST.get("body", ""),
            client_key=request.POST.get("client_key", ""),
            files=request.FILES.getlist("files"),
            rate_limit=True,
        )
    except RateLimitedError as error:
        if _wants_json(request):
            return rate_limited_response(request, error)
        messages.error(request, error.reason)
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse(
                {
                    "errors": error.message_dict
                    if hasattr(error, "error_dict")
                    else {"body": error.messages}
                },
                status=400,
            )
        messages.error(request, " ".join(error.messages))
    else:
        if _wants_json(request):
            return JsonResponse(services.message_payload(message))
    return redirect(_thread_url(membership, conversation.pk))


def _wants_json(request: HttpRequest) -> bool:
    """The chat script sends files over HTTP and reads the answer as JSON."""
    return "application/json" in request.headers.get("Accept", "")


@organization_view()
def attachment(request: HttpRequest, attachment_id: int, *, membership: Membership) -> HttpResponse:
    """A file of a message, for the people who read its conversation (404 for anyone else)."""
    return attachment_response(selectors.get_attachment_for(membership, attachment_id))


def _message_action(
    request: HttpRequest, membership: Membership, message_id: int, action
) -> HttpResponse:
    """Run `action(message)` for a message of a conversation the member reads (404 otherwise);
    the chat script reads the answer as JSON, a plain form gets the thread back with a note."""
    message = selectors.get_message_for(membership, message_id)
    try:
        done = action(message)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        if _wants_json(request):
            return JsonResponse({"errors": {"__all__": [text]}}, status=400)
        messages.error(request, text)
    else:
        if _wants_json(request):
            return JsonResponse({"ok": True})
        messages.success(request, done)
    return redirect(_thread_url(membership, message.conversation_id))


@organization_view()
@require_POST
def message_edit(request: HttpRequest, message_id: int, *, membership: Membership) -> HttpResponse:
    def edit(message) -> str:
        services.message_edit(membership=membership, message=message, body=request.POST.get("body"))
        return "Message changed."

    return _message_action(request, membership, message_id, edit)


@organization_view()
@require_POST
def message_delete(
    request: HttpRequest, message_id: int, *, membership: Membership
) -> HttpResponse:
    def delete(message) -> str:
        services.message_delete(membership=membership, message=message)
        return "Message deleted."

    return _message_action(request, membership, message_id, delete)


@organization_view()
@require_POST
def message_report(
    request: HttpRequest, message_id: int, *, membership: Membership
) -> HttpResponse:
    def report(message) -> str:
        services.message_report(
            membership=membership, message=message, reason=request.POST.get("reason")
        )
        return "Reported. The program's managers will look at this message."

    return _message_action(request, membership, message_id, report)
