"""Writes of users' own settings, personal API tokens and account deactivation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import ApiToken, User, hash_api_token, new_api_token_value, validate_timezone
from organizations.realtime import sockets_close_everywhere

MAX_ACTIVE_API_TOKENS = 20


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, timezone_name: str, locale: str) -> User:
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": "Tell people your name."})
    validate_timezone(timezone_name)
    user.full_name, user.timezone, user.locale = full_name, timezone_name, locale
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "timezone", "locale"])
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the row and the raw value, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after where you use it, e.g. “BI export”."})
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_API_TOKENS:
        raise ValidationError(
            {"name": f"You already have {MAX_ACTIVE_API_TOKENS} active tokens; revoke one first."}
        )
    raw = new_api_token_value()
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_hash=hash_api_token(raw), display_prefix=raw[:10]
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise ValidationError("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> User:
    """End every browser session of the person, this one included, and close their open
    sockets: for a lost laptop or a shared computer. API tokens are revoked one by one."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])
    sockets_close_everywhere(user_id=user.pk)
    return user


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Deactivate an account: it can no longer sign in or use its API tokens, its browser
    sessions stop authenticating at their next request, and its open sockets close now."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    sockets_close_everywhere(user_id=user.pk)
    return user
