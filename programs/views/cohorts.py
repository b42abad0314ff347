"""Cohort pages: setup, lifecycle, application link."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.forms import save_form
from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors, services
from programs.access import can_manage_program
from programs.forms import CohortForm, CohortTransitionForm
from programs.models import Cohort, CohortStatus, EnrolmentRole, EnrolmentState
from programs.views.common import application_path, cohort_url, managed_cohort, managed_program

COHORT_STEPS = [
    CohortStatus.DRAFT,
    CohortStatus.ENROLLING,
    CohortStatus.MATCHING,
    CohortStatus.ACTIVE,
    CohortStatus.COMPLETED,
]

# What the button for each move says, and what it means for people.


COHORT_ACTIONS = {
    CohortStatus.ENROLLING: ("Open enrolment", "People can enrol and fill their profiles."),
    CohortStatus.DRAFT: ("Back to draft", "Enrolment closes again until you reopen it."),
    CohortStatus.MATCHING: (
        "Close enrolment and start matching",
        "No one else can enrol; you match the people who did.",
    ),
    CohortStatus.ACTIVE: ("Start mentoring", "Matched pairs begin working together."),
    CohortStatus.COMPLETED: (
        "Complete the cohort",
        "Relationships end; the cohort becomes read-only.",
    ),
}


@organization_view()
def cohort_create(request: HttpRequest, program_id: int, *, membership: Membership) -> HttpResponse:
    program = managed_program(membership, program_id)
    form = CohortForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.cohort_create(
            actor_membership=membership, program=program, values=form.settings()
        ),
        success=lambda cohort: (
            f"Cohort {cohort.name} is set up. Open enrolment when you are ready."
        ),
        redirect_to=lambda cohort: cohort_url(membership, cohort),
    )
    if saved:
        return saved
    return render(
        request,
        "programs/cohort_form.html",
        {"membership": membership, "program": program, "form": form},
        status=400 if form.errors else 200,
    )


@organization_view()
def cohort_edit(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    initial = {name: getattr(cohort, name) for name in CohortForm.base_fields}
    form = CohortForm(request.POST or None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: services.cohort_update(
            actor_membership=membership, cohort=cohort, values=form.settings()
        ),
        success="Cohort saved.",
        redirect_to=cohort_url(membership, cohort),
    )
    if saved:
        return saved
    return render(
        request,
        "programs/cohort_form.html",
        {"membership": membership, "program": program, "cohort": cohort, "form": form},
        status=400 if form.errors else 200,
    )


def _next_steps(cohort: Cohort) -> list[dict]:
    today = timezone.localdate()
    steps = []
    for to_status in services.COHORT_TRANSITIONS[cohort.status]:
        label, meaning = COHORT_ACTIONS[to_status]
        steps.append(
            {
                "status": to_status,
                "label": label,
                "meaning": meaning,
                "warning": services.cohort_date_rule_violation(cohort, to_status, today),
                "forward": COHORT_STEPS.index(to_status) > COHORT_STEPS.index(cohort.status),
            }
        )
    return sorted(steps, key=lambda step: not step["forward"])


@organization_view()
def cohort_detail(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = selectors.get_program_for(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    current = COHORT_STEPS.index(cohort.status)
    return render(
        request,
        "programs/cohort_detail.html",
        {
            "membership": membership,
            "program": program,
            "cohort": cohort,
            "can_manage": can_manage_program(membership, program),
            "steps": [
                {
                    "label": step.label,
                    "state": "done" if i < current else "current" if i == current else "todo",
                }
                for i, step in enumerate(COHORT_STEPS)
            ],
            "next_steps": _next_steps(cohort),
            "participants": _participant_summary(cohort),
            "application_url": request.build_absolute_uri(
                application_path(membership.organization.slug, cohort)
            ),
        },
    )


def _participant_summary(cohort: Cohort) -> list[dict]:
    """Per side: how many enrolled (not withdrawn), how many have a complete profile, the target."""
    counts = selectors.cohort_enrolment_counts(cohort)
    ready = (EnrolmentState.PROFILE_COMPLETE, EnrolmentState.MATCHED)
    summary = []
    for role, label, target in (
        (EnrolmentRole.MENTOR, "Mentors", cohort.target_mentors),
        (EnrolmentRole.MENTEE, "Mentees", cohort.target_mentees),
    ):
        by_state = counts[role]
        enrolled = sum(n for state, n in by_state.items() if state != EnrolmentState.WITHDRAWN)
        summary.append(
            {
                "label": label,
                "enrolled": enrolled,
                "ready": sum(by_state.get(state, 0) for state in ready),
                "withdrawn": by_state.get(EnrolmentState.WITHDRAWN, 0),
                "target": target,
            }
        )
    return summary


@organization_view()
@require_POST
def cohort_status(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    _program, cohort = managed_cohort(membership, program_id, cohort_id)
    form = CohortTransitionForm(request.POST)
    if form.is_valid():
        try:
            cohort = services.cohort_transition(
                actor_membership=membership,
                cohort=cohort,
                to_status=form.cleaned_data["status"],
                force=form.cleaned_data["force"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{cohort.name} is now {cohort.get_status_display().lower()}."
            )
    return redirect(cohort_url(membership, cohort))


@organization_view()
@require_POST
def cohort_applications(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    _program, cohort = managed_cohort(membership, program_id, cohort_id)
    new_link = request.POST.get("new_link") == "1"
    cohort = services.cohort_set_applications(
        actor_membership=membership,
        cohort=cohort,
        open_=request.POST.get("applications_open") == "on",
        need_approval=request.POST.get("applications_need_approval") == "on",
        new_link=new_link,
    )
    if new_link:
        messages.success(request, "A new application link is ready; the old one no longer works.")
    else:
        messages.success(
            request,
            "Applications are open." if cohort.applications_open else "Applications are closed.",
        )
    return redirect(cohort_url(membership, cohort))
