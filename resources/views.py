"""The library and the pair's shared space in the browser.

The library is a program's: its managers add, change and remove resources; participants read
what is meant for their side, with what fits them first and why; report viewers read it with
its counts. The shared space is a mentorship's: only its pair opens it. A refused save renders
the form again with its errors (400), so nothing typed is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goals import selectors as goal_selectors
from goals.access import Viewer, pair_enrolment
from meetings.calendars import calendar_response
from mentorship.forms import apply_validation_error, save_form
from messaging.attachments import file_response
from organizations.access import organization_view
from organizations.models import Membership
from programs.access import can_manage_program
from programs.models import Mentorship, Program
from resources import calendars, selectors, services, sharing
from resources.forms import ResourceForm, SearchForm, ShareResourceForm, UploadForm
from resources.models import TIMED_KINDS, Audience, Resource, ResourceKind, SharedItem


def _library_url(membership: Membership, program_id: int) -> str:
    return reverse(
        "resources:library",
        kwargs={"org_slug": membership.organization.slug, "program_id": program_id},
    )


def _resource_url(membership: Membership, resource_id: int) -> str:
    return reverse(
        "resources:resource",
        kwargs={"org_slug": membership.organization.slug, "resource_id": resource_id},
    )


def _shared_url(membership: Membership, mentorship_id: int) -> str:
    return reverse(
        "resources:shared",
        kwargs={"org_slug": membership.organization.slug, "mentorship_id": mentorship_id},
    )


def _refusal(error: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def _partner_label(membership: Membership, mentorship: Mentorship) -> str:
    if mentorship.mentor.user_id == membership.user_id:
        names = [m.mentee.full_name or m.mentee.email for m in mentorship.members.all()]
        return "Your mentee " + ", ".join(names)
    return f"Your mentor {mentorship.mentor.full_name or mentorship.mentor.email}"


def _share_form(membership: Membership, targets: list[Mentorship], data=None) -> ShareResourceForm:
    several = len(targets) > 1
    goals, milestones = [], {}
    for mentorship in targets:
        for goal in mentorship.open_goals:
            if several:
                goal.title = f"{goal.title} ({_partner_label(membership, mentorship)})"
            goals.append(goal)
            milestones[goal.pk] = goal.open_milestones
    return ShareResourceForm(
        data, prefix="share", goals=goals, milestones=milestones,
        mentorships=[(m, _partner_label(membership, m)) for m in targets],
    )  # fmt: skip


# The library ----------------------------------------------------------------------------------


@organization_view()
def library(request: HttpRequest, program_id: int, *, membership: Membership) -> HttpResponse:
    program, sides = selectors.get_library_program(membership, program_id)
    search = SearchForm(request.GET or None)
    query = kind = ""
    if search.is_valid():
        query, kind = search.cleaned_data["q"].strip(), search.cleaned_data["kind"]
    resources = selectors.library_of(membership, program, query=query, kind=kind, sides=sides)
    searching = bool(query or kind)
    participant = sides is not None
    now = timezone.now()
    context = {
        "membership": membership,
        "program": program,
        "can_manage": can_manage_program(membership, program),
        "participant": participant,
        "participant_sides": sides or set(),
        "sees_counts": not participant,
        "search": search if search.is_bound else SearchForm(),
        "searching": searching,
        "resources": resources,
        "recommended": selectors.recommended_for(membership, program)
        if participant and not searching
        else [],
        "guide": [r for r in resources if r.in_mentor_guide]
        if not searching and (not participant or "mentor" in sides)
        else [],
        "coming_up": sorted(
            (r for r in resources if r.kind in TIMED_KINDS and r.ends_at and r.ends_at > now),
            key=lambda r: r.starts_at,
        )
        if not searching
        else [],
    }
    return render(request, "resources/library.html", context)


def _form_page(request, membership, program, form, *, resource=None, status=200) -> HttpResponse:
    return render(
        request,
        "resources/resource_form.html",
        {"membership": membership, "program": program, "form": form, "resource": resource},
        status=status,
    )


@organization_view()
def resource_create(
    request: HttpRequest, program_id: int, *, membership: Membership
) -> HttpResponse:
    program, _ = selectors.get_library_program(membership, program_id)
    if not can_manage_program(membership, program):
        raise PermissionDenied("Only the program's managers add to its library.")
    form = ResourceForm(request.POST or None, request.FILES or None, program=program)
    if response := save_form(
        request, form,
        lambda: services.resource_create(
            actor=membership, program=program, details=form.details(),
            upload=form.cleaned_data.get("file"),
        ),
        success=lambda r: f"“{r.title}” is in the library.",
        redirect_to=lambda r: _resource_url(membership, r.pk),
    ):  # fmt: skip
        return response
    return _form_page(
        request, membership, program, form, status=400 if request.method == "POST" else 200
    )


def _managed_resource(membership: Membership, resource_id: int) -> Resource:
    resource = selectors.get_resource_for(membership, resource_id)
    resource.program.organization = membership.organization
    if not can_manage_program(membership, resource.program):
        raise PermissionDenied("Only the program's managers change its library.")
    return resource


@organization_view()
def resource_edit(request: HttpRequest, resource_id: int, *, membership: Membership):
    resource = _managed_resource(membership, resource_id)
    form = ResourceForm(
        request.POST or None, program=resource.program, editing=resource,
        initial=ResourceForm.initial_of(resource),
    )  # fmt: skip
    if response := save_form(
        request, form,
        lambda: services.resource_update(
            actor=membership, resource=resource, details=form.details()
        ),
        success="Saved.",
        redirect_to=_resource_url(membership, resource.pk),
    ):  # fmt: skip
        return response
    return _form_page(
        request, membership, resource.program, form, resource=resource,
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@organization_view()
@require_POST
def resource_delete(request: HttpRequest, resource_id: int, *, membership: Membership):
    resource = _managed_resource(membership, resource_id)
    services.resource_delete(actor=membership, resource=resource)
    messages.success(request, f"“{resource.title}” is no longer in the library.")
    return redirect(_library_url(membership, resource.program_id))


def _resource_page(request, membership, resource, *, share_form=None, status=200):
    program = resource.program
    program.organization = membership.organization
    participant = selectors.reader_sides(membership, program) is not None
    # Only what both sides may open is shared: a guide for mentors stays with mentors.
    shareable = participant and resource.audience == Audience.BOTH
    targets = selectors.share_targets(membership, program) if shareable else []
    if share_form is None and targets:
        share_form = _share_form(membership, targets)
    return render(
        request,
        "resources/resource.html",
        {
            "membership": membership,
            "program": program,
            "resource": resource,
            "can_manage": can_manage_program(membership, program),
            "sees_counts": not participant,
            "share_form": share_form,
            "is_timed": resource.kind in TIMED_KINDS,
            "is_over": resource.ends_at is not None and resource.ends_at <= timezone.now(),
        },
        status=status,
    )


@organization_view()
def resource_detail(request: HttpRequest, resource_id: int, *, membership: Membership):
    resource = selectors.get_resource_for(membership, resource_id)
    services.resource_opened(actor=membership, resource=resource)
    return _resource_page(request, membership, resource)


@organization_view()
def resource_file(request: HttpRequest, resource_id: int, *, membership: Membership):
    resource = selectors.get_resource_for(membership, resource_id)
    if resource.kind != ResourceKind.FILE or not resource.file:
        raise Http404("This resource has no file.")
    return file_response(resource.file, name=resource.file_name, content_type=resource.content_type)


@organization_view()
def resource_calendar(request: HttpRequest, resource_id: int, *, membership: Membership):
    resource = selectors.get_resource_for(membership, resource_id)
    if resource.kind not in TIMED_KINDS or resource.starts_at is None:
        raise Http404("Only webinars and events go in a calendar.")
    body = calendars.resource_calendar(
        resource, page_url=request.build_absolute_uri(_resource_url(membership, resource.pk))
    )
    return calendar_response(body, filename=f"{resource.kind}-{resource.pk}.ics")


@organization_view()
@require_POST
def resource_share(request: HttpRequest, resource_id: int, *, membership: Membership):
    resource = selectors.get_resource_for(membership, resource_id)
    resource.program.organization = membership.organization
    targets = selectors.share_targets(membership, resource.program)
    if not targets:
        messages.error(request, "You can share once you are in an active mentorship.")
        return redirect(_resource_url(membership, resource.pk))
    form = _share_form(membership, targets, request.POST)
    if form.is_valid():
        mentorship = next(m for m in targets if m.pk == form.cleaned_data["mentorship"])
        try:
            sharing.resource_share(
                actor=membership, mentorship=mentorship, resource_id=resource.pk,
                note=form.cleaned_data["note"], **form.attachment(),
            )  # fmt: skip
        except ValidationError as error:
            apply_validation_error(form, _on_attach_field(error))
        else:
            messages.success(request, f"Shared with {_partner_label(membership, mentorship)}.")
            return redirect(_shared_url(membership, mentorship.pk))
    return _resource_page(request, membership, resource, share_form=form, status=400)


def _on_attach_field(error: ValidationError) -> ValidationError:
    """The services name the goal or milestone; the forms ask for both in one field."""
    if not hasattr(error, "error_dict"):
        return error
    found = {
        ("attach_to" if k in ("goal", "milestone") else k): v for k, v in error.message_dict.items()
    }
    return ValidationError(found)


# The pair's shared space ------------------------------------------------------------------------


def _pair_mentorship(membership: Membership, mentorship_id: int) -> Mentorship:
    """Only the pair opens its shared space: anyone else (its program's managers too) 404."""
    mentorship, viewer = goal_selectors.get_mentorship_for(membership, mentorship_id)
    if viewer != Viewer.PAIR:
        raise Http404("No such mentorship.")
    return mentorship


def _shared_page(request, membership, mentorship, *, upload_form=None, status=200):
    program: Program = mentorship.cohort.program
    program.organization = membership.organization
    enrolment = pair_enrolment(membership, mentorship)
    targets = [m for m in selectors.share_targets(membership, program) if m.pk == mentorship.pk]
    if upload_form is None and targets:
        target = targets[0]
        upload_form = UploadForm(
            prefix="upload", goals=target.open_goals,
            milestones={goal.pk: goal.open_milestones for goal in target.open_goals},
        )  # fmt: skip
    items = selectors.shared_items_of(mentorship)
    return render(
        request,
        "resources/shared.html",
        {
            "membership": membership,
            "mentorship": mentorship,
            "in_pair": True,
            "is_mentee": enrolment is not None and enrolment.pk != mentorship.mentor_id,
            "items": items,
            "open_items": [i for i in items if not i.done_on],
            "done_items": [i for i in items if i.done_on],
            "upload_form": upload_form,
            "program": program,
        },
        status=status,
    )


@organization_view()
def shared(request: HttpRequest, mentorship_id: int, *, membership: Membership):
    mentorship = _pair_mentorship(membership, mentorship_id)
    return _shared_page(request, membership, mentorship)


@organization_view()
@require_POST
def shared_upload(request: HttpRequest, mentorship_id: int, *, membership: Membership):
    mentorship = _pair_mentorship(membership, mentorship_id)
    program = mentorship.cohort.program
    program.organization = membership.organization
    targets = [m for m in selectors.share_targets(membership, program) if m.pk == mentorship.pk]
    if not targets:
        messages.error(request, "This mentorship has ended: nothing more is shared in it.")
        return redirect(_shared_url(membership, mentorship.pk))
    goals = targets[0].open_goals
    form = UploadForm(
        request.POST, request.FILES, prefix="upload", goals=goals,
        milestones={goal.pk: goal.open_milestones for goal in goals},
    )  # fmt: skip
    if form.is_valid():
        try:
            sharing.document_share(
                actor=membership, mentorship=mentorship, upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"], note=form.cleaned_data["note"],
                **form.attachment(),
            )  # fmt: skip
        except ValidationError as error:
            apply_validation_error(form, _on_attach_field(error))
        else:
            messages.success(request, "Shared. Your partner sees it here too.")
            return redirect(_shared_url(membership, mentorship.pk))
    return _shared_page(request, membership, mentorship, upload_form=form, status=400)


def _shared_item(membership: Membership, item_id: int) -> SharedItem:
    return selectors.get_shared_item_for(membership, item_id)


@organization_view()
def shared_file(request: HttpRequest, item_id: int, *, membership: Membership):
    item = _shared_item(membership, item_id)
    if not item.file:
        raise Http404("This is a library resource: open it from the library.")
    return file_response(item.file, name=item.file_name, content_type=item.content_type)


@organization_view()
@require_POST
def shared_done(request: HttpRequest, item_id: int, *, membership: Membership):
    item = _shared_item(membership, item_id)
    done = request.POST.get("done", "1") != "0"
    try:
        sharing.shared_item_complete(actor=membership, item=item, done=done)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        if done:
            note = " It is in the goal's history." if item.goal_id else ""
            messages.success(request, f"Marked “{item.title}” done.{note}")
        else:
            messages.success(request, f"“{item.title}” is to do again.")
    return redirect(_shared_url(membership, item.mentorship_id))


@organization_view()
@require_POST
def shared_remove(request: HttpRequest, item_id: int, *, membership: Membership):
    item = _shared_item(membership, item_id)
    try:
        sharing.shared_item_remove(actor=membership, item=item)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, f"Removed “{item.title}”.")
    return redirect(_shared_url(membership, item.mentorship_id))
