"""Event hooks other apps react to (notifications, messaging), without programs importing them.

An app registers a handler in its AppConfig.ready(). Handlers run after the transaction that
caused the event commits, with ids only, so they read what was really saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction

MentorshipsStartedHandler = Callable[[int, list[int]], None]
_mentorships_started_handlers: list[MentorshipsStartedHandler] = []


def on_mentorships_started(handler: MentorshipsStartedHandler) -> MentorshipsStartedHandler:
    """Register `handler(organization_id, mentorship_ids)` for new mentorships."""
    if handler not in _mentorships_started_handlers:
        _mentorships_started_handlers.append(handler)
    return handler


def mentorships_started(organization_id: int, mentorship_ids: list[int]) -> None:
    """Call every handler once the current transaction commits."""
    if not mentorship_ids:
        return
    for handler in _mentorships_started_handlers:
        transaction.on_commit(
            lambda handler=handler: handler(organization_id, list(mentorship_ids))
        )


AgreementConfirmedHandler = Callable[[int, int, datetime.date], None]
_agreement_confirmed_handlers: list[AgreementConfirmedHandler] = []


def on_agreement_confirmed(handler: AgreementConfirmedHandler) -> AgreementConfirmedHandler:
    """Register `handler(organization_id, mentorship_id, on)` for an agreement that everyone in
    its mentorship has just confirmed."""
    if handler not in _agreement_confirmed_handlers:
        _agreement_confirmed_handlers.append(handler)
    return handler


def agreement_confirmed(organization_id: int, mentorship_id: int, on: datetime.date) -> None:
    for handler in _agreement_confirmed_handlers:
        transaction.on_commit(lambda handler=handler: handler(organization_id, mentorship_id, on))
