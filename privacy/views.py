from __future__ import annotations

import json

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import AccountEraseForm
from accounts.views import account_settings_render
from mentorship.forms import apply_validation_error
from privacy.erasure import user_erase
from privacy.export import personal_data_export, personal_data_file_name


@login_required
@require_GET
def personal_data_download(request: HttpRequest) -> HttpResponse:
    """Everything the platform holds about the signed-in person, as one JSON file."""
    data = personal_data_export(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{personal_data_file_name()}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
@reauthentication_required
def account_erase(request: HttpRequest) -> HttpResponse:
    """Erase the signed-in person's account: confirmed by typing its email address, after
    confirming the password (allauth's reauthentication). Signs them out."""
    form = AccountEraseForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            user_erase(user=request.user)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            logout(request)
            return redirect("privacy:erased")
    return account_settings_render(request, erase_form=form, status=400)


@require_GET
def account_erased(request: HttpRequest) -> HttpResponse:
    """Where a person lands once their account is erased (signed out by then)."""
    return render(request, "privacy/erased.html")
