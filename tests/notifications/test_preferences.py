"""A person's preferences: per kind and channel, quiet hours, the digest; bad input refused
with the field, nothing changed; unsubscribe links; bounces."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from notifications import preferences
from notifications.models import NotificationPreferences

T = datetime.time


def test_defaults_come_from_each_kind(world):
    choices = preferences.choices_of([world.alpha_member.pk])[world.alpha_member.pk]
    assert choices.wants("meeting_reminder", "email") is True
    assert choices.wants("weekly_digest", "in_app") is False


def test_only_what_differs_from_the_default_is_kept(world):
    preferences.preferences_update(
        user=world.alpha_member,
        channels={"meeting_reminder": {"email": False, "in_app": True}},
        quiet_start=T(22), quiet_end=T(7), digest="daily", digest_hour=7,
    )  # fmt: skip
    row = NotificationPreferences.objects.get(user=world.alpha_member)
    assert row.channels == {"meeting_reminder": {"email": False}}
    choices = preferences.choices_of([world.alpha_member.pk])[world.alpha_member.pk]
    assert not choices.wants("meeting_reminder", "email")
    assert (choices.quiet_start, choices.quiet_end, choices.digest) == (T(22), T(7), "daily")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"channels": {"no_such_kind": {"email": True}}}, "channels", "No such kind"),
        ({"channels": {"meeting_reminder": {"sms": True}}}, "channels", "email and in_app"),
        ({"channels": {"meeting_reminder": {"email": "yes"}}}, "channels", "true or false"),
        ({"quiet_start": T(22), "quiet_end": None}, "quiet_end", "both the start and the end"),
        ({"quiet_start": T(9), "quiet_end": T(9)}, "quiet_end", "same time"),
        ({"digest": "hourly"}, "digest", "daily digest"),
        ({"digest_hour": 24}, "digest_hour", "0 to 23"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_changes(world, changes, field, words):
    preferences.preferences_update(user=world.alpha_member, quiet_start=T(23), quiet_end=T(6))
    with pytest.raises(ValidationError) as refused:
        preferences.preferences_update(user=world.alpha_member, **changes)
    assert words in " ".join(refused.value.message_dict[field])
    row = NotificationPreferences.objects.get(user=world.alpha_member)
    assert (row.quiet_start, row.quiet_end, row.channels, row.digest) == (T(23), T(6), {}, "off")


def test_an_unsubscribe_link_stops_one_kind_of_email(world):
    token = preferences.unsubscribe_token(world.alpha_member.pk, "milestone_due")
    assert preferences.read_unsubscribe_token(token) == (world.alpha_member.pk, "milestone_due")
    assert preferences.read_unsubscribe_token(token[:-2] + "xx") is None
    preferences.unsubscribe(world.alpha_member, "milestone_due")
    choices = preferences.choices_of([world.alpha_member.pk])[world.alpha_member.pk]
    assert not choices.wants("milestone_due", "email")
    assert choices.wants("milestone_due", "in_app") and choices.wants("check_in_due", "email")


def test_a_bounce_stops_email_until_the_address_is_confirmed(world):
    assert preferences.email_bounced(world.alpha_member.email.upper(), "Mailbox full") == 1
    assert preferences.choices_of([world.alpha_member.pk])[world.alpha_member.pk].bounced
    preferences.preferences_update(user=world.alpha_member, confirm_email=True)
    assert not preferences.choices_of([world.alpha_member.pk])[world.alpha_member.pk].bounced


def test_what_an_update_leaves_out_keeps_its_value(world):
    preferences.preferences_update(
        user=world.alpha_member, quiet_start=T(22), quiet_end=T(7), digest="daily"
    )
    preferences.preferences_update(user=world.alpha_member, confirm_email=True)
    preferences.preferences_update(user=world.alpha_member, quiet_end=T(6))
    row = NotificationPreferences.objects.get(user=world.alpha_member)
    assert (row.quiet_start, row.quiet_end, row.digest) == (T(22), T(6), "daily")
    preferences.preferences_update(user=world.alpha_member, quiet_start=None, quiet_end=None)
    row.refresh_from_db()
    assert (row.quiet_start, row.quiet_end) == (None, None)
