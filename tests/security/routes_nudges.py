"""The nudges routes in the tenant-isolation walk (see tests/security/routes.py): a program's
nudge settings, a mentorship's nudge log, and the organisation's failed emails."""

from __future__ import annotations

from organizations.scope import organization_scope
from tests.conftest import CANARY, World
from tests.security.routes import GlobalRoute, TenantRoute, _matching, _program


def _nudged(world: World) -> dict:
    """The walk's mentorship (Alpha's owner mentors Alpha's member) with a note from its
    program's manager carrying Alpha's marker."""
    from notifications import managers
    from notifications.models import Notification
    from programs import selectors as program_selectors

    mentorship_id = _matching(world)["mentorship_id"]
    with organization_scope(world.alpha):
        sent = Notification.objects.filter(
            mentorship_id=mentorship_id, kind="manual_nudge"
        ).exists()
    if not sent:
        manager = world.membership(world.alpha, world.alpha_manager)
        with organization_scope(world.alpha):
            mentorship = program_selectors.get_mentorship_for(manager, mentorship_id)
        managers.nudge_send(
            actor=manager, mentorship=mentorship, message=f"How is the {CANARY} plan going?",
            to="both",
        )  # fmt: skip
    return {"mentorship_id": mentorship_id}


def _bravo_mentorship(world: World) -> dict:
    from tests.security.routes_meetings import _bravo_mentorship as bravo_mentorship

    return bravo_mentorship(world)


def _failed_email(world: World) -> dict:
    """A notification of Alpha's member whose email failed, with Alpha's marker in its title."""
    from notifications.delivery import Draft, dedupe_key, notify
    from notifications.models import EmailState, Notification

    draft = Draft(
        kind="pair_inactive", occurrence="walk:failed", user_id=world.alpha_member.pk,
        title=f"No contact with your {CANARY} mentor for 14 days",
    )  # fmt: skip
    notify(world.alpha, [draft])
    with organization_scope(world.alpha):
        row = Notification.objects.get(dedupe_key=dedupe_key(world.alpha.pk, draft))
        if row.email_state != EmailState.FAILED:
            Notification.objects.filter(pk=row.pk).update(
                email_state=EmailState.FAILED, email_attempts=5,
                email_error=f"SMTPServerDisconnected ({CANARY})",
            )  # fmt: skip
    return {"notification_id": row.pk}


def _with_failed_email(world: World) -> dict:
    _failed_email(world)
    return {}


NUDGES_ROUTES: dict[str, TenantRoute] = {
    # Web
    "nudges:program_settings": TenantRoute(_program),
    "nudges:mentorship_log": TenantRoute(
        _nudged, is_list=True, bravo_list_kwargs=_bravo_mentorship
    ),
    "nudges:failed_emails": TenantRoute(_with_failed_email, is_list=True),
    "nudges:retry_email": TenantRoute(_failed_email),
    # API
    "api_program_nudge_settings": TenantRoute(_program),
    "api_mentorship_nudges": TenantRoute(
        _nudged, is_list=True, bravo_list_kwargs=_bravo_mentorship
    ),
    "api_failed_emails": TenantRoute(_with_failed_email, is_list=True),
}
NUDGES_GLOBAL_ROUTES: dict[str, GlobalRoute] = {}
