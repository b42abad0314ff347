"""The relationships app's routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

from tests.conftest import World
from tests.security.routes import TenantRoute, _matching


def _walk_cohort(world: World) -> dict:
    """The cohort of the walk's mentorship (Alpha's owner mentors Alpha's member)."""
    found = _matching(world)
    return {"program_id": found["program_id"], "cohort_id": found["cohort_id"]}


def _mentorship(world: World) -> dict:
    return {"mentorship_id": _matching(world)["mentorship_id"]}


RELATIONSHIP_ROUTES: dict[str, TenantRoute] = {
    "relationships:cohort_pairs": TenantRoute(_walk_cohort),
    "relationships:my_mentorships": TenantRoute(is_list=True),
    "api_mentorship_health": TenantRoute(_mentorship),
    "api_cohort_pairs": TenantRoute(_walk_cohort),
}
