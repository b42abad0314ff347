"""What participants see: My programs, their profile, withdrawing, applying."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.forms import apply_validation_error
from organizations.access import organization_view
from organizations.models import Membership
from organizations.selectors import get_organization_by_slug
from programs import selectors, services
from programs.forms import ApplyForm
from programs.models import (
    MATCHABLE_COHORT_STATES,
    SELF_SELECT_MODES,
    EnrolmentRole,
    EnrolmentState,
)
from programs.profile_form import ProfileForm


@organization_view()
def my_programs(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    enrolments = [
        {
            "enrolment": enrolment,
            "editable": enrolment.state != EnrolmentState.WITHDRAWN
            and enrolment.cohort.status in services.PROFILE_EDITABLE_COHORT_STATES,
            "can_choose": enrolment.role == EnrolmentRole.MENTEE
            and enrolment.state == EnrolmentState.PROFILE_COMPLETE
            and enrolment.cohort.program.matching_mode in SELF_SELECT_MODES
            and enrolment.cohort.status in MATCHABLE_COHORT_STATES,
        }
        for enrolment in selectors.enrolments_of_member(membership)
    ]
    return render(
        request,
        "programs/my_programs.html",
        {
            "membership": membership,
            "enrolments": enrolments,
            "mentorships": selectors.mentorships_of_member(membership),
        },
    )


@organization_view()
def profile_edit(
    request: HttpRequest, enrolment_id: int, *, membership: Membership
) -> HttpResponse:
    enrolment = selectors.get_own_enrolment(membership, enrolment_id)
    cohort = enrolment.cohort
    locked = cohort.status not in services.PROFILE_EDITABLE_COHORT_STATES or (
        enrolment.state == EnrolmentState.WITHDRAWN
    )
    form = ProfileForm(
        request.POST or None,
        questions=services.questions_for(enrolment),
        skills=cohort.program.skills,
        answers=selectors.answers_of(enrolment),
        mentor_capacity=enrolment.mentor_capacity,
        default_capacity=cohort.program.default_mentor_capacity
        if enrolment.role == EnrolmentRole.MENTOR
        else None,
    )
    if request.method == "POST" and not locked and form.is_valid():
        try:
            services.enrolment_save_profile(
                user=request.user,
                enrolment=enrolment,
                answers=form.raw_answers(),
                mentor_capacity=form.capacity(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_answer_errors(error.message_dict)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request, "Your profile is saved. Your program manager uses it to find your match."
            )
            return redirect("programs:my_programs", org_slug=membership.organization.slug)
    return render(
        request,
        "programs/profile_form.html",
        {"membership": membership, "enrolment": enrolment, "form": form, "locked": locked},
        status=400 if form.errors else 200,
    )


@organization_view()
@require_POST
def enrolment_withdraw(
    request: HttpRequest, enrolment_id: int, *, membership: Membership
) -> HttpResponse:
    enrolment = selectors.get_own_enrolment(membership, enrolment_id)
    try:
        services.enrolment_withdraw(actor=membership, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You have withdrawn from {enrolment.cohort.name}.")
    return redirect("programs:my_programs", org_slug=membership.organization.slug)


def apply(request: HttpRequest, org_slug: str, cohort_id: int, key: str) -> HttpResponse:
    """The shareable application link: anyone holding it may look; signed-in people apply."""
    organization = get_organization_by_slug(org_slug)
    cohort = selectors.get_cohort_by_application_link(organization, cohort_id, key)
    context = {
        "organization": organization,
        "cohort": cohort,
        "program": cohort.program,
        "form": ApplyForm(),
    }
    if request.method == "POST" and request.user.is_authenticated:
        form = ApplyForm(request.POST)
        context["form"] = form
        if form.is_valid():
            try:
                enrolment = services.enrolment_apply(
                    user=request.user, cohort=cohort, key=key, role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if enrolment.state == EnrolmentState.APPLIED:
                    messages.success(
                        request,
                        f"Your application to {cohort.name} is in. A program manager reviews it.",
                    )
                else:
                    messages.success(
                        request, f"You are in {cohort.name}. Fill in your profile to be matched."
                    )
                return redirect("programs:my_programs", org_slug=organization.slug)
        return render(request, "programs/apply.html", context, status=400)
    return render(request, "programs/apply.html", context)
