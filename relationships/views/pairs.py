"""Pairs and their health in the browser: a cohort's pairs for its managers, and a person's own
mentorships."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors as program_selectors
from relationships import selectors
from relationships.access import can_open_mentorships, require_follows_pairs
from relationships.models import HealthStatus


@organization_view()
def cohort_pairs(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    """Every pair of a cohort with its health and why, the ones that need help first. For the
    program's managers, and for report viewers (numbers and reasons, never the pair's words)."""
    program = program_selectors.get_program_for(membership, program_id)
    require_follows_pairs(membership, program)
    cohort = program_selectors.get_cohort_for(membership, program, cohort_id)
    health = request.GET.get("health", "")
    if health not in HealthStatus.values:
        health = ""
    everyone = selectors.cohort_pairs(membership, cohort)
    counts = dict.fromkeys(HealthStatus.values, 0)
    for row in everyone:
        if row.health:
            counts[row.health.status] += 1
    rows = [r for r in everyone if not health or (r.health and r.health.status == health)]
    return render(
        request,
        "relationships/cohort_pairs.html",
        {
            "membership": membership,
            "program": program,
            "cohort": cohort,
            "rows": rows,
            "health": health,
            "filters": [(status, label, counts[status]) for status, label in HealthStatus.choices],
            "total": len(everyone),
            "can_open": can_open_mentorships(membership, program),
        },
    )


@organization_view()
def my_mentorships(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """The member's own mentorships: how each goes, and what comes next."""
    return render(
        request,
        "relationships/my_mentorships.html",
        {"membership": membership, "rows": selectors.member_pairs(membership)},
    )
