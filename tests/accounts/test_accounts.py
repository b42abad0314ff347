import re
import time
from datetime import UTC, datetime
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken, User, hash_api_token
from accounts.services import api_token_create
from tests.conftest import logged_in_client
from tests.factories import PASSWORD, make_user


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_email_is_the_login_and_is_normalised(db):
    user = User.objects.create_user(
        email="Ada@Example.COM", password=PASSWORD, full_name="Ada Lovelace"
    )
    assert user.email == "ada@example.com"
    assert user.get_short_name() == "Ada"
    assert user.initials == "AL"


def test_unknown_timezone_is_rejected(db):
    user = make_user("tz@example.com")
    user.timezone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        user.full_clean()


def test_sign_up_verify_email_then_log_in(db, mailoutbox):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Grace Hopper",
            "email": "grace@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "America/New_York",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="grace@example.com")
    assert (user.full_name, user.timezone) == ("Grace Hopper", "America/New_York")
    assert not EmailAddress.objects.get(user=user).verified
    assert client.get("/home/").status_code == 302  # not in before the address is verified
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    path = link.split("testserver")[-1]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/home/").status_code == 200


def test_invalid_sign_up_shows_field_errors_and_creates_nothing(db):
    response = Client().post(
        "/accounts/signup/",
        {"full_name": "", "email": "bad", "password1": PASSWORD, "password2": "different-password"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert "Enter a valid email address." in body
    assert User.objects.count() == 0


def test_failed_logins_are_rate_limited(db):
    make_user("target@example.com")
    client = Client()
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": "target@example.com", "password": "wrong-password"}
        )
        assert response.status_code == 200
    # Even the right password is refused until the limit expires.
    blocked = client.post("/accounts/login/", {"login": "target@example.com", "password": PASSWORD})
    assert "Too many failed login attempts" in blocked.content.decode()
    assert client.get("/home/").status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(db, mailoutbox):
    make_user("known@example.com")
    client = Client()
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "unknown@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_the_session_key_changes_at_login(db):
    """A session id planted before sign-in (session fixation) is worthless after it."""
    make_user("fixed@example.com")
    client = Client()
    session = client.session
    session["planted"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key

    assert _login(client, "fixed@example.com").status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.get("/account/").status_code == 200


def test_mfa_totp_activation_login_replay_and_recovery_codes(db):
    make_user("mfa@example.com")
    client = Client()
    assert _login(client, "mfa@example.com").status_code == 302
    # Changing MFA asks for the password again first.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    user = User.objects.get(email="mfa@example.com")
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    codes_page = client.get("/accounts/2fa/recovery-codes/")
    recovery_codes = codes_page.context["unused_codes"]
    client.post("/accounts/logout/")

    # Password alone is not enough: the second step asks for a code.
    fresh = Client()
    response = _login(fresh, "mfa@example.com")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert fresh.get("/home/").status_code == 302  # still not logged in
    wrong = fresh.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    code = totp_code(secret)
    assert fresh.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert fresh.get("/home/").status_code == 200

    # Replaying the same code is refused.
    replay = Client()
    _login(replay, "mfa@example.com")
    assert replay.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert replay.get("/home/").status_code == 302

    # A recovery code works once.
    recovery = Client()
    _login(recovery, "mfa@example.com")
    assert (
        recovery.post("/accounts/2fa/authenticate/", {"code": recovery_codes[0]}).status_code == 302
    )
    reuse = Client()
    _login(reuse, "mfa@example.com")
    assert reuse.post("/accounts/2fa/authenticate/", {"code": recovery_codes[0]}).status_code == 200


def test_api_token_is_shown_once_and_stored_hashed(db):
    user = make_user("tokens@example.com")
    client = Client()
    _login(client, user.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/account/tokens/", {"name": "BI export"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("mtp_")
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hash_api_token(raw)
    assert raw not in token.key_hash
    page = client.get("/account/").content.decode()
    assert raw not in page
    assert "BI export" in page
    assert client.post("/account/tokens/", {"name": ""}).status_code == 400
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_cannot_be_revoked(db):
    owner = make_user("owner@example.com")
    other = make_user("other@example.com")
    client = Client()
    _login(client, owner.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/account/tokens/", {"name": "mine"})
    token = ApiToken.objects.get(user=owner)
    intruder = Client()
    _login(intruder, other.email)
    intruder.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = intruder.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert "does not exist" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_create_api_token_command_prints_the_token_once(db):
    user = make_user("cli@example.com")
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "CLI@example.com", "--name", "nightly", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert ApiToken.objects.get(user=user, name="nightly").key_hash == hash_api_token(raw)
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody@example.com", stdout=out, stderr=err)


def test_profile_update_and_times_in_the_users_timezone(db):
    user = make_user("tokyo@example.com", timezone="Asia/Tokyo")
    client = logged_in_client(user)
    api_token_create(user=user, name="clock")
    ApiToken.objects.filter(user=user).update(created_at=datetime(2026, 1, 1, 0, 0, tzinfo=UTC))
    assert "1 Jan 2026 09:00" in client.get("/account/").content.decode()
    response = client.post(
        "/account/", {"full_name": "", "timezone": "Nowhere/Land", "locale": "en"}
    )
    assert response.status_code == 400
    response = client.post(
        "/account/", {"full_name": "Kenji", "timezone": "Europe/Paris", "locale": "fr"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.timezone, user.locale) == ("Kenji", "Europe/Paris", "fr")
