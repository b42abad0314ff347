"""Event hooks other apps react to, without organisations importing them.

An app registers a handler in its AppConfig.ready(); the organisations service that causes the
event calls every handler inside its own transaction, so a reaction fails or succeeds with it.
Explicit and greppable, unlike model signals.
"""

from __future__ import annotations

from collections.abc import Callable

from organizations.models import Membership

MemberJoinedHandler = Callable[[Membership], None]
_member_joined_handlers: list[MemberJoinedHandler] = []


def on_member_joined(handler: MemberJoinedHandler) -> MemberJoinedHandler:
    """Register `handler(membership)` to run when someone joins an organisation by invitation."""
    if handler not in _member_joined_handlers:
        _member_joined_handlers.append(handler)
    return handler


def member_joined(membership: Membership) -> None:
    for handler in _member_joined_handlers:
        handler(membership)
