"""The headers that tell a browser what our pages may do, beyond those Django sends itself.

Django's SecurityMiddleware sends HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy,
and XFrameOptionsMiddleware sends X-Frame-Options; Django 5.2 has no Content-Security-Policy, so
this middleware adds one, plus a Permissions-Policy. A response that brings its own policy keeps
it: stored files are served sandboxed (messaging.attachments.file_response).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase

# No inline script and no inline style anywhere: every script and style sheet is a file under
# static/, charts size their bars with SVG attributes (tests/test_security_headers.py scans the
# templates). Pages we do not write (Django's admin, Swagger UI) set style attributes: there,
# and only there, style attributes are allowed (an attribute runs no script).
CONTENT_SECURITY_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    # The websocket source is added per request: not every browser counts ws: and wss: as 'self'.
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

Handler = Callable[[HttpRequest], HttpResponseBase]
AsyncHandler = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def _websocket_source(request: HttpRequest) -> str | None:
    """ws(s):// of the host the page came from, where the chat and notification sockets live."""
    try:
        host = request.get_host()
    except DisallowedHost:
        # The request was refused for its Host header; its error page opens no socket.
        return None
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


THIRD_PARTY_PAGES = ("/admin/", "/api/docs/")


def content_security_policy(request: HttpRequest) -> str:
    directives = dict(CONTENT_SECURITY_POLICY)
    if request.path.startswith(THIRD_PARTY_PAGES):
        directives["style-src-attr"] = ("'unsafe-inline'",)
    websocket = _websocket_source(request)
    if websocket:
        directives["connect-src"] = (*directives["connect-src"], websocket)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def add_security_headers(request: HttpRequest, response: HttpResponseBase) -> None:
    if "Content-Security-Policy" not in response:
        response["Content-Security-Policy"] = content_security_policy(request)
    response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers to every response.

    Sync and async alike, so that under ASGI a request does not hop threads for it."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Handler | AsyncHandler) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._call_async(request)
        response = self.get_response(request)
        add_security_headers(request, response)
        return response

    async def _call_async(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)
        add_security_headers(request, response)
        return response
