"""The meetings app's routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from organizations.scope import organization_scope
from tests.conftest import CANARY, World
from tests.security.routes import TenantRoute, _matching


def _meeting(world: World) -> dict:
    """A meeting of the `_matching` mentorship (Alpha's owner mentors Alpha's member), proposed
    by the mentee with Alpha's marker in its title and accepted by the owner: scheduled, so it
    has a calendar file. Its mentee keeps a private note on it."""
    from meetings import selectors, services
    from meetings.models import Meeting
    from programs.selectors import get_mentorship_for

    mentorship_id = _matching(world)["mentorship_id"]
    with organization_scope(world.alpha):
        meeting = Meeting.objects.filter(mentorship_id=mentorship_id).first()
    if meeting is None:
        mentee = world.alpha_member_membership
        starts_at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        meeting = services.meeting_propose(
            actor=mentee,
            mentorship=get_mentorship_for(mentee, mentorship_id),
            title=f"First conversation ({CANARY})",
            agenda=f"Goals for the {CANARY} team",
            slots=[services.Slot(starts_at, starts_at + timedelta(minutes=45))],
            generate_video_link=True,
        )
        meeting = selectors.get_meeting_for(mentee, meeting.pk)
        services.private_note_save(actor=mentee, meeting=meeting, body=f"Nervous ({CANARY})")
        services.meeting_accept(
            actor=world.alpha_owner_membership,
            meeting=selectors.get_meeting_for(world.alpha_owner_membership, meeting.pk),
            slot_id=meeting.slots.get().pk,
        )
    return {"meeting_id": meeting.pk}


def _mentorship_with_meeting(world: World) -> dict:
    _meeting(world)
    return {"mentorship_id": _matching(world)["mentorship_id"]}


def _with_meeting(world: World) -> dict:
    _meeting(world)
    return {}


def _bravo_mentorship(world: World) -> dict:
    """A mentorship of Bravo's in which Bravo's owner is the mentee, with a meeting of its own,
    so the meetings lists read in Bravo have rows of their own."""
    from matching import services as matching_services
    from matching.models import MatchRun
    from meetings import services
    from organizations.models import Membership
    from programs.selectors import get_mentorship_for
    from tests.security.routes import _bravo_run

    found = _bravo_run(world)
    bravo_owner = world.membership(world.bravo, world.bravo_owner)
    with organization_scope(world.bravo):
        run = MatchRun.objects.select_related("cohort__program").get(pk=found["run_id"])
    (mentorship,) = matching_services.match_run_publish(actor=bravo_owner, run=run)
    with organization_scope(world.bravo):
        mentor = Membership.objects.select_related("organization", "user").get(
            user_id=mentorship.mentor.user_id
        )
    starts_at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    services.meeting_propose(
        actor=mentor,
        mentorship=get_mentorship_for(mentor, mentorship.pk),
        title="Bravo kick-off",
        slots=[services.Slot(starts_at, starts_at + timedelta(minutes=30))],
    )
    return {"mentorship_id": mentorship.pk}


def _feed(world: World) -> dict:
    """A calendar address of Alpha's owner, whose feed holds the walk's meeting. The token is
    only known when it is made, so each call makes a new address (the previous one stops
    working): use the kwargs of the latest call."""
    from meetings import services

    _meeting(world)
    _, token = services.calendar_feed_create(actor=world.alpha_owner_membership)
    return {"token": token}


MEETING_ROUTES: dict[str, TenantRoute] = {
    # Web
    "meetings:mentorship_meetings": TenantRoute(
        _mentorship_with_meeting, is_list=True, bravo_list_kwargs=_bravo_mentorship
    ),
    "meetings:detail": TenantRoute(_meeting),
    "meetings:accept": TenantRoute(_meeting),
    "meetings:decline": TenantRoute(_meeting),
    "meetings:reschedule": TenantRoute(_meeting),
    "meetings:cancel": TenantRoute(_meeting),
    "meetings:notes": TenantRoute(_meeting),
    "meetings:private_note": TenantRoute(_meeting),
    "meetings:attendance": TenantRoute(_meeting),
    "meetings:ics": TenantRoute(_meeting),
    # The member's meetings in every mentorship here, and their calendar address.
    "meetings:calendar": TenantRoute(_with_meeting, is_list=True),
    "meetings:calendar_create": TenantRoute(),
    "meetings:calendar_revoke": TenantRoute(),
    "meetings:settings": TenantRoute(),
    # Calendar apps read it without a session: the token in the address is the credential.
    "meetings:feed": TenantRoute(_feed, secret_link=True),
    # API
    "api_mentorship_meetings": TenantRoute(
        _mentorship_with_meeting, is_list=True, bravo_list_kwargs=_bravo_mentorship
    ),
    "api_mentorship_free_times": TenantRoute(_mentorship_with_meeting),
    "api_meeting": TenantRoute(_meeting),
    "api_meeting_accept": TenantRoute(_meeting),
    "api_meeting_decline": TenantRoute(_meeting),
    "api_meeting_reschedule": TenantRoute(_meeting),
    "api_meeting_cancel": TenantRoute(_meeting),
    "api_meeting_notes": TenantRoute(_meeting),
    "api_meeting_private_note": TenantRoute(_meeting),
    "api_meeting_attendance": TenantRoute(_meeting),
    "api_meeting_ics": TenantRoute(_meeting),
    "api_calendar_feed": TenantRoute(),
    "api_meeting_settings": TenantRoute(),
}
