"""HR exports in the browser: the progress report as CSV, XLSX or PDF, the participants as CSV,
and the page of one's scheduled reports.

Every export takes the reports' query-string filters (reports.filters.parse_filters: owners,
admins and report viewers read every program, program managers theirs, anyone else gets 403);
bad filters answer 400 with the message, as a small page or, when the client accepts JSON, as
{"errors": {field: message}}. Every export is written to the reports' audit log with its
filters and row count: a streamed CSV when its last row is written.

CSV streams in constant memory. Under ASGI (how the platform is served) a streamed response
needs an asynchronous iterator, or Django reads the whole stream into memory first: there the
blocks are pulled from the generator one at a time on the request's thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

from asgiref.sync import sync_to_async
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.forms import save_form
from organizations.access import organization_view
from organizations.models import Membership
from reports.audit import audit
from reports.exports import scheduled as scheduled_services
from reports.exports.csv_writer import csv_blocks
from reports.exports.participants import PARTICIPANT_HEADERS, participant_chunks
from reports.exports.pdf_writer import PDF_CONTENT_TYPE, progress_pdf
from reports.exports.summary import Tally
from reports.exports.xlsx_writer import XLSX_CONTENT_TYPE, about_export, progress_workbook_file
from reports.filters import ReportFilters, parse_filters
from reports.models import Frequency, ReportAction
from reports.progress import progress_chunks, progress_headers

# Columns of text people typed, checked for formulas in CSV (see csv_writer).
PROGRESS_TEXT_COLUMNS = (1, 2, 3, 4, 5)
PARTICIPANT_TEXT_COLUMNS = (0, 1, 3, 4, 6)
FILE_BLOCK = 64 * 1024


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _messages_of(error: ValidationError) -> dict[str, str]:
    if hasattr(error, "error_dict"):
        return {field: " ".join(found) for field, found in error.message_dict.items()}
    return {"__all__": " ".join(error.messages)}


def _filters(request: HttpRequest, membership: Membership) -> ReportFilters | HttpResponse:
    """The request's filters, or the response refusing them."""
    try:
        return parse_filters(membership, request.GET)
    except PermissionDenied as error:
        if _wants_json(request):
            return JsonResponse({"detail": str(error)}, status=403)
        raise
    except ValidationError as error:
        errors = _messages_of(error)
        if _wants_json(request):
            return JsonResponse({"errors": errors}, status=400)
        return render(
            request,
            "reports/exports/bad_filters.html",
            {"errors": errors, "organization": membership.organization},
            status=400,
        )


def export_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An export: in the organisation of the URL (404 to anyone else), read with GET only,
    given the parsed filters."""

    @organization_view()
    def wrapper(request: HttpRequest, *, membership: Membership) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        filters = _filters(request, membership)
        if isinstance(filters, HttpResponse):
            return filters
        return view(request, membership=membership, filters=filters)

    wrapper.__name__ = wrapper.__qualname__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _file_name(membership: Membership, report: str, extension: str) -> str:
    return f"{membership.organization.slug}-{report}-{timezone.localdate().isoformat()}.{extension}"


def _download_headers(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _streamed(request: HttpRequest, blocks: Iterator[bytes]) -> Iterator[bytes] | AsyncIterator:
    """The blocks as the server wants them: as they are under WSGI (and the test client), one
    at a time through the request's thread under ASGI."""
    if not isinstance(request, ASGIRequest):
        return blocks

    async def pulled() -> AsyncIterator[bytes]:
        take = sync_to_async(next, thread_sensitive=True)
        try:
            while (block := await take(blocks, None)) is not None:
                yield block
        finally:
            close = getattr(blocks, "close", None)
            if close is not None:
                await sync_to_async(close, thread_sensitive=True)()

    return pulled()


