"""Sessions: signing out everywhere, a password change ending the other browsers' sessions, and
asking for the password again before changing email addresses or API tokens."""

from __future__ import annotations

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import ApiToken
from tests.factories import PASSWORD, make_user


def _login(client: Client, email: str, password: str = PASSWORD):
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    return response


def _reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def _confirmed_long_ago(client: Client) -> None:
    """The person last confirmed their password more than the re-authentication timeout ago."""
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - 3600
    session.save()


def test_sign_out_everywhere_ends_every_session_including_this_one(db):
    user = make_user("roaming@example.com")
    laptop, phone = Client(), Client()
    _login(laptop, user.email)
    _login(phone, user.email)
    assert phone.get("/account/").status_code == 200

    response = laptop.post("/account/sign-out-everywhere/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "signed out on every device" in response.content.decode()
    for client in (laptop, phone):
        assert client.get("/account/")["Location"].startswith("/accounts/login/")
    # Signing in again works, and the new session lives on.
    _login(phone, user.email)
    assert phone.get("/account/").status_code == 200
    user.refresh_from_db()
    assert user.session_version == 1


def test_sign_out_everywhere_is_a_post(db):
    user = make_user("get@example.com")
    client = Client()
    _login(client, user.email)
    assert client.get("/account/sign-out-everywhere/").status_code == 405
    assert client.get("/account/").status_code == 200


def test_a_password_change_keeps_this_session_and_ends_the_others(db):
    user = make_user("changer@example.com")
    here, elsewhere = Client(), Client()
    _login(here, user.email)
    _login(elsewhere, user.email)
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-Passw0rd!", "password2": "a-new-Passw0rd!"},
    )
    assert response.status_code == 302
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/")["Location"].startswith("/accounts/login/")


def test_api_tokens_ask_for_the_password_first_then_not_again_for_a_few_minutes(db):
    user = make_user("tokens-later@example.com")
    client = Client()
    _login(client, user.email)

    response = client.post("/account/tokens/", {"name": "BI export"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.filter(user=user).exists()
    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert not ApiToken.objects.filter(user=user).exists()
    # With the password, the request that was asked for goes through as it was sent.
    resumed = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert resumed.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.name == "BI export"
    assert resumed.context["new_token"].startswith("mtp_")
    # Within the next minutes no second prompt.
    again = client.post("/account/tokens/", {"name": "Second"})
    assert again.status_code == 200 and ApiToken.objects.filter(user=user).count() == 2

    _confirmed_long_ago(client)
    revoke = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert revoke["Location"].startswith("/accounts/reauthenticate/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_email_addresses_ask_for_the_password_first(db, mailoutbox):
    user = make_user("moving@example.com")
    client = Client()
    _login(client, user.email)

    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.com"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="new@example.com").exists()
    client.post(response["Location"], {"password": PASSWORD})
    assert EmailAddress.objects.filter(user=user, email="new@example.com").exists()

    _confirmed_long_ago(client)
    response = client.post("/accounts/email/", {"action_add": "", "email": "newer@example.com"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    _reauthenticate(client)
    response = client.post("/accounts/email/", {"action_add": "", "email": "newer@example.com"})
    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/reauthenticate/")
    assert EmailAddress.objects.filter(user=user, email="newer@example.com").exists()
