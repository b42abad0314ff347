"""The notifications API: a member's notifications, their preferences, the bounce webhook."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from notifications.delivery import Draft, notify
from notifications.models import Notification, NotificationPreferences
from notifications.preferences import choices_of, preferences_update
from tests.conftest import logged_in_api_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/orgs/alpha/notifications/"
READ = "/api/v1/orgs/alpha/notifications/read/"
COUNT = "/api/v1/orgs/alpha/notifications/unread-count/"
PREFS = "/api/v1/me/notification-preferences/"
BOUNCES = "/api/v1/email-bounces/"


def _notify(org, user, *occurrences: str) -> list[int]:
    return notify(
        org,
        [
            Draft(kind="milestone_due", occurrence=o, title=f"Milestone {o}", url="/o/alpha/",
                  user_id=user.pk)
            for o in occurrences
        ],
    )  # fmt: skip


# Notifications ----------------------------------------------------------------------------------


def test_list_is_the_members_own_newest_first_and_paginated(world):
    _notify(world.alpha, world.alpha_member, "a", "b")
    _notify(world.alpha, world.alpha_owner, "owner")
    _notify(world.bravo, world.alpha_member, "bravo")
    response = logged_in_api_client(world.alpha_member).get(LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [row["title"] for row in data["results"]] == ["Milestone b", "Milestone a"]
    row = data["results"][0]
    assert set(row) == {"id", "kind", "kind_label", "title", "body", "url", "created_at",
                        "read_at", "unread"}  # fmt: skip
    assert row["kind_label"] == "Milestones due and overdue"
    assert row["unread"] is True and row["read_at"] is None


def test_unread_filter(world):
    ids = _notify(world.alpha, world.alpha_member, "a", "b", "c")
    Notification.all_organizations.filter(pk=ids[0]).update(
        read_at=datetime.datetime.now(datetime.UTC)
    )
    client = logged_in_api_client(world.alpha_member)
    assert client.get(LIST, {"unread": "true"}).json()["count"] == 2
    assert client.get(LIST, {"unread": "false"}).json()["count"] == 3
    response = client.get(LIST, {"unread": "maybe"})
    assert response.status_code == 400
    assert "unread" in response.json()["fields"]


def test_list_query_count_is_constant(world):
    client = logged_in_api_client(world.alpha_member)
    _notify(world.alpha, world.alpha_member, "one")
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    _notify(world.alpha, world.alpha_member, *[f"n{i}" for i in range(30)])
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)


def test_mark_some_read_ignores_others_ids(world):
    mine = _notify(world.alpha, world.alpha_member, "a", "b", "c")
    owners = _notify(world.alpha, world.alpha_owner, "o")
    client = logged_in_api_client(world.alpha_member)
    response = client.post(READ, {"ids": [mine[0], mine[1], owners[0], 987654]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert client.get(COUNT).json() == {"unread": 1}
    assert Notification.all_organizations.get(pk=owners[0]).read_at is None
    # Again: they are read already.
    assert client.post(READ, {"ids": [mine[0]]}, format="json").json() == {"marked": 0}


def test_mark_all_read(world):
    _notify(world.alpha, world.alpha_member, "a", "b")
    _notify(world.bravo, world.alpha_member, "elsewhere")
    client = logged_in_api_client(world.alpha_member)
    assert client.post(READ, {"all": True}, format="json").json() == {"marked": 2}
    assert client.get(COUNT).json() == {"unread": 0}
    assert Notification.all_organizations.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"all": False}, {"ids": []}, {"ids": [1], "all": True}, {"ids": ["x"]}, {"ids": 3}],
)
def test_mark_read_needs_ids_or_all(world, body):
    response = logged_in_api_client(world.alpha_member).post(READ, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_unread_count(world):
    _notify(world.alpha, world.alpha_member, "a", "b")
    hidden = _notify(world.alpha, world.alpha_member, "c")
    Notification.all_organizations.filter(pk=hidden[0]).update(in_app=False)
    assert logged_in_api_client(world.alpha_member).get(COUNT).json() == {"unread": 2}


def test_non_members_get_404_and_anonymous_401(world):
    _notify(world.alpha, world.alpha_member, "a")
    bravo = logged_in_api_client(world.bravo_owner)
    for url in (LIST, COUNT):
        assert bravo.get(url).status_code == 404
    assert bravo.post(READ, {"all": True}, format="json").status_code == 404
    assert Notification.all_organizations.filter(read_at__isnull=False).count() == 0
    assert APIClient().get(LIST).status_code in (401, 403)


# Preferences ------------------------------------------------------------------------------------


def test_preferences_default_values(world):
    world.alpha_member.timezone = "Europe/Berlin"
    world.alpha_member.save()
    data = logged_in_api_client(world.alpha_member).get(PREFS).json()
    assert data["channels"]["meeting_reminder"] == {"email": True, "in_app": True}
    assert data["channels"]["weekly_digest"] == {"email": True, "in_app": False}
    assert "invitation_reminder" not in data["channels"]
    assert data["quiet_start"] is None and data["quiet_end"] is None
    assert data["digest"] == "off" and data["digest_hour"] == 8
    assert data["timezone"] == "Europe/Berlin" and data["timezone_known"] is True
    assert data["email_bounced_at"] is None
    assert "confirm_email" not in data


def test_put_changes_what_it_sends_and_keeps_the_rest(world):
    user = world.alpha_member
    client = logged_in_api_client(user)
    preferences_update(user=user, channels={"check_in_due": {"email": False}},
                       quiet_start=datetime.time(21), quiet_end=datetime.time(6))  # fmt: skip
    response = client.put(
        PREFS,
        {"channels": {"meeting_reminder": {"email": False}}, "digest": "daily", "digest_hour": 7},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["channels"]["meeting_reminder"] == {"email": False, "in_app": True}
    assert data["channels"]["check_in_due"] == {"email": False, "in_app": True}
    assert (data["quiet_start"], data["quiet_end"]) == ("21:00", "06:00")
    assert (data["digest"], data["digest_hour"]) == ("daily", 7)


def test_put_quiet_hours_wrapping_midnight(world):
    client = logged_in_api_client(world.alpha_member)
    response = client.put(PREFS, {"quiet_start": "22:00", "quiet_end": "07:00"}, format="json")
    assert response.status_code == 200
    assert (response.json()["quiet_start"], response.json()["quiet_end"]) == ("22:00", "07:00")
    response = client.put(PREFS, {"quiet_start": None, "quiet_end": None}, format="json")
    assert (response.json()["quiet_start"], response.json()["quiet_end"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channels": {"carrier_pigeon": {"email": True}}}, "channels"),
        ({"channels": {"meeting_reminder": {"sms": True}}}, "channels"),
        ({"channels": {"meeting_reminder": {"email": "yes"}}}, "channels"),
        ({"channels": ["meeting_reminder"]}, "channels"),
        ({"quiet_start": "09:00", "quiet_end": "09:00"}, "quiet_end"),
        ({"quiet_start": "22:00"}, "quiet_end"),
        ({"quiet_start": "9pm", "quiet_end": "07:00"}, "quiet_start"),
        ({"digest": "hourly"}, "digest"),
        ({"digest_hour": 24}, "digest_hour"),
    ],
)
def test_put_refusals_are_400_with_the_field(world, body, field):
    client = logged_in_api_client(world.alpha_member)
    response = client.put(PREFS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert not NotificationPreferences.objects.filter(user=world.alpha_member).exists()


def test_unknown_kind_message_names_it(world):
    response = logged_in_api_client(world.alpha_member).put(
        PREFS, {"channels": {"carrier_pigeon": {"email": True}}}, format="json"
    )
    assert "carrier_pigeon" in response.json()["fields"]["channels"][0]


@pytest.mark.parametrize("zone", ["", "Nowhere/Special"])
def test_unknown_time_zone(world, zone):
    type(world.alpha_member).objects.filter(pk=world.alpha_member.pk).update(timezone=zone)
    data = logged_in_api_client(world.alpha_member).get(PREFS).json()
    assert data["timezone_known"] is False


def test_read_only_fields_are_ignored_and_confirm_email_clears_the_bounce(world):
    user = world.alpha_member
    NotificationPreferences.objects.create(
        user=user, email_bounced_at=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
        email_bounce_reason="no such mailbox",
    )  # fmt: skip
    client = logged_in_api_client(user)
    data = client.get(PREFS).json()
    assert data["email_bounced_at"].startswith("2026-01-02")
    assert data["email_bounce_reason"] == "no such mailbox"
    response = client.put(
        PREFS, {"timezone": "Asia/Tokyo", "email_bounced_at": None}, format="json"
    )
    assert response.json()["email_bounced_at"] is not None
    assert response.json()["timezone"] == "UTC"
    response = client.put(PREFS, {"confirm_email": True}, format="json")
    assert response.json()["email_bounced_at"] is None
    assert choices_of([user.pk])[user.pk].bounced is False


def test_preferences_need_sign_in(world):
    assert APIClient().get(PREFS).status_code in (401, 403)


# The bounce webhook -----------------------------------------------------------------------------


@pytest.fixture
def webhook_token(settings) -> str:
    settings.EMAIL_WEBHOOK_TOKEN = "s3cret-webhook-token"
    return settings.EMAIL_WEBHOOK_TOKEN


def test_webhook_is_off_without_a_token(world, settings):
    settings.EMAIL_WEBHOOK_TOKEN = ""
    response = APIClient().post(
        BOUNCES, {"email": world.alpha_member.email}, format="json", HTTP_X_WEBHOOK_TOKEN=""
    )
    assert response.status_code == 404
    assert not NotificationPreferences.objects.exists()


@pytest.mark.parametrize("token", [None, "", "wrong", "s3cret-webhook-token-and-more"])
def test_webhook_refuses_a_wrong_token(world, webhook_token, token):
    headers = {} if token is None else {"HTTP_X_WEBHOOK_TOKEN": token}
    response = APIClient().post(BOUNCES, {"email": world.alpha_member.email}, format="json",
                                **headers)  # fmt: skip
    assert response.status_code == 403
    assert not NotificationPreferences.objects.exists()


def test_webhook_with_the_right_token_marks_the_address_bounced(world, webhook_token):
    response = APIClient().post(
        BOUNCES,
        {"email": world.alpha_member.email.upper(), "reason": "550 no such user"},
        format="json",
        HTTP_X_WEBHOOK_TOKEN=webhook_token,
    )
    assert response.status_code == 200
    assert response.json() == {"accounts": 1}
    row = NotificationPreferences.objects.get(user=world.alpha_member)
    assert row.email_bounced_at is not None
    assert row.email_bounce_reason == "550 no such user"
    # An address nobody uses.
    response = APIClient().post(BOUNCES, {"email": "nobody@example.com"}, format="json",
                                HTTP_X_WEBHOOK_TOKEN=webhook_token)  # fmt: skip
    assert response.json() == {"accounts": 0}


def test_webhook_validates_the_body(world, webhook_token):
    response = APIClient().post(BOUNCES, {"email": "not an address"}, format="json",
                                HTTP_X_WEBHOOK_TOKEN=webhook_token)  # fmt: skip
    assert response.status_code == 400
    assert "email" in response.json()["fields"]


def test_webhook_ignores_session_and_csrf(world, webhook_token):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.alpha_owner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(BOUNCES, {"email": world.alpha_member.email}, format="json",
                           HTTP_X_WEBHOOK_TOKEN=webhook_token)  # fmt: skip
    assert response.status_code == 200
