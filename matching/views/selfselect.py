"""Self-select: suggested mentors for a mentee, requests and the mentor's answers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from matching import selectors, services
from matching.forms import DeclineForm, MentorshipRequestForm
from matching.models import MentorshipRequestStatus
from organizations.access import organization_view
from organizations.models import Membership
from programs.answers import display_answer
from programs.selectors import get_own_enrolment


def suggestions_url(membership: Membership, enrolment_id: int) -> str:
    return reverse(
        "matching:suggestions",
        kwargs={"org_slug": membership.organization.slug, "enrolment_id": enrolment_id},
    )


def requests_url(membership: Membership) -> str:
    return reverse("matching:requests", kwargs={"org_slug": membership.organization.slug})


# Answers that are lists of options: shown item by item, the shared ones highlighted.
ITEM_KINDS = ("skills", "multiple_choice", "languages")


def _side_by_side(parts: list[dict], mine: dict, theirs: dict) -> list[dict]:
    """Each criterion with both answers in words, shared items marked for highlighting."""
    rows = []
    for part in parts:
        mentee_key = part["key"]
        kind = part.get("kind", "text")
        mine_value = mine.get(mentee_key)
        theirs_value = theirs.get(part.get("mentor_key", mentee_key))
        row = {**part, "share": _share(part)}
        if kind in ITEM_KINDS:
            mine_items, theirs_items = list(mine_value or []), list(theirs_value or [])
            shared = set(mine_items) & set(theirs_items)
            row["mine_items"] = [(item, item in shared) for item in mine_items]
            row["theirs_items"] = [(item, item in shared) for item in theirs_items]
        else:
            row["mine"] = display_answer(kind, mine_value)
            row["theirs"] = display_answer(kind, theirs_value)
        rows.append(row)
    return rows


def _share(part: dict) -> int:
    return round(100 * part["points"] / part["max_points"]) if part["max_points"] else 0


@organization_view()
def suggestions(request: HttpRequest, enrolment_id: int, *, membership: Membership) -> HttpResponse:
    enrolment = get_own_enrolment(membership, enrolment_id)
    problem = (
        services.self_select_problem(enrolment)
        if enrolment.role == "mentee"
        else ("Mentors are asked by mentees; your requests are on the requests page.")
    )
    cards = []
    if problem is None:
        suggestions_found = services.suggestions_for(actor=membership, enrolment=enrolment)
        for suggestion in suggestions_found:
            cards.append(
                {
                    "suggestion": suggestion,
                    "rows": _side_by_side(
                        suggestion.parts, suggestion.mentee_answers, suggestion.mentor_answers
                    ),
                    "form": MentorshipRequestForm(prefix=f"mentor-{suggestion.mentor.pk}"),
                }
            )
    return render(
        request,
        "matching/suggestions.html",
        {
            "membership": membership,
            "enrolment": enrolment,
            "problem": problem,
            "cards": cards,
            "excluded": selectors.excluded_mentor_ids(enrolment)
            if enrolment.role == "mentee"
            else set(),
            "pending": [
                r
                for r in selectors.requests_from_mentee(membership)
                if r.mentee_id == enrolment.pk and r.status == MentorshipRequestStatus.PENDING
            ],
            "max_pending": services.MAX_PENDING_REQUESTS,
        },
    )


@organization_view()
@require_POST
def request_send(
    request: HttpRequest, enrolment_id: int, mentor_id: int, *, membership: Membership
) -> HttpResponse:
    enrolment = get_own_enrolment(membership, enrolment_id)
    form = MentorshipRequestForm(request.POST, prefix=f"mentor-{mentor_id}")
    try:
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[name].label}: {' '.join(errors)}"
                    for name, errors in form.errors.items()
                ]
            )
        sent = services.mentorship_request_send(
            actor=membership,
            enrolment=enrolment,
            mentor_id=mentor_id,
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(suggestions_url(membership, enrolment.pk))
    messages.success(
        request,
        f"Request sent to {sent.mentor.full_name}. They have until "
        f"{sent.expires_at:%-d %B} to answer; you will hear either way.",
    )
    return redirect(requests_url(membership))


@organization_view()
@require_POST
def mentor_exclude(
    request: HttpRequest, enrolment_id: int, mentor_id: int, *, membership: Membership
) -> HttpResponse:
    enrolment = get_own_enrolment(membership, enrolment_id)
    excluded = request.POST.get("excluded", "1") == "1"
    try:
        services.mentor_exclusion_set(
            actor=membership, enrolment=enrolment, mentor_id=mentor_id, excluded=excluded
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "You will not be matched with this mentor."
            if excluded
            else "This mentor can be suggested to you again.",
        )
    return redirect(suggestions_url(membership, enrolment.pk))


@organization_view()
def requests_page(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    incoming = list(selectors.requests_to_mentor(membership))
    return render(
        request,
        "matching/requests.html",
        {
            "membership": membership,
            "incoming": incoming,
            "outgoing": list(selectors.requests_from_mentee(membership)),
            "decline_form": DeclineForm(),
        },
    )


def _answer(
    request: HttpRequest, membership: Membership, request_id: int, action, success
) -> HttpResponse:
    selectors.get_request_for(membership, request_id)
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success(result))
    return redirect(requests_url(membership))


@organization_view()
@require_POST
def request_accept(
    request: HttpRequest, request_id: int, *, membership: Membership
) -> HttpResponse:
    return _answer(
        request, membership, request_id,
        lambda: services.mentorship_request_accept(actor=membership, request_id=request_id),
        lambda mentorship: "Accepted: your mentorship has started. Agree together how you will work.",
    )  # fmt: skip


@organization_view()
@require_POST
def request_decline(
    request: HttpRequest, request_id: int, *, membership: Membership
) -> HttpResponse:
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    return _answer(
        request, membership, request_id,
        lambda: services.mentorship_request_decline(
            actor=membership, request_id=request_id, reason=reason
        ),
        lambda declined: f"Declined; {declined.mentee.full_name} has been told.",
    )  # fmt: skip


@organization_view()
@require_POST
def request_withdraw(
    request: HttpRequest, request_id: int, *, membership: Membership
) -> HttpResponse:
    return _answer(
        request, membership, request_id,
        lambda: services.mentorship_request_withdraw(actor=membership, request_id=request_id),
        lambda withdrawn: f"Request to {withdrawn.mentor.full_name} withdrawn.",
    )  # fmt: skip
