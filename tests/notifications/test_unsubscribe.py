"""The unsubscribe link each email carries: a confirmation page, the button, and the RFC 8058
one-click POST that mail providers send."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from notifications.preferences import choices_of, preferences_update, unsubscribe_token
from tests.conftest import logged_in_client

pytestmark = pytest.mark.django_db


def _url(user, kind: str = "meeting_reminder") -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user.pk, kind)])


def _wants_email(user, kind: str = "meeting_reminder") -> bool:
    return choices_of([user.pk])[user.pk].wants(kind, "email")


def test_get_asks_first_and_changes_nothing(world):
    # Mail scanners open links: a GET must never unsubscribe.
    response = Client().get(_url(world.alpha_member))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stop emails about meeting reminders?" in body
    assert "Stop these emails" in body
    assert _wants_email(world.alpha_member)


def test_post_from_the_page_unsubscribes_without_signing_in(world):
    client = Client(enforce_csrf_checks=True)
    url = _url(world.alpha_member)
    client.get(url)
    response = client.post(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Done: no more emails about meeting reminders. You can turn them back on in your "
        f'<a href="{reverse("notifications:preferences")}">notification settings</a>.'
    ) in body
    assert not _wants_email(world.alpha_member)
    # Only that kind, and only email.
    assert _wants_email(world.alpha_member, "milestone_due")
    assert choices_of([world.alpha_member.pk])[world.alpha_member.pk].wants(
        "meeting_reminder", "in_app"
    )


def test_one_click_post_from_a_mail_provider(world):
    """RFC 8058: a POST with the body List-Unsubscribe=One-Click, no cookies, no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _url(world.alpha_member, "check_in_due"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not _wants_email(world.alpha_member, "check_in_due")
    # Twice is the same as once.
    assert client.post(_url(world.alpha_member, "check_in_due")).status_code == 200
    assert not _wants_email(world.alpha_member, "check_in_due")


def test_signed_in_as_someone_else_the_token_still_decides(world):
    client = logged_in_client(world.alpha_owner)
    client.post(_url(world.alpha_member))
    assert not _wants_email(world.alpha_member)
    assert _wants_email(world.alpha_owner)


def test_keeps_the_other_choices(world):
    preferences_update(user=world.alpha_member, channels={"milestone_due": {"in_app": False}})
    Client().post(_url(world.alpha_member))
    row = world.alpha_member.notification_preferences
    row.refresh_from_db()
    assert row.channels == {
        "milestone_due": {"in_app": False},
        "meeting_reminder": {"email": False},
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_a_clear_404(world, method):
    token = unsubscribe_token(world.alpha_member.pk, "meeting_reminder")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    url = reverse("notifications:unsubscribe", args=[tampered])
    response = getattr(Client(), method)(url)
    assert response.status_code == 404
    assert "This unsubscribe link does not work" in response.content.decode()
    assert _wants_email(world.alpha_member)


def test_token_of_another_purpose_or_a_gone_user_is_404(world):
    from django.core import signing

    forged = signing.dumps({"u": world.alpha_member.pk, "k": "meeting_reminder"}, salt="other")
    assert Client().get(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
    unknown_kind = signing.dumps(
        {"u": world.alpha_member.pk, "k": "nope"}, salt="notifications.unsubscribe"
    )
    assert (
        Client().get(reverse("notifications:unsubscribe", args=[unknown_kind])).status_code == 404
    )
    gone = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(987654, "meeting_reminder")]
    )
    assert Client().post(gone).status_code == 404


def test_other_methods_are_refused(world):
    assert Client().put(_url(world.alpha_member)).status_code == 405
    assert _wants_email(world.alpha_member)


def test_emails_carry_the_link_that_this_page_serves(world):
    """The delivery's List-Unsubscribe header points at this route."""
    from notifications.delivery import _Templates

    url = _Templates().unsubscribe_url(world.alpha_member.pk, "meeting_reminder")
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + path).status_code == 200


def test_link_checkers_head_requests_change_nothing(world):
    assert Client().head(_url(world.alpha_member)).status_code == 200
    assert _wants_email(world.alpha_member)
