"""What every write of the programs app checks first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied

from organizations.models import Membership
from programs.access import can_manage_program
from programs.models import Program

NAME_MAX_LENGTH = 120
PURPOSE_MAX_LENGTH = 255


def day_label(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def require_same_organization(actor_membership: Membership, program: Program) -> None:
    if program.organization_id != actor_membership.organization_id:
        raise PermissionDenied("This program belongs to another organisation.")


def require_program_manager(actor_membership: Membership, program: Program) -> None:
    require_same_organization(actor_membership, program)
    if not can_manage_program(actor_membership, program):
        raise PermissionDenied("You do not run this program.")


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: how many it changed, how many it left as they were."""

    done: int
    skipped: int
