"""GET /healthz: is each part the platform needs reachable from this process?"""

from __future__ import annotations

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

from mentorship.celery import app as celery_app

CHECK_TIMEOUT_SECONDS = 3.0


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel(prefix="healthz")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=CHECK_TIMEOUT_SECONDS)
    if message.get("token") != token:
        raise RuntimeError("the channel layer returned another message")


def _check_broker() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


def _describe(error: BaseException) -> str:
    return f"error: {type(error).__name__}: {error}".strip().rstrip(":")


async def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    checks = {
        "db": sync_to_async(_check_database, thread_sensitive=True),
        "channel_layer": _check_channel_layer,
        "broker": sync_to_async(_check_broker, thread_sensitive=False),
    }
    for name, check in checks.items():
        try:
            await check()
        except Exception as error:
            results[name] = _describe(error)
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(results, status=200 if healthy else 503)
