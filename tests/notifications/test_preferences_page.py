"""The notification settings page: the person's own choices, in every organisation."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from notifications.kinds import KINDS
from notifications.models import NotificationPreferences
from notifications.preferences import choices_of, preferences_update
from tests.conftest import logged_in_client

pytestmark = pytest.mark.django_db

URL = "/account/notifications/"


def _form(user, **changes) -> dict:
    """What the page posts when nothing is changed, with `changes` over it."""
    choices = choices_of([user.pk])[user.pk]
    data: dict = {"digest": choices.digest, "digest_hour": str(choices.digest_hour)}
    for key, kind in KINDS.items():
        if not kind.in_preferences:
            continue
        for channel in ("email", "in_app"):
            if choices.wants(key, channel):
                data[f"{key}__{channel}"] = "on"
    data["quiet_start"] = choices.quiet_start.strftime("%H:%M") if choices.quiet_start else ""
    data["quiet_end"] = choices.quiet_end.strftime("%H:%M") if choices.quiet_end else ""
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_route_is_the_users_own():
    assert reverse("notifications:preferences") == URL


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_shows_every_kind_with_its_effective_choices(world):
    preferences_update(user=world.alpha_member, channels={"meeting_reminder": {"email": False}})
    response = logged_in_client(world.alpha_member).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for kind in KINDS.values():
        if kind.in_preferences and not kind.for_managers:
            assert escape(kind.label) in body
            assert escape(kind.description) in body
    form = response.context["form"]
    assert form["meeting_reminder__email"].value() is False
    assert form["meeting_reminder__in_app"].value() is True
    assert form["weekly_digest__in_app"].value() is False  # its default: email only
    assert "Email: Meeting reminders" in body  # each checkbox is named for screen readers
    # A member manages nothing: the managers' kinds are not theirs.
    assert "Pairs out of contact" not in body
    # Never chosen in the preferences (an invitee's kind).
    assert "Invitation reminders" not in body


@pytest.mark.parametrize("person", ["alpha_owner", "alpha_admin", "alpha_manager"])
def test_managers_see_the_managers_kinds(world, person):
    body = logged_in_client(getattr(world, person)).get(URL).content.decode()
    assert "Pairs out of contact" in body
    assert "Weekly pairs needing attention" in body


def test_saving_turns_off_email_for_meeting_reminders_and_sets_quiet_hours(world):
    user = world.alpha_member
    client = logged_in_client(user)
    data = _form(user, meeting_reminder__email=None, quiet_start="22:00", quiet_end="07:00",
                 digest="daily", digest_hour="18")  # fmt: skip
    response = client.post(URL, data, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Your notification settings are saved." in response.content.decode()
    choices = choices_of([user.pk])[user.pk]
    assert choices.wants("meeting_reminder", "email") is False
    assert choices.wants("meeting_reminder", "in_app") is True
    assert choices.wants("mentorship_started", "email") is True
    # Wrapping midnight is accepted.
    assert (choices.quiet_start, choices.quiet_end) == (datetime.time(22), datetime.time(7))
    assert (choices.digest, choices.digest_hour) == ("daily", 18)
    # Only what differs from the defaults is stored.
    row = NotificationPreferences.objects.get(user=user)
    assert row.channels == {"meeting_reminder": {"email": False}}
    form = client.get(URL).context["form"]
    assert form["quiet_start"].value() == datetime.time(22)
    assert 'value="22:00"' in client.get(URL).content.decode()


def test_saving_keeps_the_choices_of_kinds_the_page_does_not_show(world):
    user = world.alpha_member
    preferences_update(user=user, channels={"pair_escalation": {"email": False}})
    logged_in_client(user).post(URL, _form(user, check_in_due__email=None))
    row = NotificationPreferences.objects.get(user=user)
    assert row.channels == {"pair_escalation": {"email": False}, "check_in_due": {"email": False}}


def test_clearing_quiet_hours(world):
    user = world.alpha_member
    preferences_update(user=user, quiet_start=datetime.time(22), quiet_end=datetime.time(7))
    logged_in_client(user).post(URL, _form(user, quiet_start="", quiet_end=""))
    row = NotificationPreferences.objects.get(user=user)
    assert (row.quiet_start, row.quiet_end) == (None, None)


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("09:00", "09:00", "quiet_end", "start and end at the same time"),
        ("22:00", "", "quiet_end", "Give both the start and the end"),
        ("", "07:00", "quiet_start", "Give both the start and the end"),
        ("25:00", "07:00", "quiet_start", "Enter a valid time."),
    ],
)
def test_quiet_hours_errors_are_shown_and_nothing_is_lost(world, start, end, field, message):
    user = world.alpha_member
    client = logged_in_client(user)
    response = client.post(
        URL, _form(user, quiet_start=start, quiet_end=end, meeting_reminder__email=None)
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    body = response.content.decode()
    assert message in body
    assert 'class="field field--error"' in body
    assert "Nothing is saved yet" in body
    # What was typed stays: the unticked box is still unticked.
    assert form["meeting_reminder__email"].value() is False
    assert not NotificationPreferences.objects.filter(user=user).exists()


def test_an_unknown_digest_hour_is_refused(world):
    user = world.alpha_member
    response = logged_in_client(user).post(URL, _form(user, digest_hour="24"))
    assert response.status_code == 400
    assert "digest_hour" in response.context["form"].errors


def test_time_zone_is_named_in_the_help(world):
    user = world.alpha_member
    user.timezone = "Europe/Berlin"
    user.save()
    body = logged_in_client(user).get(URL).content.decode()
    assert "Times are in your time zone, <strong>Europe/Berlin</strong>" in body
    assert "22:00 until 07:00" in body
    user.timezone = "America/Sao_Paulo"
    user.save()
    assert "<strong>America/Sao Paulo</strong>" in logged_in_client(user).get(URL).content.decode()
    assert "We do not know your time zone" not in body


@pytest.mark.parametrize("zone", ["", "Mars/Olympus_Mons"])
def test_unknown_time_zone_is_explained(world, zone):
    user = world.alpha_member
    type(user).objects.filter(pk=user.pk).update(timezone=zone)
    body = logged_in_client(user).get(URL).content.decode()
    assert "We do not know your time zone, so these times are in UTC." in body
    assert reverse("accounts:settings") in body


def test_bounce_alert_and_confirming_the_address(world):
    user = world.alpha_member
    NotificationPreferences.objects.create(
        user=user,
        quiet_start=datetime.time(22),
        quiet_end=datetime.time(7),
        email_bounced_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 0)),
        email_bounce_reason="mailbox full",
    )
    client = logged_in_client(user)
    body = client.get(URL).content.decode()
    assert (
        f"Emails to {user.email} bounced on 4 March 2026 (mailbox full).</strong> We stopped "
        "emailing you. Check the address in your"
    ) in body
    assert "My address works again" in body

    response = client.post(URL, {"confirm_email": "1"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert f"We email {user.email} again." in response.content.decode()
    row = NotificationPreferences.objects.get(user=user)
    assert row.email_bounced_at is None and row.email_bounce_reason == ""
    # Confirming the address changes nothing else.
    assert (row.quiet_start, row.quiet_end) == (datetime.time(22), datetime.time(7))
    assert "My address works again" not in response.content.decode()


def test_no_bounce_alert_by_default(world):
    body = logged_in_client(world.alpha_member).get(URL).content.decode()
    assert "bounced" not in body


def test_page_is_linked_from_the_account_menu_and_the_centre(world):
    client = logged_in_client(world.alpha_member)
    for path in (
        reverse("overview", args=["alpha"]),
        reverse("notifications:centre", args=["alpha"]),
    ):
        assert f'href="{URL}"' in client.get(path).content.decode()


def test_page_query_count_is_small(world, django_assert_max_num_queries):
    client = logged_in_client(world.alpha_owner)
    client.get(URL)
    with django_assert_max_num_queries(8):
        client.get(URL)
