"""The per-user live channel at /ws/o/<org_slug>/notifications/.

Connect is authorised here: anonymous users and non-members are refused before the socket is
accepted. Afterwards the socket listens on the user's group in that organisation.
"""

from __future__ import annotations

from typing import Any

from organizations.realtime import MemberSocket


class NotificationConsumer(MemberSocket):
    async def connected(self) -> None:
        await self.send_json({"type": "hello", "organization": self.membership.organization.slug})

    async def notification_message(self, event: dict[str, Any]) -> None:
        """A notification published to the user's group (organizations.realtime.user_group_name)."""
        await self.send_json({"type": "notification", "notification": event["notification"]})
