"""The reports_exports routes in the tenant-isolation walk (see tests/security/routes.py).

The exports are streamed files, not paginated lists, so the walk's list check (which reads
`response.content`) does not apply to them: tests/reports/test_exports.py proves that Bravo's
exports hold none of Alpha's rows and that Alpha's program or cohort in Bravo's filters is
refused. The scheduled reports page is a list of one's own subscriptions and is walked as one.
"""

from __future__ import annotations

from organizations.scope import organization_scope
from tests.conftest import World
from tests.security.routes import TenantRoute, _matching, _own_enrolment


def _subscription(world: World) -> dict:
    """Alpha's owner receives the weekly report of Alpha's program (named with Alpha's
    marker)."""
    from reports.exports.scheduled import scheduled_report_add
    from reports.models import ScheduledReport

    with organization_scope(world.alpha):
        scheduled = ScheduledReport.objects.filter(user=world.alpha_owner).first()
    if scheduled is None:
        scheduled = scheduled_report_add(
            actor=world.alpha_owner_membership,
            program_id=world.alpha_program.pk,
            frequency="weekly",
        )
    return {"scheduled_id": scheduled.pk}


def _with_subscription(world: World) -> dict:
    _subscription(world)
    return {}


def _with_mentorship(world: World) -> dict:
    """Alpha's mentorship (its owner mentors its member), so the exports have a row."""
    _matching(world)
    return {}


def _with_participant(world: World) -> dict:
    _own_enrolment(world)
    return {}


REPORTS_EXPORTS_ROUTES: dict[str, TenantRoute] = {
    "exports:progress_csv": TenantRoute(_with_mentorship),
    "exports:progress_xlsx": TenantRoute(_with_mentorship),
    "exports:progress_pdf": TenantRoute(_with_mentorship),
    "exports:participants_csv": TenantRoute(_with_participant),
    "exports:scheduled": TenantRoute(_with_subscription, is_list=True),
    "exports:scheduled_remove": TenantRoute(_subscription),
}