def _csv_response(request: HttpRequest, blocks: Iterator[bytes], name: str) -> HttpResponse:
    response = StreamingHttpResponse(
        _streamed(request, blocks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _download_headers(response)


@export_view
def progress_csv(request: HttpRequest, *, membership: Membership, filters: ReportFilters):
    """The progress report as CSV, streamed."""

    def written(rows: int) -> None:
        audit(membership, ReportAction.EXPORT_CSV, "progress", filters.given, rows=rows)

    chunks = progress_chunks(membership.organization, filters)
    blocks = csv_blocks(
        progress_headers(), chunks, text_columns=PROGRESS_TEXT_COLUMNS, on_done=written
    )
    return _csv_response(request, blocks, _file_name(membership, "progress", "csv"))


@export_view
def participants_csv(request: HttpRequest, *, membership: Membership, filters: ReportFilters):
    """The participants (one row per enrolment) as CSV, streamed."""

    def written(rows: int) -> None:
        audit(
            membership, ReportAction.EXPORT_PARTICIPANTS, "participants", filters.given, rows=rows
        )

    blocks = csv_blocks(
        PARTICIPANT_HEADERS,
        participant_chunks(membership.organization, filters),
        text_columns=PARTICIPANT_TEXT_COLUMNS,
        on_done=written,
    )
    return _csv_response(request, blocks, _file_name(membership, "participants", "csv"))


@export_view
def progress_xlsx(request: HttpRequest, *, membership: Membership, filters: ReportFilters):
    """The progress workbook, written to a temporary file and streamed from it."""
    workbook, tally = progress_workbook_file(membership, filters, timezone.now())
    audit(membership, ReportAction.EXPORT_XLSX, "progress", filters.given, rows=tally.rows)
    response = FileResponse(
        workbook, as_attachment=True, filename=_file_name(membership, "progress", "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )  # fmt: skip
    if isinstance(request, ASGIRequest):
        response.streaming_content = _streamed(
            request, iter(lambda: workbook.read(FILE_BLOCK), b"")
        )
    return _download_headers(response)


@export_view
def progress_pdf_view(request: HttpRequest, *, membership: Membership, filters: ReportFilters):
    """A one- or two-page summary with charts."""
    organization = membership.organization
    now = timezone.now()
    tally = Tally().add_all(progress_chunks(organization, filters))
    content = progress_pdf(
        organization_name=organization.name,
        about=about_export(membership, organization, filters, now),
        tally=tally,
        exported_at=now,
    )
    audit(membership, ReportAction.EXPORT_PDF, "progress", filters.given, rows=tally.rows)
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{_file_name(membership, "progress", "pdf")}"'
    )
    return _download_headers(response)


# Scheduled reports ----------------------------------------------------------------------------


class ScheduledReportForm(forms.Form):
    program = forms.TypedChoiceField(coerce=int, label="Program")
    frequency = forms.ChoiceField(
        choices=Frequency.choices, initial=Frequency.WEEKLY, label="How often"
    )

    def __init__(self, *args, programs=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p.pk, p.name) for p in programs]


def _scheduled_url(membership: Membership) -> str:
    return reverse("exports:scheduled", kwargs={"org_slug": membership.organization.slug})


@organization_view(allow=scheduled_services.can_subscribe)
def scheduled(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """One's own scheduled reports, and the form to add one."""
    programs = scheduled_services.programs_to_subscribe(membership)
    form = ScheduledReportForm(request.POST or None, programs=programs)
    saved = save_form(
        request,
        form,
        lambda: scheduled_services.scheduled_report_add(
            actor=membership,
            program_id=form.cleaned_data["program"],
            frequency=form.cleaned_data["frequency"],
        ),
        success=lambda found: (
            f"You will receive the report of {found.program.name} "
            f"{found.get_frequency_display().lower()}."
        ),
        redirect_to=_scheduled_url(membership),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "reports/exports/scheduled.html",
        {
            "form": form,
            "subscriptions": scheduled_services.scheduled_reports_of(membership),
            "has_programs": bool(programs),
        },
        status=400 if form.errors else 200,
    )


@organization_view(allow=scheduled_services.can_subscribe)
@require_POST
def scheduled_remove(request: HttpRequest, scheduled_id: int, *, membership: Membership):
    scheduled_services.scheduled_report_remove(actor=membership, scheduled_id=scheduled_id)
    messages.success(request, "The scheduled report is removed: no more emails of it.")
    return redirect(_scheduled_url(membership))
