"""A person's notification preferences: which kinds reach them on which channel, quiet hours,
the daily digest, and the one-click unsubscribe link each email carries (per kind)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from notifications.kinds import CHANNELS, KINDS
from notifications.models import Digest, NotificationPreferences

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# A preference left out of an update keeps its value (None means "none": no quiet hours).
KEEP = object()


@dataclass(frozen=True)
class Choices:
    """What the preferences say for one person (defaults when they never saved any)."""

    channels: dict
    quiet_start: datetime.time | None = None
    quiet_end: datetime.time | None = None
    digest: str = Digest.OFF
    digest_hour: int = 8
    bounced: bool = False

    def wants(self, kind: str, channel: str) -> bool:
        chosen = self.channels.get(kind, {})
        if channel in chosen:
            return bool(chosen[channel])
        return bool(getattr(KINDS[kind], channel))


def _choices(row: NotificationPreferences | None) -> Choices:
    if row is None:
        return Choices(channels={})
    return Choices(
        channels=row.channels or {},
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        digest=row.digest,
        digest_hour=row.digest_hour,
        bounced=row.email_bounced_at is not None,
    )


def choices_of(user_ids: Iterable[int]) -> dict[int, Choices]:
    """Everyone's choices in one query (defaults for those without a row)."""
    ids = list(set(user_ids))
    rows = {row.user_id: row for row in NotificationPreferences.objects.filter(user_id__in=ids)}
    return {user_id: _choices(rows.get(user_id)) for user_id in ids}


def preferences_of(user: User) -> NotificationPreferences:
    row = NotificationPreferences.objects.filter(user=user).first()
    return row or NotificationPreferences(user=user)


def clean_channels(channels) -> dict:
    """{kind: {channel: bool}}, refusing kinds and channels that do not exist (by name)."""
    if not isinstance(channels, dict):
        raise ValidationError({"channels": "Give each kind of notification its channels."})
    unknown = [kind for kind in channels if kind not in KINDS]
    if unknown:
        raise ValidationError(
            {"channels": f"No such kind of notification: {', '.join(map(str, unknown))}. "
                         f"Known: {', '.join(KINDS)}."}
        )  # fmt: skip
    cleaned: dict[str, dict[str, bool]] = {}
    for kind, chosen in channels.items():
        if not isinstance(chosen, dict) or any(
            channel not in CHANNELS or not isinstance(on, bool) for channel, on in chosen.items()
        ):
            raise ValidationError(
                {"channels": f"For {kind}, give email and in_app as true or false."}
            )
        differs = {c: on for c, on in chosen.items() if on != getattr(KINDS[kind], c)}
        if differs:
            cleaned[kind] = differs
    return cleaned


def clean_quiet_hours(
    start: datetime.time | None, end: datetime.time | None
) -> tuple[datetime.time | None, datetime.time | None]:
    if (start is None) != (end is None):
        field = "quiet_end" if end is None else "quiet_start"
        raise ValidationError({field: "Give both the start and the end of your quiet hours."})
    if start is not None and start == end:
        raise ValidationError(
            {"quiet_end": "Quiet hours start and end at the same time: choose two different "
                          "times, or no quiet hours."}
        )  # fmt: skip
    return start, end


@transaction.atomic
def preferences_update(
    *, user: User, channels: dict | None = None, quiet_start=KEEP, quiet_end=KEEP,
    digest: str | None = None, digest_hour: int | None = None, confirm_email: bool = False,
) -> NotificationPreferences:  # fmt: skip
    """Save the person's choices; each is checked first, so a refusal changes nothing. What is
    left out keeps its value. `channels` replaces the per-kind choices; quiet hours may wrap
    midnight (22:00 to 07:00), and None for both removes them."""
    row = NotificationPreferences.objects.select_for_update().filter(user=user).first()
    row = row or NotificationPreferences(user=user)
    errors: dict[str, list[str]] = {}
    try:
        cleaned = clean_channels(channels) if channels is not None else row.channels
    except ValidationError as error:
        errors.update(error.message_dict)
    if quiet_start is KEEP and quiet_end is KEEP:
        quiet_start, quiet_end = row.quiet_start, row.quiet_end
    elif quiet_start is KEEP or quiet_end is KEEP:
        quiet_start = row.quiet_start if quiet_start is KEEP else quiet_start
        quiet_end = row.quiet_end if quiet_end is KEEP else quiet_end
    start = end = None
    try:
        start, end = clean_quiet_hours(quiet_start, quiet_end)
    except ValidationError as error:
        errors.update(error.message_dict)
    if digest is not None and digest not in Digest.values:
        errors["digest"] = ["Choose each email as it happens, or a daily digest."]
    if digest_hour is not None and not (isinstance(digest_hour, int) and 0 <= digest_hour <= 23):
        errors["digest_hour"] = ["Give an hour from 0 to 23."]
    if errors:
        raise ValidationError(errors)
    row.channels = cleaned
    row.quiet_start, row.quiet_end = start, end
    if digest is not None:
        row.digest = digest
    if digest_hour is not None:
        row.digest_hour = digest_hour
    if confirm_email:
        row.email_bounced_at, row.email_bounce_reason = None, ""
    row.save()
    return row


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a genuine link, or None (tampered, or a kind that is gone)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("k") not in KINDS
        or not isinstance(data.get("u"), int)
    ):
        return None
    return data["u"], data["k"]


@transaction.atomic
def unsubscribe(user: User, kind: str) -> None:
    """Stop emails of one kind (the in-app notifications stay as they were)."""
    row = NotificationPreferences.objects.select_for_update().filter(user=user).first()
    row = row or NotificationPreferences(user=user)
    chosen = {**row.channels.get(kind, {}), "email": False}
    if chosen["email"] == KINDS[kind].email:
        chosen.pop("email")
    channels = {**row.channels, kind: chosen}
    row.channels = {k: v for k, v in channels.items() if v}
    row.save()


def email_bounced(address: str, reason: str) -> int:
    """An address bounced (reported by the mail provider): stop emailing it until its owner
    confirms it on their preferences page. Returns how many accounts use it."""
    from django.utils import timezone

    users = list(User.objects.filter(email__iexact=address.strip()).values_list("pk", flat=True))
    for user_id in users:
        NotificationPreferences.objects.update_or_create(
            user_id=user_id,
            defaults={"email_bounced_at": timezone.now(), "email_bounce_reason": reason[:300]},
        )
    return len(users)
