from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import AccountEraseForm, ApiTokenForm, ProfileForm
from accounts.models import ApiToken
from mentorship.forms import apply_validation_error


def _settings_context(request: HttpRequest, **extra) -> dict:
    user = request.user
    return {
        "api_tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True),
        "mfa_types": set(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "erase_form": AccountEraseForm(user=user),
        **extra,
    }


def account_settings_render(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    """The account settings page with blank forms, except those given in `extra` (bound, with
    their errors): how an action posted from the page, here or in another app (privacy's account
    erasure), shows what was wrong."""
    user = request.user
    context = {
        "form": ProfileForm(
            initial={"full_name": user.full_name, "timezone": user.timezone, "locale": user.locale}
        ),
        "token_form": ApiTokenForm(),
        **extra,
    }
    return render(
        request, "accounts/settings.html", _settings_context(request, **context), status=status
    )


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "timezone": user.timezone, "locale": user.locale},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(
                user=user,
                full_name=form.cleaned_data["full_name"],
                timezone_name=form.cleaned_data["timezone"],
                locale=form.cleaned_data["locale"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:settings")
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/settings.html",
        _settings_context(request, form=form, token_form=ApiTokenForm()),
        status=status,
    )


@require_POST
@login_required
@reauthentication_required
def api_token_create(request: HttpRequest) -> HttpResponse:
    token_form = ApiTokenForm(request.POST)
    new_token = None
    if token_form.is_valid():
        try:
            _, new_token = services.api_token_create(
                user=request.user, name=token_form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_validation_error(token_form, error)
    return account_settings_render(
        request,
        token_form=ApiTokenForm() if new_token else token_form,
        new_token=new_token,
        status=200 if new_token else 400,
    )


@require_POST
@login_required
@reauthentication_required
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=request.user, token_id=token_id)
    except ValidationError:
        messages.error(request, "That token does not exist.")
    else:
        messages.success(
            request, f"Token “{token.name}” is revoked; clients using it are now refused."
        )
    return redirect("accounts:settings")


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You are signed out on every device and browser, this one included.")
    return redirect(settings.LOGOUT_REDIRECT_URL)
