from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.forms import apply_validation_error, save_form
from organizations import selectors, services
from organizations.access import can_manage_members, can_see_members, organization_view
from organizations.audit import AuditAction, audit_record
from organizations.audit_log import (
    AuditFilterForm,
    audit_csv_blocks,
    audit_filter_form,
    audit_filters_of,
    audit_sentence,
    describe_audit_filters,
    filtered_events,
)
from organizations.forms import (
    InvitationForm,
    OrganizationCreateForm,
    OrganizationSettingsForm,
    RoleForm,
)
from organizations.models import ROLE_DESCRIPTIONS, Membership, Role
from organizations.scope import organization_scope
from organizations.selectors import get_organization_by_slug


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.organization_create(
            actor=request.user, name=form.cleaned_data["name"], slug=form.cleaned_data["slug"]
        ),
        success=lambda organization: f"{organization.name} is ready. You are its owner.",
        redirect_to=lambda organization: reverse(
            "overview", kwargs={"org_slug": organization.slug}
        ),
    )
    if saved:
        return saved
    return render(request, "organizations/create.html", {"form": form})


@organization_view(allow=can_see_members)
def member_list(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    return _render_members_page(request, membership, InvitationForm())


def _render_members_page(
    request: HttpRequest, membership: Membership, invitation_form: InvitationForm, status: int = 200
) -> HttpResponse:
    organization = membership.organization
    context = {
        "membership": membership,
        "members": selectors.members_of(organization=organization),
        "invitations": selectors.open_invitations_of(organization=organization),
        "invitation_form": invitation_form,
        "invitation_valid_days": settings.INVITATION_VALID_DAYS,
        "roles": [(role, ROLE_DESCRIPTIONS[role]) for role in Role],
        "role_choices": Role.choices,
    }
    return render(request, "organizations/members.html", context, status=status)


@organization_view(allow=can_manage_members)
@require_POST
def invitation_create(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor_membership=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except PermissionDenied as error:
            form.add_error("role", str(error))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("organizations:members", org_slug=organization.slug)
    return _render_members_page(request, membership, form, status=400)


@organization_view(allow=can_manage_members)
@require_POST
def invitation_revoke(
    request: HttpRequest, invitation_id: int, *, membership: Membership
) -> HttpResponse:
    organization = membership.organization
    invitation = selectors.get_invitation_for(
        organization=organization, invitation_id=invitation_id
    )
    try:
        services.invitation_revoke(actor_membership=membership, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation for {invitation.email} is withdrawn.")
    return redirect("organizations:members", org_slug=organization.slug)


@organization_view(allow=can_manage_members)
@require_POST
def member_change_role(
    request: HttpRequest, membership_id: int, *, membership: Membership
) -> HttpResponse:
    organization = membership.organization
    target = selectors.get_member_for(organization=organization, membership_id=membership_id)
    form = RoleForm(request.POST)
    notice = error = ""
    if not form.is_valid():
        error = "Choose one of the listed roles."
    else:
        try:
            target = services.membership_change_role(
                actor_membership=membership, membership=target, role=form.cleaned_data["role"]
            )
        except (ValidationError, PermissionDenied) as failure:
            error = _message_of(failure)
        else:
            notice = f"{target.user} is now {target.get_role_display().lower()}."
    if request.headers.get("HX-Request") and not (notice and target.pk == membership.pk):
        # HTMX swaps just this person's row, with the outcome beside the role. Changing your own
        # role changes what the whole page may show, so that reloads it instead.
        context = {
            "m": target,
            "membership": membership,
            "org": organization,
            "role_choices": Role.choices,
            "notice": notice,
            "error": error,
        }
        return render(request, "organizations/_member_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    members_url = reverse("organizations:members", kwargs={"org_slug": organization.slug})
    if request.headers.get("HX-Request"):
        return HttpResponse(headers={"HX-Redirect": members_url})
    return redirect(members_url)


@organization_view()
@require_POST
def member_remove(
    request: HttpRequest, membership_id: int, *, membership: Membership
) -> HttpResponse:
    organization = membership.organization
    target = selectors.get_member_for(organization=organization, membership_id=membership_id)
    try:
        services.membership_remove(actor_membership=membership, membership=target)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message_of(error))
        return redirect(
            "organizations:members" if can_see_members(membership) else "overview",
            org_slug=organization.slug,
        )
    if target.pk == membership.pk:
        messages.success(request, f"You have left {organization.name}.")
        return redirect("home")
    messages.success(request, f"{target.user} is no longer a member.")
    return redirect("organizations:members", org_slug=organization.slug)


def _message_of(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You are not allowed to do that."


@organization_view(allow=can_manage_members)
def organization_settings(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = OrganizationSettingsForm(
        request.POST or None,
        initial={
            "name": organization.name,
            "require_mfa_for_staff": organization.require_mfa_for_staff,
        },
        can_change_mfa=membership.role == Role.OWNER,
    )
    saved = save_form(
        request,
        form,
        lambda: services.organization_update(
            actor_membership=membership,
            name=form.cleaned_data["name"],
            require_mfa_for_staff=form.cleaned_data["require_mfa_for_staff"],
        ),
        success="Settings saved.",
        redirect_to=reverse("organizations:settings", kwargs={"org_slug": organization.slug}),
    )
    if saved:
        return saved
    return render(request, "organizations/settings.html", {"membership": membership, "form": form})


def invitation_accept(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """The link in an invitation email. Anyone holding it may look; only the invitee may accept."""
    organization = get_organization_by_slug(org_slug)
    context: dict = {"organization": organization, "token": token}
    try:
        invitation = services.invitation_from_token(organization=organization, token=token)
    except services.InvitationError as error:
        context["error"] = " ".join(error.messages)
        status = 404 if isinstance(error, services.InvitationNotFoundError) else 400
        return render(request, "organizations/invitation_accept.html", context, status=status)
    context["invitation"] = invitation
    if not request.user.is_authenticated:
        return render(request, "organizations/invitation_accept.html", context)
    if request.method == "POST":
        try:
            with organization_scope(organization):
                services.invitation_accept(
                    user=request.user, organization=organization, token=token
                )
        except services.InvitationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "organizations/invitation_accept.html", context, status=400)
        messages.success(request, f"Welcome to {organization.name}!")
        return redirect("overview", org_slug=organization.slug)
    try:
        services.check_invitation_usable(invitation, request.user)
    except services.InvitationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "organizations/invitation_accept.html", context, status=400)
    return render(request, "organizations/invitation_accept.html", context)


# The organisation's audit log ------------------------------------------------------------------

AUDIT_PAGE_SIZE = 50


def _is_owner(membership: Membership) -> bool:
    return membership.role == Role.OWNER


def _audit_page(
    request: HttpRequest, membership: Membership, form: AuditFilterForm, *, status: int = 200
) -> HttpResponse:
    context: dict = {"membership": membership, "form": form, "page": None, "rows": []}
    if form.is_valid():
        filters = audit_filters_of(form)
        page = Paginator(filtered_events(membership, filters), AUDIT_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = urlencode(filters.given)
        context |= {
            "page": page,
            "rows": [(event, audit_sentence(event)) for event in page.object_list],
            "filtered": bool(filters.given),
            "query": query,
            "page_query": f"{query}&" if query else "",
        }
    return render(request, "organizations/audit_log.html", context, status=status)


@organization_view(allow=_is_owner)
def audit_log(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """The organisation's admin actions, newest first, 50 a page, filtered by action, person and
    days: for its owners. Bad filters answer 400 with the message beside the field."""
    form = audit_filter_form(membership, request.GET)
    return _audit_page(request, membership, form, status=200 if form.is_valid() else 400)


def _streamed(request: HttpRequest, blocks: Iterator[bytes]) -> Iterator[bytes] | AsyncIterator:
    """Under ASGI a streamed response needs an asynchronous iterator, or Django reads it all into
    memory first: there the blocks are pulled one at a time on the request's thread."""
    if not isinstance(request, ASGIRequest):
        return blocks

    async def pulled() -> AsyncIterator[bytes]:
        take = sync_to_async(next, thread_sensitive=True)
        while (block := await take(blocks, None)) is not None:
            yield block

    return pulled()


@organization_view(allow=_is_owner)
def audit_log_csv(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """The filtered log as CSV, streamed. The download is itself written to the log (before the
    first byte leaves) and is not in its own file."""
    form = audit_filter_form(membership, request.GET)
    if not form.is_valid():
        return _audit_page(request, membership, form, status=400)
    filters = audit_filters_of(form)
    events = filtered_events(membership, filters)
    people = dict(form.fields["person"].choices)
    download = audit_record(
        organization=membership.organization,
        actor=membership.user,
        action=AuditAction.AUDIT_EXPORTED,
        target_label=describe_audit_filters(filters, people),
        details={"filters": filters.given},
    )
    blocks = audit_csv_blocks(events.exclude(pk=download.pk), timezone.get_current_timezone())
    response = StreamingHttpResponse(
        _streamed(request, blocks), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{membership.organization.slug}-audit-log-{day}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
