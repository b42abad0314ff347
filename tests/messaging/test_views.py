"""The messages page: list and thread, the form's own submission, privacy, bounded queries."""

from __future__ import annotations

from django.urls import reverse

from messaging import services
from messaging.models import Message, MessageReport, ReadState
from organizations.scope import organization_scope
from programs.services.mentorships import mentorship_end_early
from tests.conftest import logged_in_client


def thread_url(conversation) -> str:
    return reverse(
        "messaging:thread", kwargs={"org_slug": "alpha", "conversation_id": conversation.pk}
    )


def test_opening_a_thread_shows_it_escaped_and_reads_it(chat, django_assert_max_num_queries):
    mw, _, conversation = chat
    services.message_send(
        membership=mw.members["mentor0"],
        conversation=conversation,
        body="<script>alert(1)</script>\nsee www.example.org",
    )
    client = logged_in_client(mw.members["mentee0"].user)
    # The list, the thread, its page of messages and the read receipt; not per message.
    with django_assert_max_num_queries(30):  # +1: the bell's unread notifications
        body = client.get(thread_url(conversation)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in body
    assert 'href="http://www.example.org"' in body
    assert 'id="chat-form"' in body
    with organization_scope(conversation.organization):
        assert (
            ReadState.objects.get(
                conversation=conversation, user=mw.members["mentee0"].user
            ).last_read_sequence
            == 1
        )
    inbox = client.get(reverse("messaging:inbox", kwargs={"org_slug": "alpha"})).content.decode()
    assert mw.mentors["mentor0"].full_name in inbox


def test_the_form_sends_without_the_live_connection(chat):
    mw, _, conversation = chat
    client = logged_in_client(mw.members["mentee0"].user)
    send = reverse(
        "messaging:send", kwargs={"org_slug": "alpha", "conversation_id": conversation.pk}
    )
    response = client.post(send, {"body": "Sent by the form", "client_key": "form-1"})
    assert response.status_code == 302
    client.post(send, {"body": "Sent by the form", "client_key": "form-1"})  # a double click
    response = client.post(send, {"body": "   "}, follow=True)
    assert "Write something first." in response.content.decode()
    with organization_scope(conversation.organization):
        assert list(
            Message.objects.filter(conversation=conversation).values_list("body", flat=True)
        ) == ["Sent by the form"]


def test_an_ended_mentorship_shows_why_it_is_closed(chat):
    mw, mentorship, conversation = chat
    mentorship_end_early(actor=mw.members["mentor0"], mentorship=mentorship, reason="Done.")
    body = (
        logged_in_client(mw.members["mentee0"].user).get(thread_url(conversation)).content.decode()
    )
    assert "closed to new messages" in body
    assert 'id="chat-form"' not in body


def test_people_outside_the_pair_do_not_find_it(chat, world):
    _, _, conversation = chat
    for user in (world.alpha_owner, world.alpha_admin, world.alpha_manager):
        assert logged_in_client(user).get(thread_url(conversation)).status_code == 404


def message_action_url(message, action: str) -> str:
    return reverse(
        f"messaging:message_{action}", kwargs={"org_slug": "alpha", "message_id": message.pk}
    )


def test_own_messages_are_changed_and_deleted_from_their_menu(chat):
    mw, _, conversation = chat
    message, _ = services.message_send(
        membership=mw.members["mentee0"], conversation=conversation, body="See you Mondya"
    )
    client = logged_in_client(mw.members["mentee0"].user)
    page = client.get(thread_url(conversation)).content.decode()
    assert message_action_url(message, "edit") in page
    assert message_action_url(message, "report") not in page  # nobody reports themselves
    response = client.post(
        message_action_url(message, "edit"), {"body": "See you Monday"}, follow=True
    )
    assert "Message changed." in response.content.decode()
    response = client.post(message_action_url(message, "delete"), follow=True)
    assert "Message deleted." in response.content.decode()
    message.refresh_from_db()
    assert (message.body, message.is_deleted) == ("", True)
    # Someone else's message: the partner cannot change it, and the answer says why.
    other, _ = services.message_send(
        membership=mw.members["mentor0"], conversation=conversation, body="Hello"
    )
    response = client.post(
        message_action_url(other, "edit"),
        {"body": "Hijacked"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert "only change your own messages" in response.json()["errors"]["__all__"][0]
    other.refresh_from_db()
    assert other.body == "Hello"


def test_a_partners_message_is_reported_from_its_menu(chat, world):
    mw, _, conversation = chat
    message, _ = services.message_send(
        membership=mw.members["mentor0"], conversation=conversation, body="Send me your password"
    )
    client = logged_in_client(mw.members["mentee0"].user)
    page = client.get(thread_url(conversation)).content.decode()
    assert message_action_url(message, "report") in page
    assert message_action_url(message, "edit") not in page
    response = client.post(message_action_url(message, "report"), {"reason": ""}, follow=True)
    assert "Say what is wrong with this message." in response.content.decode()
    response = client.post(
        message_action_url(message, "report"),
        {"reason": "Asks for my password"},
        headers={"accept": "application/json"},
    )
    assert response.json() == {"ok": True}
    with organization_scope(conversation.organization):
        assert MessageReport.objects.get().reason == "Asks for my password"
    # Outside the conversation, the message does not exist.
    outsider = logged_in_client(mw.members["mentee1"].user)
    assert outsider.post(message_action_url(message, "report"), {"reason": "x"}).status_code == 404
