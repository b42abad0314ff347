"""What every write of the meetings app checks first: the organisation and the pair."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from meetings.models import Meeting
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Mentorship


def require_in_pair(actor: Membership, mentorship: Mentorship) -> None:
    """Only the mentor and the mentees of a mentorship act on its meetings; its program's
    managers see them and nothing more. Read from the database, so a change of the mentorship's
    people counts at once."""
    if mentorship.organization_id != actor.organization_id:
        raise PermissionDenied("This mentorship belongs to another organisation.")
    with organization_scope(actor.organization):
        taking_part = Mentorship.objects.filter(
            Q(mentor__user_id=actor.user_id) | Q(members__mentee__user_id=actor.user_id),
            pk=mentorship.pk,
        ).exists()
    if not taking_part:
        raise PermissionDenied("Only the mentor and mentee of this mentorship can do this.")


def locked(meeting: Meeting) -> Meeting:
    """The meeting's row, locked until the transaction ends, with the mentorship already loaded
    (a second request for the same meeting waits here, then sees the first one's change). Call
    it inside the organisation's scope."""
    row = Meeting.objects.select_for_update().get(pk=meeting.pk)
    row.mentorship = meeting.mentorship
    row.organization = meeting.organization
    return row


def mentorship_is_open(actor: Membership, mentorship: Mentorship) -> bool:
    """Read again under the transaction: the page may have been open since it ended."""
    with organization_scope(actor.organization):
        return Mentorship.objects.get(pk=mentorship.pk).is_open
