"""How large a request body may be, checked from its Content-Length before anything reads it.

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when a form's fields or `request.body` are read,
and never checks an upload as a whole: its files are streamed to temporary files and each is
then checked against its own limit, so a 2 GB upload would be parsed to disk first. Here, before
any middleware or view reads the body, a form or JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE, or an
upload (multipart) over UPLOAD_REQUEST_MAX_BYTES, is refused with RequestDataTooBig, which the 400
handler (mentorship.api.errors) answers with the limit: in the API's JSON shape, or as the 400
page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBase


class RequestBodyTooLarge(RequestDataTooBig):
    """A body over its limit; `limit` in bytes, `upload` whether it was a multipart upload."""

    def __init__(self, *, size: int, limit: int, upload: bool) -> None:
        super().__init__(f"The request body is {size} bytes; the limit is {limit} bytes.")
        self.size = size
        self.limit = limit
        self.upload = upload


def is_upload(request: HttpRequest) -> bool:
    return request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/form-data")


def body_limit(request: HttpRequest) -> int | None:
    """The most bytes this request's body may have (None: no limit)."""
    if is_upload(request):
        return settings.UPLOAD_REQUEST_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def check_body_size(request: HttpRequest) -> None:
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    limit = body_limit(request)
    if limit is not None and size > limit:
        raise RequestBodyTooLarge(size=size, limit=limit, upload=is_upload(request))


class RequestBodyLimitMiddleware:
    """Refuse a body over its limit before any middleware or view reads it."""

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponseBase]
        | Callable[[HttpRequest], Awaitable[HttpResponseBase]],
    ) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.is_async:
            return self._call_async(request)
        check_body_size(request)
        return self.get_response(request)

    async def _call_async(self, request: HttpRequest) -> HttpResponseBase:
        check_body_size(request)
        return await self.get_response(request)
