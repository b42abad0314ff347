from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field messages on fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def save_form(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: str | Callable[[Any], str],
) -> HttpResponse | None:
    """The POST half of a form page: for a valid form, call `save` (a service); a ValidationError
    it raises lands on the form, success flashes a message and redirects. None means "render the
    form again" (a GET, or errors to show)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except ValidationError as error:
        apply_validation_error(form, error)
        return None
    messages.success(request, success(saved) if callable(success) else success)
    return redirect(redirect_to(saved) if callable(redirect_to) else redirect_to)
