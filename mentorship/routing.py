"""Websocket routes. The organisation comes from the URL: /ws/o/<org_slug>/..."""

from django.urls import path

from messaging.consumers import ChatConsumer
from notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path(
        "ws/o/<slug:org_slug>/notifications/",
        NotificationConsumer.as_asgi(),
        name="ws_notifications",
    ),
    path("ws/o/<slug:org_slug>/chat/", ChatConsumer.as_asgi(), name="ws_chat"),
]
