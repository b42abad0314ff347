"""Pairs and their health in the browser: a cohort's pairs for its managers, and a person's own
mentorships."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors as program_selectors
from programs.views.common import managed_program
from relationships import selectors
from relationships.models import HealthStatus


@organization_view()
def cohort_pairs(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    """Every pair of a cohort with its health and why, the ones that need help first."""
    program = managed_program(membership, program_id)
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
