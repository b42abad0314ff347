"""The organisation's failed emails: owners and admins see only their organisation's, and try
again; a bounced address waits for its owner to confirm it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications import managers
from notifications.delivery import Draft, dedupe_key, notify
from notifications.models import EmailState, Notification
from notifications.preferences import email_bounced, preferences_update
from organizations.scope import organization_scope
from tests.conftest import logged_in_api_client, logged_in_client

LIST = "nudges:failed_emails"


def _url(world, name: str = LIST, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": world.alpha.slug, **kwargs})


def _notification(organization, user, occurrence: str, title: str, **state) -> Notification:
    draft = Draft(kind="pair_inactive", occurrence=occurrence, user_id=user.pk, title=title)
    notify(organization, [draft])
    with organization_scope(organization):
        rows = Notification.objects.filter(dedupe_key=dedupe_key(organization.pk, draft))
        rows.update(**state)
        return rows.get()


def _failed(world, **overrides) -> Notification:
    state = {
        "email_state": EmailState.FAILED,
        "email_attempts": 5,
        "email_error": "SMTPServerDisconnected: Connection unexpectedly closed",
        **overrides,
    }
    return _notification(world.alpha, world.alpha_member, "failed", "Alpha failed one", **state)


@pytest.fixture
def rows(world):
    """A failed and a bounced email of Alpha, one sent, and a failed one of Bravo."""
    failed = _failed(world)
    bounced = _notification(
        world.alpha, world.alpha_admin, "bounced", "Alpha bounced one",
        email_state=EmailState.BOUNCED,
    )  # fmt: skip
    email_bounced(world.alpha_admin.email, "550 mailbox unavailable")
    _notification(world.alpha, world.alpha_member, "sent", "Alpha sent one",
                  email_state=EmailState.SENT)  # fmt: skip
    _notification(world.bravo, world.bravo_owner, "bravo", "Bravo failed one",
                  email_state=EmailState.FAILED, email_error="Bravo's error")  # fmt: skip
    return failed, bounced


def _state(world, pk: int) -> Notification:
    with organization_scope(world.alpha):
        return Notification.objects.get(pk=pk)


def test_admins_see_only_their_organisations_failed_emails(world, rows):
    response = logged_in_client(world.alpha_admin).get(_url(world))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Alpha failed one" in text and "Alpha bounced one" in text
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in text
    assert "Alpha sent one" not in text and "Bravo" not in text
    assert text.index("Alpha bounced one") < text.index("Alpha failed one")  # newest first
    # The bounced address waits for its owner; the failed one can be tried again.
    assert "must confirm their address" in text
    assert text.count(">Try again</button>") == 1
    settings = logged_in_client(world.alpha_admin).get(
        reverse("organizations:settings", kwargs={"org_slug": world.alpha.slug})
    )
    assert _url(world) in settings.content.decode()


def test_others_are_refused(world, rows):
    failed, _ = rows
    for user, code in (
        (world.alpha_manager, 403),
        (world.alpha_member, 403),
        (world.bravo_owner, 404),
    ):
        client = logged_in_client(user)
        assert client.get(_url(world)).status_code == code
        retry = client.post(_url(world, "nudges:retry_email", notification_id=failed.pk))
        assert retry.status_code == code
        assert logged_in_api_client(user).get(_url(world, "api_failed_emails")).status_code == code
    assert _state(world, failed.pk).email_state == EmailState.FAILED


def test_try_again_resets_the_row_and_sends_it(world, rows, django_capture_on_commit_callbacks):
    failed, _ = rows
    mail.outbox.clear()
    client = logged_in_client(world.alpha_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world, "nudges:retry_email", notification_id=failed.pk))
    assert response.status_code == 302 and response.url == _url(world)
    row = _state(world, failed.pk)
    assert row.email_state == EmailState.SENT and row.email_attempts == 1
    assert row.email_error == ""
    assert [m.to for m in mail.outbox] == [[world.alpha_member.email]]
    assert mail.outbox[0].subject == "Alpha failed one"
    page = client.get(_url(world)).content.decode()
    assert "Sending “Alpha failed one” again" in page
    assert page.count("Alpha failed one") == 1  # in that message only: no longer listed
    # It is no longer failed: a second try is 404, as for any other id.
    again = client.post(_url(world, "nudges:retry_email", notification_id=failed.pk))
    assert again.status_code == 404


def test_the_reset_itself(world, rows, django_capture_on_commit_callbacks):
    failed, _ = rows
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        managers.failed_email_retry(actor=world.alpha_owner_membership, notification=failed)
    row = _state(world, failed.pk)
    assert row.email_state == EmailState.PENDING and row.email_attempts == 0
    assert row.email_due_at <= timezone.now() and row.email_error == ""
    assert len(callbacks) == 1  # the delivery, once committed


def test_a_bounced_address_must_be_confirmed_first(world, rows, django_capture_on_commit_callbacks):
    _, bounced = rows
    mail.outbox.clear()
    client = logged_in_client(world.alpha_owner)
    response = client.post(_url(world, "nudges:retry_email", notification_id=bounced.pk))
    assert response.status_code == 302
    page = client.get(_url(world)).content.decode()
    assert "bounces. They must confirm it on their notification settings page first" in page
    assert _state(world, bounced.pk).email_state == EmailState.BOUNCED
    with pytest.raises(ValidationError):
        managers.failed_email_retry(actor=world.alpha_owner_membership, notification=bounced)
    # Once its owner confirms the address, it can be tried again.
    preferences_update(user=world.alpha_admin, confirm_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(world, "nudges:retry_email", notification_id=bounced.pk))
    assert _state(world, bounced.pk).email_state == EmailState.SENT
    assert [m.to for m in mail.outbox] == [[world.alpha_admin.email]]


def test_an_out_of_date_reminder_is_not_sent_again(world):
    row = _failed(world, expires_at=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError) as refused:
        managers.failed_email_retry(actor=world.alpha_owner_membership, notification=row)
    assert "out of date" in refused.value.messages[0]
    assert "Out of date" in logged_in_client(world.alpha_owner).get(_url(world)).content.decode()


def test_api_lists_this_organisations_failed_emails(world, rows):
    response = logged_in_api_client(world.alpha_admin).get(_url(world, "api_failed_emails"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["title"] for r in results] == ["Alpha bounced one", "Alpha failed one"]
    bounced, failed = results
    assert bounced["waits_for_address"] is True and bounced["email"]["state"] == "bounced"
    assert failed["waits_for_address"] is False
    assert failed["email"] == {
        "state": "failed",
        "status": "Email failed",
        "attempts": 5,
        "error": "SMTPServerDisconnected: Connection unexpectedly closed",
    }
    assert failed["address"] == world.alpha_member.email
