"""Every page a program admin meets renders in a real browser: right status, the heading a person
expects, no console errors, labelled controls, no sideways scrolling. Screenshots of each page land
in test-artifacts/pages/ for a human to look at."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations import services
from organizations.invitation_links import invitation_accept_path
from organizations.models import Invitation, Membership, Organization, Role

from .support import BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "pages"
OWNER_EMAIL = "owner@demo.mentorship.test"
INVITEE_EMAIL = "newcomer@example.com"
SECOND_ORGANISATION = "Second Chance Trust"
INVITING_ORGANISATION = "Northwind Mentoring Guild"
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    heading: str
    status: int = 200
    shows: tuple[str, ...] = ()


SIGNED_IN_PAGES = [
    Page(
        "landing-signed-in",
        "/",
        "Mentorship programs that match the right people and keep them talking.",
        shows=("Go to your organisations",),
    ),
    Page(
        "home",
        "/home/",
        "Your organisations",
        shows=(
            "Demo Corp",
            SECOND_ORGANISATION,
            "Invitations waiting for you",
            INVITING_ORGANISATION,
        ),
    ),
    Page("organisation-home", "/o/demo/", "Demo Corp", shows=("Your role here: owner.",)),
    Page(
        "members",
        "/o/demo/members/",
        "Members",
        shows=("Olivia Owner", "Priya Manager", INVITEE_EMAIL, "What the roles mean"),
    ),
    Page("organisation-settings", "/o/demo/settings/", "Organisation settings"),
    Page("account-settings", "/account/", "Account settings", shows=("Personal API tokens",)),
    Page("two-factor", "/accounts/2fa/", "Two-Factor Authentication", shows=("Authenticator App",)),
    Page("email-addresses", "/accounts/email/", "Email Addresses", shows=(OWNER_EMAIL,)),
    Page("change-password", "/accounts/password/change/", "Change Password"),
    Page("organisation-new", "/organizations/new/", "Create an organisation"),
    Page("not-found", "/o/no-such-organisation/", "We can't find that page", status=404),
]

SIGNED_OUT_PAGES = [
    Page(
        "landing",
        "/",
        "Mentorship programs that match the right people and keep them talking.",
        shows=("Create a free account",),
    ),
    Page("login", "/accounts/login/", "Sign In"),
    Page("signup", "/accounts/signup/", "Sign Up"),
    Page("password-reset", "/accounts/password/reset/", "Password Reset"),
]


@pytest.fixture
def demo_owner(transactional_db) -> User:
    """The seeded demo organisation, with an open invitation, and its owner in a second one."""
    call_command("seed_demo", quiet=True)
    owner = User.objects.get(email=OWNER_EMAIL)
    demo = Organization.objects.get(slug="demo")
    membership = Membership.all_organizations.get(organization=demo, user=owner)
    services.invitation_create(
        actor_membership=membership, email=INVITEE_EMAIL, role=Role.PROGRAM_MANAGER
    )
    services.organization_create(actor=owner, name=SECOND_ORGANISATION)
    # Someone else's organisation has invited the owner: home lists it to accept.
    guild_owner = User.objects.create_user(
        email="guild@example.com", password=DEMO_PASSWORD, full_name="Gil Guild"
    )
    guild = services.organization_create(actor=guild_owner, name=INVITING_ORGANISATION)
    services.invitation_create(
        actor_membership=Membership.all_organizations.get(organization=guild, user=guild_owner),
        email=OWNER_EMAIL,
        role=Role.ADMIN,
    )
    return owner


def look_at(session: BrowserSession, page: Page, shot: str) -> list[str]:
    """Open the page, photograph it and return what is wrong with it (nothing, ideally)."""
    session.console_errors.clear()
    response = session.goto(page.path)
    session.shoot(shot)
    problems = []
    if response is None or response.status != page.status:
        problems.append(f"status {response and response.status}, expected {page.status}")
    headings = session.page.locator("h1").all_inner_texts()
    if [text.strip() for text in headings] != [page.heading]:
        problems.append(f"h1 {headings}, expected [{page.heading!r}]")
    problems += [
        f"does not show {text!r}"
        for text in page.shows
        if not session.page.get_by_role("main").get_by_text(text).first.is_visible()
    ]
    allowed = (f"status of {page.status}",) if page.status >= 400 else ()
    problems += [
        f"console: {error}"
        for error in session.console_errors
        if not any(allow in error for allow in allowed)
    ]
    problems += [p for p in accessibility_problems(session.page) if p not in problems]
    return [f"{page.path}: {problem}" for problem in problems]


def sign_in_as_owner(session: BrowserSession) -> None:
    session.goto("/accounts/login/")
    session.log_in(OWNER_EMAIL, DEMO_PASSWORD)
    session.expect_path(r"/home/$")


def test_pages_a_signed_out_visitor_sees(browser_session: BrowserSession, demo_owner: User) -> None:
    problems = []
    for number, page in enumerate(SIGNED_OUT_PAGES, 1):
        problems += look_at(browser_session, page, f"0{number}-{page.name}")
    assert not problems, "\n".join(problems)


def test_pages_an_owner_sees(browser_session: BrowserSession, demo_owner: User) -> None:
    sign_in_as_owner(browser_session)
    problems = []
    for number, page in enumerate(SIGNED_IN_PAGES, 10):
        problems += look_at(browser_session, page, f"{number}-{page.name}")
    assert not problems, "\n".join(problems)


def test_members_page_on_a_phone(browser_session: BrowserSession, demo_owner: User) -> None:
    s = browser_session
    s.page.set_viewport_size(PHONE)
    sign_in_as_owner(s)
    members = Page("members-phone", "/o/demo/members/", "Members", shows=("Olivia Owner",))
    problems = look_at(s, members, "30-members-phone")
    s.shoot("31-members-phone-first-screen", full_page=False)
    s.open_account_menu()
    s.shoot("32-members-phone-account-menu", full_page=False)
    assert s.page.get_by_role("menuitem", name="Sign out").is_visible()
    assert not problems, "\n".join(problems)


def test_invitation_link_from_signed_out_to_joined(
    browser_session: BrowserSession, demo_owner: User
) -> None:
    """The page behind an invitation email, for the invitee: before, during and after joining."""
    s = browser_session
    demo = Organization.objects.get(slug="demo")
    invitation = Invitation.all_organizations.get(organization=demo, email=INVITEE_EMAIL)
    path = invitation_accept_path(invitation)
    signed_out = Page("join-signed-out", path, "Join Demo Corp", shows=("Sign up or sign in with",))
    problems = look_at(s, signed_out, "40-join-signed-out")

    invitee = User.objects.create_user(
        email=INVITEE_EMAIL, password=DEMO_PASSWORD, full_name="Nia Newcomer"
    )
    EmailAddress.objects.create(user=invitee, email=INVITEE_EMAIL, verified=True, primary=True)
    s.goto("/accounts/login/")
    s.log_in(INVITEE_EMAIL, DEMO_PASSWORD)
    s.expect_path(r"/home/$")
    s.shoot("41-invitee-home")
    s.page.get_by_role("link", name="Review and join").click()
    problems += look_at(
        s, Page("join", path, "Join Demo Corp", shows=("program manager",)), "42-join"
    )
    s.page.get_by_role("button", name="Accept and join").click()
    s.expect_path(r"/o/demo/$")
    s.shoot("43-joined")
    assert s.page.get_by_text("Welcome to Demo Corp!").is_visible()
    used = Page("join-used", path, "Join Demo Corp", status=400, shows=("already been used",))
    problems += look_at(s, used, "44-join-used")
    assert not problems, "\n".join(problems)


def test_role_change_updates_the_row_in_place(
    browser_session: BrowserSession, demo_owner: User
) -> None:
    """HTMX: changing a role swaps that person's row; the page does not reload."""
    s = browser_session
    sign_in_as_owner(s)
    s.goto("/o/demo/members/")
    s.page.evaluate("window.__notReloaded = true")
    select = s.page.get_by_label("Role of Amara Okafor")
    select.select_option("program_manager")
    select.locator("xpath=..").get_by_role("button", name="Change").click()
    s.page.get_by_text("Amara Okafor is now program manager.").wait_for()
    assert s.page.evaluate("window.__notReloaded") is True
    assert s.page.get_by_label("Role of Amara Okafor").input_value() == "program_manager"
    s.shoot("50-members-role-changed")
    s.page.reload()
    assert s.page.get_by_label("Role of Amara Okafor").input_value() == "program_manager"
    s.assert_no_console_errors()
