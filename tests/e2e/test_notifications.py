"""A mentee is told of a meeting: the bell counts it, the centre lists it, opening it reads it.
They then turn off meeting-reminder emails and keep their nights quiet, on a desktop and on a
phone, and open an email's unsubscribe link. With Redis, a notification sent while they look at
a page arrives live: the count rises and a toast shows it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from notifications.delivery import Draft, notify
from notifications.models import Notification
from notifications.preferences import choices_of, email_bounced, unsubscribe_token
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship

from .support import BROWSER_TIMEZONE, BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "notifications"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
REMINDER = "Your meeting with your mentor starts in an hour"


def _demo_mentee(organization: Organization):
    with organization_scope(organization):
        mentorship = Mentorship.objects.order_by("pk").first()
        mentee = mentorship.members.select_related("mentee__user").get().mentee.user
    return mentorship, mentee


def _tell(organization: Organization, mentee, mentorship) -> None:
    """Two older notifications, already read, and a meeting reminder, unread (whatever the
    demo's seeding told the mentee is read too)."""
    meetings = f"/o/{organization.slug}/mentorships/{mentorship.pk}/meetings/"
    notify(
        organization,
        [
            Draft(kind="milestone_due", occurrence="e2e", user_id=mentee.pk,
                  title="A milestone is due on Friday: Draft a development plan",
                  url=f"/o/{organization.slug}/my-programs/"),
            Draft(kind="check_in_due", occurrence="e2e", user_id=mentee.pk,
                  title="Time for your check-in", url=meetings),
        ],
    )  # fmt: skip
    with organization_scope(organization):
        Notification.objects.filter(user=mentee).update(
            read_at=timezone.now(), created_at=timezone.now() - datetime.timedelta(days=2)
        )
    notify(
        organization,
        [
            Draft(kind="meeting_reminder", occurrence="e2e", user_id=mentee.pk, title=REMINDER,
                  body="“First session” at 15:00, by video.", url=meetings),
        ],
    )  # fmt: skip


def _bell(page):
    return page.locator("[data-notification-bell]")


def test_mentee_reads_a_notification_and_chooses_what_reaches_them(
    browser_session: BrowserSession, demo_organization: Organization
) -> None:
    mentorship, mentee = _demo_mentee(demo_organization)
    _tell(demo_organization, mentee, mentorship)
    s, page = browser_session, browser_session.page

    s.goto("/accounts/login/")
    s.log_in(mentee.email, DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    # The bell says one unread, to the eye and to a screen reader.
    assert _bell(page).get_attribute("href") == "/o/demo/notifications/"
    assert page.get_by_role("link", name="Notifications, 1 unread").is_visible()
    s.shoot("01-bell-on-the-overview", full_page=False)

    _bell(page).click()
    s.expect_path(r"/o/demo/notifications/$")
    assert page.get_by_role("heading", name="Notifications", level=1).is_visible()
    unread = page.locator(".notification--unread")
    assert unread.count() == 1 and REMINDER in unread.inner_text()
    assert page.locator(".notification").count() >= 3
    s.shoot("02-centre")
    assert accessibility_problems(page) == []

    page.get_by_role("button", name=f"Unread: {REMINDER}").click()
    s.expect_path(rf"/o/demo/mentorships/{mentorship.pk}/meetings/$")
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
    expect(_bell(page).locator("[data-notification-count]")).to_be_hidden()
    with organization_scope(demo_organization):
        assert not Notification.objects.filter(user=mentee, read_at__isnull=True).exists()

    _bell(page).click()
    assert page.locator(".notification--unread").count() == 0
    assert page.get_by_role("button", name="Mark all as read").count() == 0
    s.shoot("03-centre-all-read")

    # The settings, from the account menu.
    s.open_account_menu()
    page.get_by_role("menuitem", name="Notification settings").click()
    s.expect_path(r"/account/notifications/$")
    email_reminders = page.get_by_label("Email: Meeting reminders")
    assert email_reminders.is_checked()
    assert page.get_by_label("In the app: Meeting reminders").is_checked()
    assert page.get_by_text("Times are in your time zone").is_visible()
    s.shoot("04-preferences")
    assert accessibility_problems(page) == []

    # The same time twice is refused, and nothing ticked is lost.
    email_reminders.uncheck()
    page.get_by_label("From", exact=True).fill("22:00")
    page.get_by_label("Until", exact=True).fill("22:00")
    page.get_by_role("button", name="Save notification settings").click()
    assert page.get_by_text("Quiet hours start and end at the same time").is_visible()
    assert not page.get_by_label("Email: Meeting reminders").is_checked()
    s.shoot("05-preferences-refused")

    page.get_by_label("Until", exact=True).fill("07:00")
    page.get_by_role("button", name="Save notification settings").click()
    assert page.get_by_text("Your notification settings are saved.").is_visible()
    assert not page.get_by_label("Email: Meeting reminders").is_checked()
    assert page.get_by_label("From", exact=True).input_value() == "22:00"
    assert page.get_by_label("Until", exact=True).input_value() == "07:00"
    choices = choices_of([mentee.pk])[mentee.pk]
    assert not choices.wants("meeting_reminder", "email")
    assert choices.wants("meeting_reminder", "in_app")
    assert (choices.quiet_start.hour, choices.quiet_end.hour) == (22, 7)
    s.shoot("06-preferences-saved")

    # The mail provider reports the address bounced: the page says so, and the person confirms
    # it works again.
    email_bounced(mentee.email, "550 mailbox unavailable")
    page.reload()
    alert = page.get_by_role("alert").filter(has_text="bounced")
    assert alert.get_by_text(f"Emails to {mentee.email} bounced on").is_visible()
    assert alert.get_by_text("(550 mailbox unavailable)").is_visible()
    s.shoot("06b-preferences-bounced", full_page=False)
    alert.get_by_role("button", name="My address works again").click()
    assert page.get_by_text(f"Thank you. We email {mentee.email} again.").is_visible()
    assert not choices_of([mentee.pk])[mentee.pk].bounced
    assert choices_of([mentee.pk])[mentee.pk].quiet_start.hour == 22  # nothing else changed

    page.set_viewport_size(PHONE)
    s.shoot("07-preferences-on-a-phone")
    assert accessibility_problems(page) == []  # includes: nothing scrolls sideways
    s.goto("/o/demo/notifications/")
    s.shoot("08-centre-on-a-phone")
    assert accessibility_problems(page) == []
    page.set_viewport_size(DESKTOP)

    # An email's unsubscribe link: it asks first, then stops that kind only.
    s.goto(f"/notifications/unsubscribe/{unsubscribe_token(mentee.pk, 'milestone_due')}/")
    assert page.get_by_role("heading", name="Stop emails about milestones due and overdue?")
    s.shoot("09-unsubscribe")
    assert accessibility_problems(page) == []
    page.get_by_role("button", name="Stop these emails").click()
    assert page.get_by_text("Done: no more emails about milestones due and overdue.").is_visible()
    s.shoot("10-unsubscribed")
    assert not choices_of([mentee.pk])[mentee.pk].wants("milestone_due", "email")
    s.goto("/notifications/unsubscribe/not-a-real-token/")
    assert page.get_by_role("heading", name="This unsubscribe link does not work").is_visible()
    s.shoot("11-unsubscribe-bad-link")
    s.assert_no_console_errors(allowed=("/account/notifications/", "/not-a-real-token/"))


def test_a_notification_arrives_live_with_a_toast(
    browser, asgi_live_server, demo_organization: Organization, redis_url: str
) -> None:
    """Through the real ASGI server: notify() in this process reaches the browser's socket
    through Redis (the in-memory channel layer does not cross processes)."""
    from tests.e2e.conftest import ARTIFACTS

    mentorship, mentee = _demo_mentee(demo_organization)
    with organization_scope(demo_organization):
        Notification.objects.filter(user=mentee).update(read_at=timezone.now())
    context = browser.new_context(
        viewport=DESKTOP, locale="en-GB", timezone_id=BROWSER_TIMEZONE, base_url=asgi_live_server
    )
    context.set_default_timeout(10_000)
    s = BrowserSession(context.new_page(), asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR)
    page = s.page
    try:
        s.goto("/accounts/login/")
        s.log_in(mentee.email, DEMO_PASSWORD)
        s.expect_path(r"/o/demo/$")
        expect(_bell(page).locator("[data-notification-count]")).to_be_hidden()
        # The bell's script marks it once the server said hello on its socket.
        page.locator('[data-notification-bell][data-live="connected"]').wait_for(state="attached")

        title = "Your mentor proposed a meeting"
        meetings = f"/o/demo/mentorships/{mentorship.pk}/meetings/"
        notify(demo_organization, [Draft(kind="meeting_reminder", occurrence="live",
                                         user_id=mentee.pk, title=title, url=meetings)])  # fmt: skip
        toast = page.locator(".toast")
        toast.wait_for()
        assert page.get_by_role("status").filter(has_text=title).is_visible()
        assert page.get_by_role("link", name="Notifications, 1 unread").is_visible()
        s.shoot("12-live-toast", full_page=False)
        assert accessibility_problems(page) == []

        toast.get_by_role("button", name=title).click()
        s.expect_path(rf"{re.escape(meetings)}$")
        expect(_bell(page).locator("[data-notification-count]")).to_be_hidden()

        # Dismissing a toast removes it.
        page.locator('[data-notification-bell][data-live="connected"]').wait_for(state="attached")
        notify(demo_organization, [Draft(kind="manual_nudge", occurrence="live-2",
                                         user_id=mentee.pk, title="A note from your manager")])  # fmt: skip
        page.locator(".toast").wait_for()
        page.get_by_role("button", name="Dismiss").click()
        assert page.locator(".toast").count() == 0
        assert page.get_by_role("link", name="Notifications, 1 unread").is_visible()
        s.assert_no_console_errors()
    finally:
        context.close()
