"""The API schema's error answers: every operation documents the errors it can give, all in the
one JSON shape of mentorship.api.errors, so a client (and the fuzzing in tests/fuzz) can check
every response against the schema, not only the successful ones."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every API error has this shape.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code."},
        "code": {"type": "string", "description": "e.g. invalid, not_found, throttled."},
        "detail": {"type": "string", "description": "What went wrong, in words."},
        "fields": {
            "type": "object",
            "description": "Per field (or non_field_errors), the messages of a 400.",
            "additionalProperties": {},
        },
    },
    "required": ["status", "code", "detail", "fields"],
}

# Given by every operation: not signed in (or a revoked token), no permission, not found (an
# organisation or object you cannot see, a page past the last), too many requests. The others
# depend on what the operation takes.
ALWAYS = {
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object in this organisation (or not visible to you), or no such page.",
    "429": "Too many requests: wait and try again.",
}
WITH_INPUT = {"400": "The request is not valid, or breaks a rule: `fields` says why, per field."}
WITH_BODY = {"415": "The body is not in a type this operation reads."}
METHODS = ("get", "post", "put", "patch", "delete")


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: document the error answers of every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            parameters = operation.get("parameters", [])
            errors = dict(ALWAYS)
            takes_input = "requestBody" in operation or method != "get"
            if takes_input or any(p.get("in") == "query" for p in parameters):
                errors |= WITH_INPUT
            if "requestBody" in operation:
                errors |= WITH_BODY
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
