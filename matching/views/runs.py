"""Match runs of a cohort: start one, review its proposals, change them, publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from matching import selectors, services
from matching.forms import RunStartForm
from matching.models import MatchRun, MatchRunStatus
from organizations.access import organization_view
from organizations.models import Membership
from programs.models import MATCHABLE_COHORT_STATES, Cohort
from programs.selectors import cohort_enrolment_counts
from programs.views.common import managed_cohort

PROPOSALS_PER_PAGE = 100


def runs_url(membership: Membership, cohort: Cohort) -> str:
    return reverse(
        "matching:runs",
        kwargs={
            "org_slug": membership.organization.slug,
            "program_id": cohort.program_id,
            "cohort_id": cohort.pk,
        },
    )


def run_url(membership: Membership, run: MatchRun) -> str:
    return reverse(
        "matching:run",
        kwargs={
            "org_slug": membership.organization.slug,
            "program_id": run.cohort.program_id,
            "cohort_id": run.cohort_id,
            "run_id": run.pk,
        },
    )


def _flash_error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@organization_view()
def runs(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    return _runs_page(request, membership, program, cohort, RunStartForm())


def _runs_page(request, membership, program, cohort, form, status: int = 200) -> HttpResponse:
    counts = cohort_enrolment_counts(cohort)
    return render(
        request,
        "matching/runs.html",
        {
            "membership": membership,
            "program": program,
            "cohort": cohort,
            "form": form,
            "runs": list(selectors.runs_of(cohort)),
            "waiting_mentees": counts["mentee"].get("profile_complete", 0),
            "matched_mentees": counts["mentee"].get("matched", 0),
            "mentors_ready": counts["mentor"].get("profile_complete", 0)
            + counts["mentor"].get("matched", 0),
            "can_run": cohort.status in MATCHABLE_COHORT_STATES,
        },
        status=status,
    )


@organization_view()
@require_POST
def run_start(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    form = RunStartForm(request.POST)
    if not form.is_valid():
        return _runs_page(request, membership, program, cohort, form, status=400)
    try:
        run = services.match_run_create(
            actor=membership,
            cohort=cohort,
            mode=form.cleaned_data["mode"],
            maximize_matched=form.cleaned_data["maximize_matched"],
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _runs_page(request, membership, program, cohort, form, status=400)
    messages.success(
        request,
        f"Run {run.number} proposes {run.summary['matched']} pairs. Review them, then publish.",
    )
    return redirect(run_url(membership, run))


@organization_view()
def run_detail(
    request: HttpRequest, program_id: int, cohort_id: int, run_id: int, *, membership: Membership
) -> HttpResponse:
    program, cohort = managed_cohort(membership, program_id, cohort_id)
    run = selectors.get_run_for(cohort, run_id)
    order = "name" if request.GET.get("order") == "name" else "score"
    proposals = selectors.proposals_of(run).order_by(
        *(("mentee__full_name", "pk") if order == "name" else ("score", "pk"))
    )
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    quality = run.summary.get("quality", [])
    tallest = max((band["count"] for band in quality), default=0) or 1
    return render(
        request,
        "matching/run.html",
        {
            "membership": membership,
            "program": program,
            "cohort": cohort,
            "run": run,
            "page": page,
            "order": order,
            "unmatched": list(selectors.unmatched_of(run)),
            "quality": [
                {**band, "percent": round(100 * band["count"] / tallest)} for band in quality
            ],
            "editable": run.status == MatchRunStatus.DRAFT,
        },
    )


def _run_action(request, membership, program_id, cohort_id, run_id, action, success):
    _, cohort = managed_cohort(membership, program_id, cohort_id)
    run = selectors.get_run_for(cohort, run_id)
    try:
        result = action(run)
    except ValidationError as error:
        _flash_error(request, error)
        return redirect(run_url(membership, run))
    message, target = success(run, result)
    messages.success(request, message)
    return redirect(target)


@organization_view()
@require_POST
def run_swap(request, program_id: int, cohort_id: int, run_id: int, *, membership: Membership):
    chosen = request.POST.getlist("pair")

    def swap(run):
        if len(chosen) != 2:
            raise ValidationError("Tick exactly two pairs to swap their mentors.")
        return services.match_run_swap(
            actor=membership, run=run, first_id=chosen[0], second_id=chosen[1]
        )

    return _run_action(
        request, membership, program_id, cohort_id, run_id, swap,
        lambda run, pairs: (
            f"Swapped: {pairs[0].mentee.full_name} now with {pairs[0].mentor.full_name}, "
            f"{pairs[1].mentee.full_name} with {pairs[1].mentor.full_name}.",
            run_url(membership, run),
        ),
    )  # fmt: skip


@organization_view()
@require_POST
def run_proposal_lock(
    request,
    program_id: int,
    cohort_id: int,
    run_id: int,
    proposal_id: int,
    *,
    membership: Membership,
):
    locked = request.POST.get("locked") == "1"
    return _run_action(
        request, membership, program_id, cohort_id, run_id,
        lambda run: services.match_run_set_locked(
            actor=membership, run=run, proposal_id=proposal_id, locked=locked
        ),
        lambda run, proposal: (
            f"{'Locked' if locked else 'Unlocked'}: {proposal.mentee.full_name} with "
            f"{proposal.mentor.full_name}.",
            run_url(membership, run),
        ),
    )  # fmt: skip


@organization_view()
@require_POST
def run_proposal_remove(
    request,
    program_id: int,
    cohort_id: int,
    run_id: int,
    proposal_id: int,
    *,
    membership: Membership,
):
    return _run_action(
        request, membership, program_id, cohort_id, run_id,
        lambda run: services.match_run_remove_pair(
            actor=membership, run=run, proposal_id=proposal_id
        ),
        lambda run, _: ("Pair removed; the mentee is listed as unmatched.", run_url(membership, run)),
    )  # fmt: skip


@organization_view()
@require_POST
def run_rerun(request, program_id: int, cohort_id: int, run_id: int, *, membership: Membership):
    return _run_action(
        request, membership, program_id, cohort_id, run_id,
        lambda run: services.match_run_rerun(actor=membership, run=run),
        lambda run, new: (
            f"Run {new.number} proposes {new.summary['matched']} pairs, locked pairs kept.",
            run_url(membership, new),
        ),
    )  # fmt: skip


@organization_view()
@require_POST
def run_publish(request, program_id: int, cohort_id: int, run_id: int, *, membership: Membership):
    return _run_action(
        request, membership, program_id, cohort_id, run_id,
        lambda run: services.match_run_publish(actor=membership, run=run),
        lambda run, started: (
            f"Published: {len(started)} mentorships have started and everyone was notified.",
            run_url(membership, run),
        ),
    )  # fmt: skip


@organization_view()
@require_POST
def run_discard(request, program_id: int, cohort_id: int, run_id: int, *, membership: Membership):
    return _run_action(
        request, membership, program_id, cohort_id, run_id,
        lambda run: services.match_run_discard(actor=membership, run=run),
        lambda run, _: (f"Run {run.number} discarded.", runs_url(membership, run.cohort)),
    )  # fmt: skip
