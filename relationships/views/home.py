"""A mentorship's home page: the partner, the agreement, the next meeting, goals with their
progress, the milestone timeline, recent check-ins, the conversation and the relationship's
health. The agreement, status and ending actions live here too, so that a refused form comes
back on this page with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.forms import apply_validation_error
from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors
from programs.access import can_manage_program
from programs.forms import AgreementForm, EndMentorshipForm
from programs.models import (
    AGREEMENT_CONTENT_FIELDS,
    ContactChannel,
    Mentorship,
    MentorshipStatus,
)
from programs.services import mentorships as services
from relationships.selectors import home_sections

STATUS_ACTIONS = {
    MentorshipStatus.ACTIVE: [(MentorshipStatus.PAUSED, "Pause"), (MentorshipStatus.COMPLETED, "Mark as completed")],
    MentorshipStatus.PAUSED: [(MentorshipStatus.ACTIVE, "Resume"), (MentorshipStatus.COMPLETED, "Mark as completed")],
}  # fmt: skip


def mentorship_url(membership: Membership, mentorship: Mentorship) -> str:
    return reverse(
        "relationships:mentorship",
        kwargs={"org_slug": membership.organization.slug, "mentorship_id": mentorship.pk},
    )


def _people(mentorship: Mentorship) -> list[dict]:
    people = [{"enrolment": mentorship.mentor, "role": "Mentor"}]
    people += [{"enrolment": m.mentee, "role": "Mentee"} for m in mentorship.members.all()]
    return people


@organization_view()
def mentorship_home(
    request: HttpRequest, mentorship_id: int, *, membership: Membership
) -> HttpResponse:
    mentorship = selectors.get_mentorship_for(membership, mentorship_id)
    return _page(request, membership, mentorship)


def _page(request, membership, mentorship, *, agreement_form=None, end_form=None, status=200):
    people = _people(mentorship)
    in_pair = any(p["enrolment"].user_id == membership.user_id for p in people)
    agreement = mentorship.agreement
    confirmed = services.agreement_confirmed_by(agreement)
    for person in people:
        person["confirmed"] = person["enrolment"].user_id in confirmed
    given_reasons = {r.user_id: r for r in mentorship.end_reasons.all()}
    return render(
        request,
        "relationships/mentorship.html",
        {
            **home_sections(membership, mentorship, in_pair=in_pair),
            "membership": membership,
            "mentorship": mentorship,
            "people": people,
            "in_pair": in_pair,
            "can_manage": can_manage_program(membership, mentorship.cohort.program),
            "partners": [p for p in people if p["enrolment"].user_id != membership.user_id],
            "agreement": agreement,
            "channels": [
                ContactChannel(c).label for c in agreement.channels if c in ContactChannel.values
            ],
            "agreement_confirmed": services.everyone_confirmed(
                [p["enrolment"].user_id for p in people], confirmed
            ),
            "i_confirmed": membership.user_id in confirmed,
            "agreement_form": agreement_form
            or AgreementForm(
                initial={name: getattr(agreement, name) for name in AGREEMENT_CONTENT_FIELDS}
            ),
            "revisions": list(agreement.revisions.all()) if in_pair else [],
            "end_form": end_form or EndMentorshipForm(),
            "status_actions": STATUS_ACTIONS.get(mentorship.status, []),
            "end_reasons": list(given_reasons.values()),
            "my_reason_missing": in_pair
            and mentorship.status == MentorshipStatus.ENDED_EARLY
            and membership.user_id not in given_reasons,
        },
        status=status,
    )


def _act(request, membership, mentorship_id, action, success: str) -> HttpResponse:
    mentorship = selectors.get_mentorship_for(membership, mentorship_id)
    try:
        action(mentorship)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(mentorship_url(membership, mentorship))


@organization_view()
@require_POST
def agreement_edit(
    request: HttpRequest, mentorship_id: int, *, membership: Membership
) -> HttpResponse:
    mentorship = selectors.get_mentorship_for(membership, mentorship_id)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_update(
                actor=membership, mentorship=mentorship, data=form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(mentorship_url(membership, mentorship))
        else:
            messages.success(
                request, "Agreement saved and confirmed by you; the others are asked to confirm it."
            )
            return redirect(mentorship_url(membership, mentorship))
    return _page(request, membership, mentorship, agreement_form=form, status=400)


@organization_view()
@require_POST
def agreement_confirm(
    request: HttpRequest, mentorship_id: int, *, membership: Membership
) -> HttpResponse:
    version = request.POST.get("version", "")
    return _act(
        request, membership, mentorship_id,
        lambda m: services.agreement_confirm(
            actor=membership, mentorship=m, version=int(version) if version.isdigit() else -1
        ),
        "You confirmed the agreement.",
    )  # fmt: skip


@organization_view()
@require_POST
def mentorship_status(
    request: HttpRequest, mentorship_id: int, *, membership: Membership
) -> HttpResponse:
    status = request.POST.get("status", "")
    return _act(
        request, membership, mentorship_id,
        lambda m: services.mentorship_set_status(actor=membership, mentorship=m, status=status),
        "Mentorship updated.",
    )  # fmt: skip


@organization_view()
@require_POST
def mentorship_end(
    request: HttpRequest, mentorship_id: int, *, membership: Membership
) -> HttpResponse:
    mentorship = selectors.get_mentorship_for(membership, mentorship_id)
    form = EndMentorshipForm(request.POST)
    if form.is_valid():
        try:
            services.mentorship_end_early(
                actor=membership, mentorship=mentorship, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                "The mentorship has ended. The mentee can be matched again; the others are "
                "asked for their reason too.",
            )
            return redirect(mentorship_url(membership, mentorship))
    return _page(request, membership, mentorship, end_form=form, status=400)


@organization_view()
@require_POST
def mentorship_end_reason(
    request: HttpRequest, mentorship_id: int, *, membership: Membership
) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request, membership, mentorship_id,
        lambda m: services.mentorship_add_end_reason(actor=membership, mentorship=m, reason=reason),
        "Thank you: your reason is recorded.",
    )  # fmt: skip
