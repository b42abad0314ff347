"""The floor of the chat benchmark: a bare ASGI websocket echo app, served by daphne like the
real one. It accepts every socket, says hello (as the chat socket does once it is ready) and
sends every frame straight back. No Django, no channel layer, no database."""

from __future__ import annotations

HELLO = '{"type": "hello"}'


async def application(scope, receive, send) -> None:
    if scope["type"] == "websocket":
        event = await receive()
        if event["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": HELLO})
        while True:
            event = await receive()
            if event["type"] != "websocket.receive":
                return
            if event.get("text") is not None:
                await send({"type": "websocket.send", "text": event["text"]})
            else:
                await send({"type": "websocket.send", "bytes": event.get("bytes") or b""})
    elif scope["type"] == "http":
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": b"Websockets only.\n"})
