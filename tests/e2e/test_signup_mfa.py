"""A newcomer signs up, confirms their email, creates an organisation and turns on two-factor
authentication; then logs out and back in with password plus authenticator code."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from organizations.models import Membership, Organization

from .support import BROWSER_TIMEZONE, BrowserSession, field, wait_for_fresh_totp_window

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "e2e"
FULL_NAME = "Grace Hopper"
EMAIL = "grace@lighthouse.example"
PASSWORD = "anchor-lantern-harbour-42"
ORG_NAME = "Lighthouse Mentoring"


def totp_code(secret: str) -> str:
    """What an authenticator app shows now; never a code about to expire (no tolerance is set)."""
    period = mfa_settings.TOTP_PERIOD
    wait_for_fresh_totp_window(period)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def fill_signup_form(page, *, password2: str = PASSWORD) -> None:
    field(page, "Full name").fill(FULL_NAME)
    field(page, "Email").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(password2)


def test_signup_confirm_create_organisation_enable_totp_and_log_in_again(
    browser_session: BrowserSession,
) -> None:
    s, page = browser_session, browser_session.page

    s.goto("/")
    s.shoot("01-landing")
    page.get_by_role("link", name="Sign up", exact=True).click()
    s.expect_path(r"/accounts/signup/$")
    fill_signup_form(page)
    s.shoot("02-signup-filled")
    page.get_by_role("button", name=re.compile("sign up", re.IGNORECASE)).click()

    s.expect_path(r"/accounts/confirm-email/$")
    s.shoot("03-verification-sent")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [EMAIL]
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", email.body)
    assert match, email.body
    confirm_link = match.group(0)
    assert confirm_link.startswith(s.base_url), confirm_link

    page.goto(confirm_link)
    s.shoot("04-confirm-email")
    page.get_by_role("button", name="Confirm").click()

    # Logged in by the confirmation; with no organisation yet, home offers to create one.
    s.expect_path(r"/home/$")
    s.shoot("05-home-no-organisation")
    user = User.objects.get(email=EMAIL)
    assert user.full_name == FULL_NAME
    assert user.timezone == BROWSER_TIMEZONE
    assert EmailAddress.objects.get(user=user, email=EMAIL).verified

    page.get_by_role("link", name="Create an organisation").click()
    s.expect_path(r"/organizations/new/$")
    field(page, "Organisation name").fill(ORG_NAME)
    s.shoot("06-create-organisation")
    page.get_by_role("button", name="Create organisation").click()

    organization = Organization.objects.get(name=ORG_NAME)
    s.expect_path(rf"/o/{organization.slug}/$")
    assert page.get_by_role("heading", level=1).inner_text() == ORG_NAME
    assert page.get_by_text(f"{ORG_NAME} is ready. You are its owner.").is_visible()
    s.shoot("07-organisation-home")
    assert Membership.all_organizations.get(organization=organization, user=user).role == "owner"

    s.open_account_menu()
    s.shoot("08-account-menu-open")
    page.get_by_role("menuitem", name="Two-factor authentication").click()
    s.expect_path(r"/accounts/2fa/$")
    s.shoot("09-mfa-index")
    page.get_by_role("link", name="Activate").click()

    # Signed in by the confirmation link rather than a password, so before an authenticator is
    # added allauth asks for the password.
    s.expect_path(r"/accounts/reauthenticate/")
    s.shoot("10-reauthenticate")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    s.expect_path(r"/accounts/2fa/totp/activate/$")
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    s.shoot("11-totp-activate")
    field(page, "Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    # Activation also generates recovery codes, shown once.
    s.expect_path(r"/accounts/2fa/recovery-codes/$")
    s.shoot("12-recovery-codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == mfa_settings.RECOVERY_CODE_COUNT

    s.open_account_menu()
    page.get_by_role("menuitem", name="Sign out").click()
    s.expect_path(r"/$")
    s.shoot("13-logged-out")
    assert page.get_by_role("link", name="Sign in").first.is_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    s.expect_path(r"/accounts/login/")
    s.log_in(EMAIL, PASSWORD)

    s.expect_path(r"/accounts/2fa/authenticate/$")
    s.shoot("14-mfa-authenticate")
    # Activation checks a code without spending it, so the same window's code is still accepted.
    field(page, "Code").fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("^(Sign in|Log in)$", re.IGNORECASE)).click()

    # With one organisation, home leads straight into it.
    s.expect_path(rf"/o/{organization.slug}/$")
    s.shoot("15-logged-in-again")
    assert page.get_by_role("heading", level=1).inner_text() == ORG_NAME
    expect(page.get_by_label("Account menu")).to_contain_text(FULL_NAME)
    s.assert_no_console_errors()


def test_signup_with_mismatched_passwords_shows_the_error_and_creates_nobody(
    browser_session: BrowserSession,
) -> None:
    s, page = browser_session, browser_session.page

    s.goto("/accounts/signup/")
    fill_signup_form(page, password2="anchor-lantern-harbour-43")
    page.get_by_role("button", name=re.compile("sign up", re.IGNORECASE)).click()

    s.expect_path(r"/accounts/signup/$")
    page.wait_for_load_state()
    s.shoot("20-signup-mismatched-passwords")
    # The error sits under the field it is about, and assistive technology hears it is invalid.
    repeat = field(page, "Password (again)")
    expect(page.locator(".field--error").filter(has=repeat)).to_contain_text(
        "You must type the same password each time."
    )
    expect(repeat).to_have_attribute("aria-invalid", "true")
    # What was typed, except passwords, is kept so the person only fixes the mistake.
    assert field(page, "Full name").input_value() == FULL_NAME
    assert field(page, "Email").input_value() == EMAIL
    assert not User.objects.filter(email=EMAIL).exists()
    assert mail.outbox == []
    s.assert_no_console_errors()
