"""One JSON error shape for every API failure.

{"status": 400, "code": "invalid", "detail": "Some fields are not valid.",
 "fields": {"email": ["Enter a valid email address."]}}
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponseBadRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.views.defaults import bad_request, page_not_found, permission_denied, server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from mentorship.ratelimit import RateLimitedError
from mentorship.request_limits import RequestBodyTooLarge

DEFAULT_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(
    status_code: int, detail: str, code: str | None = None, fields: dict | None = None
) -> dict[str, Any]:
    return {
        "status": status_code,
        "code": code or DEFAULT_CODES.get(status_code, "error"),
        "detail": detail,
        "fields": fields or {},
    }


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) if isinstance(item, dict | list) else str(item) for item in detail]
    return [str(detail)]


def json_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RateLimitedError):
        # A pace limit (mentorship.ratelimit): 429, how long to wait in words and in Retry-After.
        return Response(
            error_body(status.HTTP_429_TOO_MANY_REQUESTS, exc.reason, "rate_limited"),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = DEFAULT_CODES.get(response.status_code, "error")
    fields: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        detail_data = exc.detail
        if isinstance(detail_data, dict):
            fields = _flatten(detail_data)
        else:
            fields = {"non_field_errors": _flatten(detail_data)}
        detail = (
            "Some fields are not valid."
            if set(fields) - {"non_field_errors"}
            else " ".join(str(message) for message in fields.get("non_field_errors", []))
            or "The request is not valid."
        )
    elif isinstance(exc, Http404 | exceptions.NotFound):
        detail = "Not found."
    elif isinstance(exc, PermissionDenied):
        detail = str(exc) or "You do not have permission to do this."
    elif isinstance(exc, exceptions.APIException):
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else "Request failed."
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else code
    else:
        detail = "Request failed."
    response.data = error_body(response.status_code, detail, code, fields)
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def too_large_text(exception: RequestDataTooBig) -> tuple[str, str]:
    """What was too large, and its limit in words ("5.0 MB")."""
    if isinstance(exception, RequestBodyTooLarge):
        what, limit = "upload" if exception.upload else "request", exception.limit
    else:  # Django's own check, on the fields of a form or of an upload
        what, limit = "form", settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return what, filesizeformat(limit).replace("\xa0", " ")


def api_aware_400(request: HttpRequest, exception: Exception | None = None):
    """A request Django refuses before any view (too many fields, a malformed upload, a bad
    Host, a body over its limit): API paths answer in the API's JSON shape. A body over its
    limit says so, with the limit, on the API and on the page alike."""
    if isinstance(exception, RequestDataTooBig):
        what, limit = too_large_text(exception)
        if _is_api(request):
            return JsonResponse(
                error_body(
                    status.HTTP_400_BAD_REQUEST,
                    f"The {what} is too large: at most {limit}.",
                    "request_too_large",
                ),
                status=400,
            )
        return HttpResponseBadRequest(
            render_to_string("400.html", {"too_large": what, "limit": limit})
        )
    if _is_api(request):
        return JsonResponse(
            error_body(status.HTTP_400_BAD_REQUEST, "The request could not be read."), status=400
        )
    return bad_request(request, exception)


def api_aware_403(request: HttpRequest, exception: Exception | None = None):
    if _is_api(request):
        detail = (
            str(exception)
            if exception and str(exception)
            else "You do not have permission to do this."
        )
        return JsonResponse(error_body(status.HTTP_403_FORBIDDEN, detail), status=403)
    return permission_denied(request, exception)


def api_aware_404(request: HttpRequest, exception: Exception | None = None):
    """API paths answer 404 in the API's JSON shape; pages get the HTML 404 page."""
    if _is_api(request):
        return JsonResponse(error_body(status.HTTP_404_NOT_FOUND, "Not found."), status=404)
    return page_not_found(request, exception)


def api_aware_500(request: HttpRequest):
    if _is_api(request):
        return JsonResponse(
            error_body(500, "Something went wrong on our side.", "server_error"), status=500
        )
    return server_error(request)
