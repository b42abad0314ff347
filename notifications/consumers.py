"""The per-user live channel at /ws/o/<org_slug>/notifications/.

Connect is authorised here: anonymous users and non-members are refused before the socket is
accepted. Afterwards the socket listens on the user's group in that organisation.
"""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

from organizations.realtime import (
    CLOSE_NOT_AUTHENTICATED,
    CLOSE_NOT_FOUND,
    session_fingerprint,
    socket_membership,
    user_group_name,
)

MAX_FRAME_BYTES = 16 * 1024


class NotificationConsumer(AsyncWebsocketConsumer):
    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        membership = await socket_membership(user, self.scope["url_route"]["kwargs"]["org_slug"])
        if membership is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.membership = membership
        session = self.scope.get("session")
        self.session = session_fingerprint(session.session_key if session else None)
        self.group_name = user_group_name(membership.organization_id, user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "organization": membership.organization.slug})

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.send_error("Send JSON text frames, not binary frames.")
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error(f"Frame too large: at most {MAX_FRAME_BYTES} bytes.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("Frame is not valid JSON.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_error('A frame is a JSON object with a "type", e.g. {"type": "ping"}.')
            return
        if frame["type"] == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_error(f"Unknown frame type “{frame['type']}”.")

    async def session_ended(self, event: dict[str, Any]) -> None:
        """The browser session behind this socket ended (logout), or all of the user's did."""
        if event["session"] is None or event["session"] == self.session:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)

    async def send_error(self, reason: str) -> None:
        await self.send_json({"type": "error", "reason": reason})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))

    async def notification_message(self, event: dict[str, Any]) -> None:
        """A notification published to the user's group (see notifications.groups)."""
        await self.send_json({"type": "notification", "notification": event["notification"]})
