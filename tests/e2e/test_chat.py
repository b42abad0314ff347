"""Two people chat live in two browsers: a mentor and a mentee exchange messages, see each
other typing and see the read receipt."""

from __future__ import annotations

import re

import pytest

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from messaging.models import Conversation
from messaging.selectors import HISTORY_PAGE
from messaging.services import message_send
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Mentorship

from .support import BROWSER_TIMEZONE, BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "chat"
DOMAIN = "demo.mentorship.test"


def open_session(browser, base_url: str, artifacts, *, phone: bool = False) -> BrowserSession:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(
        viewport=viewport, locale="en-GB", timezone_id=BROWSER_TIMEZONE, base_url=base_url
    )
    context.set_default_timeout(10_000)
    return BrowserSession(context.new_page(), base_url, artifacts)


def test_mentor_and_mentee_chat_live_with_a_read_receipt(
    browser, asgi_live_server, demo_organization
):
    from tests.e2e.conftest import ARTIFACTS

    with organization_scope(demo_organization):
        mentorship = Mentorship.objects.select_related("mentor").order_by("pk").first()
        mentee = mentorship.members.select_related("mentee").get().mentee
        conversation = Conversation.objects.get(mentorship=mentorship)
    # The demo pair has talked before: what this test sends comes after.
    history = conversation.last_sequence
    mentor_email, mentee_email = mentorship.mentor.email, mentee.email
    mentor = open_session(browser, asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR)
    phone = open_session(browser, asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR, phone=True)
    try:
        for session, email in ((mentor, mentor_email), (phone, mentee_email)):
            session.goto("/accounts/login/")
            session.log_in(email, DEMO_PASSWORD)
            session.expect_path(r"/o/demo/$")
            session.goto(f"/o/demo/messages/{conversation.pk}/")
        page_a, page_b = mentor.page, phone.page
        page_a.get_by_role("textbox", name="Message").fill(
            "Hello! Shall we meet on Tuesday?\nhttps://example.com/agenda"
        )
        page_a.keyboard.press("Enter")
        # The mentee's phone shows it live, without a reload; the mentor's own copy is sent.
        page_b.get_by_text("Hello! Shall we meet on Tuesday?").wait_for()
        assert page_b.get_by_role("link", name="https://example.com/agenda").is_visible()
        page_a.get_by_text("Sent", exact=True).wait_for()
        # The mentee reads it while looking: the mentor sees the receipt.
        page_a.get_by_text(f"Seen by {mentee.full_name}").wait_for()
        page_b.get_by_role("textbox", name="Message").press_sequentially("Tuesday works")
        page_a.get_by_text(re.compile(r"is typing…$")).wait_for()
        page_b.get_by_role("button", name="Send").click()
        page_a.get_by_text("Tuesday works").wait_for()
        # The message arrived: the typing line is gone, and the badges show no unread.
        assert page_a.locator("#chat-typing").inner_text() == ""
        assert page_a.locator("[data-unread]:visible").count() == 0
        mentor.shoot("01-mentor-desktop")
        phone.shoot("02-mentee-phone")
        problems = accessibility_problems(page_a) + accessibility_problems(page_b)
        # Nothing was stored twice, in order.
        with organization_scope(demo_organization):
            bodies = list(
                conversation.messages.filter(sequence__gt=history)
                .order_by("sequence")
                .values_list("body", flat=True)
            )
        assert bodies == [
            "Hello! Shall we meet on Tuesday?\nhttps://example.com/agenda",
            "Tuesday works",
        ]
        mentor.assert_no_console_errors()
        phone.assert_no_console_errors()
        assert not problems, "\n".join(problems)
    finally:
        mentor.page.context.close()
        phone.page.context.close()


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_file_an_edit_and_the_unread_count_on_every_page(
    browser, asgi_live_server, demo_organization
):
    """The mentee sends a file; the mentor, on another page, sees the unread count rise live,
    opens the thread and downloads it; the mentee corrects a message from its menu and the
    mentor sees the change."""
    from tests.e2e.conftest import ARTIFACTS

    with organization_scope(demo_organization):
        mentorship = Mentorship.objects.select_related("mentor").order_by("pk").first()
        mentee = mentorship.members.select_related("mentee").get().mentee
        conversation = Conversation.objects.get(mentorship=mentorship)
    mentor = open_session(browser, asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR)
    phone = open_session(browser, asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR, phone=True)
    try:
        for session, email in ((mentor, mentorship.mentor.email), (phone, mentee.email)):
            session.goto("/accounts/login/")
            session.log_in(email, DEMO_PASSWORD)
            session.expect_path(r"/o/demo/$")
        page_a, page_b = mentor.page, phone.page
        badge = page_a.locator("[data-unread-total]")
        before = int(badge.inner_text().strip() or 0)
        phone.goto(f"/o/demo/messages/{conversation.pk}/")
        page_b.wait_for_function("document.querySelector('#chat') !== null")
        page_b.locator("#chat-files").set_input_files(
            files=[{"name": "My CV.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page_b.get_by_text("Attached: My CV.pdf").wait_for()
        page_b.get_by_role("textbox", name="Message").fill("Here is my CV, see you Mondya")
        page_b.get_by_role("button", name="Send").click()
        page_b.get_by_text("Sent", exact=True).wait_for()
        # The mentor is on the overview: the count beside Messages rises without a reload.
        page_a.wait_for_function(
            f"Number(document.querySelector('[data-unread-total]').textContent.trim()) === {before + 1}"
        )
        mentor.shoot("03-unread-count-on-the-overview")

        mentor.goto(f"/o/demo/messages/{conversation.pk}/")
        link = page_a.get_by_role("link", name="My CV.pdf")
        link.wait_for()
        download = page_a.request.get(link.get_attribute("href"))
        assert download.status == 200
        assert download.headers["content-type"] == "application/pdf"
        assert download.body() == PDF
        # The mentee corrects the typo from the message's menu; the mentor sees it live.
        page_b.get_by_label("Actions for this message").last.click()
        box = page_b.locator(".chat__message--mine").last.get_by_role("textbox")
        box.fill("Here is my CV, see you Monday")
        page_b.get_by_role("button", name="Save").last.click()
        page_a.get_by_text("Here is my CV, see you Monday").wait_for()
        assert page_a.get_by_text("edited", exact=True).count() >= 1
        # The mentor's menu on the mentee's message offers a report, not an edit.
        page_a.get_by_label("Actions for this message").last.click()
        page_a.get_by_role("button", name="Report").wait_for()
        assert page_a.get_by_role("button", name="Save").count() == 0
        mentor.shoot("04-file-and-message-menu")
        phone.shoot("05-mentee-phone-after-edit")
        problems = accessibility_problems(page_a) + accessibility_problems(page_b)
        mentor.assert_no_console_errors()
        phone.assert_no_console_errors()
        assert not problems, "\n".join(problems)
    finally:
        mentor.page.context.close()
        phone.page.context.close()


def test_a_message_lost_on_its_way_is_fetched_and_shown_in_its_place(
    browser, asgi_live_server, demo_organization
):
    """The live broadcast of a message can be lost (a Redis restart drops what is published
    meanwhile). The mentor's page notices the gap when a later message arrives and fetches the
    missing one, in its place; a lost last message is fetched when the socket reconnects."""
    import json

    from tests.e2e.conftest import ARTIFACTS

    with organization_scope(demo_organization):
        mentorship = Mentorship.objects.select_related("mentor").order_by("pk").first()
        mentee = mentorship.members.select_related("mentee").get().mentee
        conversation = Conversation.objects.get(mentorship=mentorship)
    lost = {"Lost on its way", "Lost too, and last"}
    sockets = []

    def lossy(route) -> None:
        # Between the mentor's page and the server: broadcasts of the `lost` messages vanish.
        server = route.connect_to_server()
        sockets.append(route)

        def from_server(frame) -> None:
            parsed = json.loads(frame)
            if parsed.get("type") == "message" and parsed["message"]["body"] in lost:
                return
            route.send(frame)

        server.on_message(from_server)

    mentor = open_session(browser, asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR)
    phone = open_session(browser, asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR, phone=True)
    try:
        mentor.page.route_web_socket(re.compile(r"/ws/o/demo/chat/$"), lossy)
        for session, email in ((mentor, mentorship.mentor.email), (phone, mentee.email)):
            session.goto("/accounts/login/")
            session.log_in(email, DEMO_PASSWORD)
            session.expect_path(r"/o/demo/$")
            session.goto(f"/o/demo/messages/{conversation.pk}/")
            session.page.wait_for_function("document.querySelector('#chat') !== null")
        page_a, page_b = mentor.page, phone.page
        box = page_b.get_by_role("textbox", name="Message")
        for body in ("Lost on its way", "Right after it"):
            box.fill(body)
            box.press("Enter")
            page_b.locator(".chat__message--mine", has_text=body).get_by_text(
                "Sent", exact=True
            ).wait_for()
        # The later one arrives live; the lost one is fetched and goes before it.
        page_a.get_by_text("Right after it").wait_for()
        page_a.get_by_text("Lost on its way").wait_for(timeout=8000)
        shown = page_a.locator(".chat__message .chat__body").all_inner_texts()
        assert shown.index("Lost on its way") == shown.index("Right after it") - 1

        # The last message is lost: no later one reveals the gap, so the page learns of it when
        # its socket reconnects.
        box.fill("Lost too, and last")
        box.press("Enter")
        page_b.locator(".chat__message--mine", has_text="Lost too, and last").get_by_text(
            "Sent", exact=True
        ).wait_for()
        page_a.wait_for_timeout(500)
        assert page_a.get_by_text("Lost too, and last").count() == 0
        sockets[-1].close(code=4503, reason="channel layer lost")
        page_a.get_by_text("Lost too, and last").wait_for(timeout=8000)
        shown = page_a.locator(".chat__message .chat__body").all_inner_texts()
        assert shown[-3:] == ["Lost on its way", "Right after it", "Lost too, and last"]
        # Each once: what the sync brought that the page had shown already was not repeated.
        assert [shown.count(body) for body in shown[-3:]] == [1, 1, 1]

        # More were lost than one page of history holds (HISTORY_PAGE): page after page is
        # fetched until the gap is filled.
        bulk = [f"Catching up {n:02d}" for n in range(1, HISTORY_PAGE + 11)]
        lost.update(bulk)
        with organization_scope(demo_organization):
            membership = Membership.objects.get(user__email=mentee.email)
            for body in bulk:
                message_send(membership=membership, conversation=conversation, body=body)
        # Saved (the service returns once they are); what the mentor's page got live was dropped.
        sockets[-1].close(code=4503, reason="channel layer lost")
        page_a.get_by_text(bulk[-1], exact=True).wait_for(timeout=8000)
        shown = page_a.locator(".chat__message .chat__body").all_inner_texts()
        assert shown[-len(bulk) :] == bulk
        mentor.shoot("06-lost-messages-fetched")
        mentor.assert_no_console_errors()
        phone.assert_no_console_errors()
    finally:
        mentor.page.context.close()
        phone.page.context.close()
