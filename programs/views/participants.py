"""The participant table of a cohort: filters, CSV, enrolling, inviting, importing, bulk actions."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from mentorship.forms import apply_validation_error
from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors, services
from programs.forms import (
    AddParticipantForm,
    InviteParticipantForm,
    ParticipantDetailsForm,
    ParticipantFilterForm,
    ParticipantImportForm,
)
from programs.imports import ImportFileError, read_participant_csv
from programs.models import Cohort, EnrolmentRole, EnrolmentState, Program
from programs.views.common import managed_cohort, participants_url

PARTICIPANT_CSV_HEADER = [
    "Name",
    "Email",
    "Role",
    "State",
    "Department",
    "Mentor capacity",
    "Profile completed",
]


class _Echo:
    """A file-like object that hands back what it is given, for streaming CSV rows."""

    def write(self, value: str) -> str:
        return value


def _participants_csv(cohort: Cohort, enrolments) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    default_capacity = cohort.program.default_mentor_capacity

    def rows():
        yield writer.writerow(PARTICIPANT_CSV_HEADER)
        for e in enrolments.iterator(chunk_size=500):
            capacity = (
                (e.mentor_capacity or default_capacity) if e.role == EnrolmentRole.MENTOR else ""
            )
            completed = e.profile_completed_at.date().isoformat() if e.profile_completed_at else ""
            yield writer.writerow(
                [
                    e.full_name,
                    e.email,
                    e.get_role_display(),
                    e.get_state_display(),
                    e.department,
                    capacity,
                    completed,
                ]
            )

    filename = slugify(f"{cohort.program.name} {cohort.name} participants") + ".csv"
    return StreamingHttpResponse(
        rows(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@organization_view()
def participants(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    return _participants_page(request, membership, program, cohort)


def _participants_page(
    request: HttpRequest,
    membership: Membership,
    program: Program,
    cohort: Cohort,
    *,
    invite_form: InviteParticipantForm | None = None,
    import_form: ParticipantImportForm | None = None,
    import_report: list | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = ParticipantFilterForm(
        request.GET or None, departments=selectors.cohort_departments(cohort)
    )
    criteria = filters.cleaned_data if filters.is_valid() else {}
    enrolments = selectors.cohort_participants(
        cohort,
        search=criteria.get("q", "").strip(),
        role=criteria.get("role", ""),
        state=criteria.get("state", ""),
        department=criteria.get("department", ""),
    )
    if request.GET.get("format") == "csv":
        return _participants_csv(cohort, enrolments)
    counts = selectors.cohort_enrolment_counts(cohort)
    state_counts = [
        (state, sum(counts[role].get(state.value, 0) for role in counts))
        for state in EnrolmentState
    ]
    return render(
        request,
        "programs/participants.html",
        {
            "membership": membership,
            "program": program,
            "cohort": cohort,
            "filters": filters,
            "enrolments": enrolments,
            "state_counts": state_counts,
            "add_form": AddParticipantForm(
                prefix="add", candidates=selectors.members_not_enrolled(cohort)
            ),
            "invite_form": invite_form or InviteParticipantForm(prefix="invite"),
            "import_form": import_form or ParticipantImportForm(prefix="import"),
            "import_report": import_report or [],
            "bulk_actions": BULK_ACTIONS,
            "csv_query": request.GET.urlencode(),
        },
        status=status,
    )


@organization_view()
@require_POST
def participant_add(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    _program, cohort = managed_cohort(membership, program_id, cohort_id)
    form = AddParticipantForm(
        request.POST, prefix="add", candidates=selectors.members_not_enrolled(cohort)
    )
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                f"{form.fields[name].label}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ),
        )
    else:
        member = selectors.get_member_for_enrolment(cohort, form.cleaned_data["membership_id"])
        try:
            enrolment = services.enrolment_add_member(
                actor_membership=membership,
                cohort=cohort,
                member=member,
                role=form.cleaned_data["role"],
                mentor_capacity=form.cleaned_data["mentor_capacity"],
                department=form.cleaned_data["department"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{enrolment.full_name} is enrolled as a {enrolment.get_role_display().lower()}; they fill in their profile under My programs.",
            )
    return redirect(participants_url(membership, cohort))


@organization_view()
@require_POST
def participant_invite(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    form = InviteParticipantForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            enrolment = services.enrolment_invite(
                actor_membership=membership, cohort=cohort, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if enrolment.state == EnrolmentState.INVITED:
                messages.success(
                    request,
                    f"Invitation sent to {enrolment.email}. They join {cohort.name} as a "
                    f"{enrolment.get_role_display().lower()} when they accept it.",
                )
            else:
                messages.success(
                    request, f"{enrolment.full_name} is a member already and is now enrolled."
                )
            return redirect(participants_url(membership, cohort))
    return _participants_page(request, membership, program, cohort, invite_form=form, status=400)


@organization_view()
@require_POST
def participant_import(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    """Upload a participant CSV: every row is checked first; any problem imports nothing."""
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    form = ParticipantImportForm(request.POST, request.FILES, prefix="import")
    report: list = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, report = read_participant_csv(upload.chunks(), upload.size)
            if not report:
                result = services.enrolment_import(
                    actor_membership=membership, cohort=cohort, rows=rows
                )
        except ImportFileError as error:
            form.add_error("file", str(error))
        except services.ImportRejectedError as error:
            report = error.row_errors
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if not report:
                messages.success(
                    request,
                    f"Imported {len(rows)} participants: {result.enrolled_members} members enrolled, "
                    f"{result.invited} invited by email.",
                )
                return redirect(participants_url(membership, cohort))
    return _participants_page(
        request, membership, program, cohort, import_form=form, import_report=report, status=400
    )


BULK_ACTIONS = {
    "approve": "Approve applications",
    "resend": "Resend invitations",
    "remove": "Remove from the cohort",
}


@organization_view()
@require_POST
def participants_bulk(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    _program, cohort = managed_cohort(membership, program_id, cohort_id)
    action = request.POST.get("action", "")
    try:
        chosen = [int(value) for value in request.POST.getlist("enrolment")]
    except ValueError:
        chosen = []
    if action not in BULK_ACTIONS or not chosen:
        messages.error(request, "Tick at least one person and choose what to do.")
    elif action == "approve":
        result = services.enrolments_approve(
            actor_membership=membership, cohort=cohort, enrolment_ids=chosen
        )
        skipped = f" {result.skipped} skipped: they had not applied." if result.skipped else ""
        messages.success(
            request,
            f"{result.done} application{'s' if result.done != 1 else ''} approved.{skipped}",
        )
    elif action == "resend":
        result = services.enrolments_resend_invitations(
            actor_membership=membership, cohort=cohort, enrolment_ids=chosen
        )
        skipped = (
            f" {result.skipped} skipped: not invited, or reminded in the last day."
            if result.skipped
            else ""
        )
        messages.success(request, f"Invitation sent again to {result.done}.{skipped}")
    else:
        result = services.enrolments_remove(
            actor_membership=membership, cohort=cohort, enrolment_ids=chosen
        )
        skipped = (
            f" {result.skipped} skipped: matched or already withdrawn." if result.skipped else ""
        )
        messages.success(request, f"{result.done} removed from {cohort.name}.{skipped}")
    return redirect(participants_url(membership, cohort))


@organization_view()
def participant_edit(
    request: HttpRequest,
    program_id: int,
    cohort_id: int,
    enrolment_id: int,
    *,
    membership: Membership,
) -> HttpResponse:
    """Correct a participant's department or capacity: in place with HTMX, or on its own page."""
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    enrolment = selectors.get_enrolment_in(cohort, enrolment_id)
    is_htmx = bool(request.headers.get("HX-Request"))
    form = ParticipantDetailsForm(
        request.POST or None,
        initial={"department": enrolment.department, "mentor_capacity": enrolment.mentor_capacity},
        prefix=f"p{enrolment.pk}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_update_details(
                actor_membership=membership,
                enrolment=enrolment,
                department=form.cleaned_data["department"],
                mentor_capacity=form.cleaned_data["mentor_capacity"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if is_htmx:
                return render(
                    request,
                    "programs/_participant_row.html",
                    {
                        "e": enrolment,
                        "program": program,
                        "cohort": cohort,
                        "org": membership.organization,
                        "saved": True,
                    },
                )
            messages.success(request, f"Saved {enrolment.full_name or enrolment.email}.")
            return redirect(participants_url(membership, cohort))
    context = {
        "e": enrolment,
        "program": program,
        "cohort": cohort,
        "org": membership.organization,
        "form": form,
    }
    status = 400 if form.errors else 200
    if is_htmx:
        return render(request, "programs/_participant_row_edit.html", context, status=status)
    return render(
        request,
        "programs/participant_edit.html",
        {**context, "membership": membership},
        status=status,
    )
