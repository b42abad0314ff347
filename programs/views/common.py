"""Helpers the program pages share: URLs and the "runs this program" check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organizations.models import Membership
from programs import selectors
from programs.access import can_manage_program
from programs.models import Cohort, Program


def program_url(membership: Membership, program: Program) -> str:
    return reverse(
        "programs:detail",
        kwargs={"org_slug": membership.organization.slug, "program_id": program.pk},
    )


def cohort_url(membership: Membership, cohort: Cohort) -> str:
    return reverse(
        "programs:cohort_detail",
        kwargs={
            "org_slug": membership.organization.slug,
            "program_id": cohort.program_id,
            "cohort_id": cohort.pk,
        },
    )


def managed_program(membership: Membership, program_id: int) -> Program:
    program = selectors.get_program_for(membership, program_id)
    if not can_manage_program(membership, program):
        raise PermissionDenied("You can see this program but do not run it.")
    return program


def participants_url(membership: Membership, cohort: Cohort) -> str:
    return reverse(
        "programs:participants",
        kwargs={
            "org_slug": membership.organization.slug,
            "program_id": cohort.program_id,
            "cohort_id": cohort.pk,
        },
    )


def application_path(organization_slug: str, cohort: Cohort) -> str:
    return reverse(
        "programs:apply",
        kwargs={
            "org_slug": organization_slug,
            "cohort_id": cohort.pk,
            "key": cohort.application_key,
        },
    )


def managed_cohort(
    membership: Membership, program_id: int, cohort_id: int
) -> tuple[Program, Cohort]:
    """A cohort of a program the member runs: 404 when not visible, 403 when only visible."""
    program = managed_program(membership, program_id)
    return program, selectors.get_cohort_for(membership, program, cohort_id)
