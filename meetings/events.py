"""Event hooks other apps react to (relationships ticks the pair's first-meeting milestone),
without meetings importing them. Handlers run after the transaction commits, with ids only."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction

MeetingHeldHandler = Callable[[int, int, datetime.date], None]
_meeting_held_handlers: list[MeetingHeldHandler] = []


def on_meeting_held(handler: MeetingHeldHandler) -> MeetingHeldHandler:
    """Register `handler(organization_id, mentorship_id, on)` for a meeting the pair marked as
    held."""
    if handler not in _meeting_held_handlers:
        _meeting_held_handlers.append(handler)
    return handler


def meeting_held(organization_id: int, mentorship_id: int, on: datetime.date) -> None:
    for handler in _meeting_held_handlers:
        transaction.on_commit(lambda handler=handler: handler(organization_id, mentorship_id, on))
