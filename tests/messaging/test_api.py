"""The messaging API: conversations, history with cursors, sending (idempotent by client key),
read receipts, editing, deleting and reporting messages, and who may see what."""

from __future__ import annotations

import pytest

from messaging import services
from messaging.api.serializers import MessageSerializer
from messaging.models import Conversation, Message, MessageReport
from organizations.scope import organization_scope
from programs.services.mentorships import mentorship_end_early
from tests.conftest import logged_in_api_client

ORG = "/api/v1/orgs/alpha/"
CONVERSATIONS = f"{ORG}conversations/"


def conversation_url(conversation, action: str = "") -> str:
    return f"{CONVERSATIONS}{conversation.pk}/" + (f"{action}/" if action else "")


def message_url(message, action: str = "") -> str:
    return f"{ORG}messages/{message.pk}/" + (f"{action}/" if action else "")


def client_of(mw, handle: str):
    return logged_in_api_client(mw.members[handle].user)


def send(mw, handle: str, conversation, body: str) -> Message:
    message, _ = services.message_send(
        membership=mw.members[handle], conversation=conversation, body=body
    )
    return message


def stored(conversation) -> list[Message]:
    with organization_scope(conversation.organization):
        return list(Message.objects.filter(conversation=conversation))


def group_chats(client) -> dict[str, dict]:
    """The caller's conversations by kind (one of each in these tests)."""
    return {entry["kind"]: entry for entry in client.get(CONVERSATIONS).json()["results"]}


# Conversations


def test_the_list_shows_your_conversations_with_unread_counts(chat):
    mw, _, conversation = chat
    client = client_of(mw, "mentee0")
    client.get(CONVERSATIONS)  # the group chats open when first listed
    send(mw, "mentor0", conversation, "Welcome!")
    send(mw, "mentor0", conversation, "When suits you?")
    response = client.get(CONVERSATIONS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    kinds = [entry["kind"] for entry in body["results"]]
    assert kinds[0] == "mentorship"  # the latest activity first
    assert sorted(kinds) == ["announcements", "cohort", "mentorship"]
    private = body["results"][0]
    assert private == {
        "id": conversation.pk,
        "kind": "mentorship",
        "title": mw.mentors["mentor0"].full_name,
        "unread": 2,
        "last_sequence": 2,
        "last_message_at": private["last_message_at"],
        "can_write": True,
        "closed_because": "",
    }
    assert private["last_message_at"] is not None
    announcements = next(e for e in body["results"] if e["kind"] == "announcements")
    assert announcements["can_write"] is False
    assert announcements["closed_because"] == "Only the program managers post announcements."
    # The sender has read their own messages.
    assert group_chats(client_of(mw, "mentor0"))["mentorship"]["unread"] == 0


def test_the_list_is_paginated(chat):
    mw, _, _ = chat
    client = client_of(mw, "mentee0")
    first = client.get(CONVERSATIONS, {"page_size": 2}).json()
    second = client.get(CONVERSATIONS, {"page_size": 2, "page": 2}).json()
    assert (first["count"], len(first["results"]), len(second["results"])) == (3, 2, 1)
    assert first["next"] is not None and second["next"] is None
    ids = {entry["id"] for entry in first["results"] + second["results"]}
    assert len(ids) == 3


def test_one_conversation_answers_as_in_the_list(chat):
    mw, _, conversation = chat
    send(mw, "mentor0", conversation, "Hello")
    client = client_of(mw, "mentee0")
    for entry in client.get(CONVERSATIONS).json()["results"]:
        response = client.get(f"{CONVERSATIONS}{entry['id']}/")
        assert response.status_code == 200
        assert response.json() == entry


def test_an_ended_mentorship_is_readable_but_refuses_new_messages_with_the_reason(chat):
    mw, mentorship, conversation = chat
    send(mw, "mentee0", conversation, "Thanks for everything")
    mentorship_end_early(actor=mw.members["mentor0"], mentorship=mentorship, reason="Done.")
    client = client_of(mw, "mentee0")
    detail = client.get(conversation_url(conversation)).json()
    assert detail["can_write"] is False
    assert "closed to new messages" in detail["closed_because"]
    assert len(client.get(conversation_url(conversation, "messages")).json()["messages"]) == 1
    response = client.post(conversation_url(conversation, "messages"), {"body": "One more"})
    assert response.status_code == 400
    error = response.json()
    assert (error["status"], error["code"]) == (400, "invalid")
    assert error["detail"] == detail["closed_because"]
    assert len(stored(conversation)) == 1


# Sending


def test_sending_answers_201_with_the_message_as_the_socket_sends_it(chat):
    mw, _, conversation = chat
    response = client_of(mw, "mentee0").post(
        conversation_url(conversation, "messages"),
        {"body": "  Hello mentor!  ", "client_key": "tab1-1"},
        format="json",
    )
    assert response.status_code == 201
    (message,) = stored(conversation)
    assert response.json() == services.message_payload(message)
    assert set(response.json()) == set(MessageSerializer().fields)
    assert (message.sequence, message.body, message.client_key) == (1, "Hello mentor!", "tab1-1")
    assert response.json()["sender"] == {
        "id": mw.members["mentee0"].user_id,
        "name": mw.mentees["mentee0"].full_name,
    }


def test_a_resend_with_the_same_client_key_answers_200_and_stores_one_message(chat):
    mw, _, conversation = chat
    client = client_of(mw, "mentee0")
    url = conversation_url(conversation, "messages")
    first = client.post(url, {"body": "Only once", "client_key": "k-42"}, format="json")
    again = client.post(url, {"body": "Only once", "client_key": "k-42"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(stored(conversation)) == 1
    # Another person's client cannot take over that key.
    response = client_of(mw, "mentor0").post(
        url, {"body": "Mine", "client_key": "k-42"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "client_key": ["This client key belongs to another message."]
    }
    assert len(stored(conversation)) == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"body": "   "}, "body", "Write something first."),
        ({}, "body", "Write something first."),
        ({"body": "x" * 5001}, "body", "Keep a message under 5000 characters (5001 now)."),
        ({"body": ["not", "text"]}, "body", "Not a valid string."),
        ({"body": "Hi", "client_key": "has spaces"}, "client_key", "A client key is 1 to 64"),
    ],
)
def test_invalid_messages_answer_400_by_field_and_store_nothing(chat, body, field, message):
    mw, _, conversation = chat
    response = client_of(mw, "mentee0").post(
        conversation_url(conversation, "messages"), body, format="json"
    )
    assert response.status_code == 400
    error = response.json()
    assert (error["code"], error["detail"]) == ("invalid", "Some fields are not valid.")
    assert message in " ".join(error["fields"][field])
    assert stored(conversation) == []


def test_announcements_are_posted_by_the_program_managers_only(chat, world):
    mw, _, _ = chat
    announcements = group_chats(client_of(mw, "mentee1"))["announcements"]
    url = f"{CONVERSATIONS}{announcements['id']}/messages/"
    response = client_of(mw, "mentee1").post(url, {"body": "Hi all"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Only the program managers post announcements."
    response = logged_in_api_client(world.alpha_manager).post(
        url, {"body": "Kick-off on Monday"}, format="json"
    )
    assert response.status_code == 201
    history = client_of(mw, "mentee1").get(url).json()["messages"]
    assert [m["body"] for m in history] == ["Kick-off on Monday"]


# History


def sequences(response) -> tuple[list[int], bool]:
    assert response.status_code == 200, response.json()
    body = response.json()
    return [m["sequence"] for m in body["messages"]], body["has_more"]


def test_history_pages_backwards_from_the_newest_with_before(chat):
    mw, _, conversation = chat
    for number in range(1, 8):
        send(mw, "mentee0", conversation, f"m{number}")
    client = client_of(mw, "mentor0")
    url = conversation_url(conversation, "messages")
    assert sequences(client.get(url)) == ([1, 2, 3, 4, 5, 6, 7], False)
    assert sequences(client.get(url, {"limit": 3})) == ([5, 6, 7], True)
    assert sequences(client.get(url, {"before": 5, "limit": 3})) == ([2, 3, 4], True)
    assert sequences(client.get(url, {"before": 4, "limit": 3})) == ([1, 2, 3], False)
    assert sequences(client.get(url, {"before": 2, "limit": 3})) == ([1], False)
    assert sequences(client.get(url, {"before": 1})) == ([], False)
    first = client.get(url, {"limit": 1}).json()["messages"][0]
    assert first == services.message_payload(stored(conversation)[-1])


def test_history_catches_up_forwards_with_after(chat):
    mw, _, conversation = chat
    for number in range(1, 8):
        send(mw, "mentee0", conversation, f"m{number}")
    client = client_of(mw, "mentor0")
    url = conversation_url(conversation, "messages")
    assert sequences(client.get(url, {"after": 0, "limit": 3})) == ([1, 2, 3], True)
    assert sequences(client.get(url, {"after": 3, "limit": 2})) == ([4, 5], True)
    assert sequences(client.get(url, {"after": 4, "limit": 3})) == ([5, 6, 7], False)
    assert sequences(client.get(url, {"after": 7})) == ([], False)


def test_history_has_the_default_page_of_50(chat):
    mw, _, conversation = chat
    for number in range(1, 53):
        send(mw, "mentee0", conversation, f"m{number}")
    found, more = sequences(
        client_of(mw, "mentor0").get(conversation_url(conversation, "messages"))
    )
    assert (found[0], found[-1], len(found), more) == (3, 52, 50, True)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"before": -1}, "before", "greater than or equal to 0"),
        ({"after": "last"}, "after", "A valid integer is required."),
        ({"limit": 0}, "limit", "greater than or equal to 1"),
        ({"limit": 101}, "limit", "less than or equal to 100"),
        ({"before": 5, "after": 2}, "after", "Give either before or after, not both."),
    ],
)
def test_bad_cursors_answer_400_by_field(chat, query, field, message):
    mw, _, conversation = chat
    response = client_of(mw, "mentee0").get(conversation_url(conversation, "messages"), query)
    assert response.status_code == 400
    assert message in " ".join(response.json()["fields"][field])


# Read receipts


def test_marking_read_moves_forward_only_and_clears_the_unread_count(chat):
    mw, _, conversation = chat
    for text in ("one", "two", "three"):
        send(mw, "mentor0", conversation, text)
    client = client_of(mw, "mentee0")
    url = conversation_url(conversation, "read")
    response = client.post(url, {"sequence": 2}, format="json")
    assert (response.status_code, response.json()) == (200, {"last_read_sequence": 2})
    assert client.get(conversation_url(conversation)).json()["unread"] == 1
    assert client.post(url, {"sequence": 1}, format="json").json() == {"last_read_sequence": 2}
    assert client.post(url, {"sequence": 99}, format="json").json() == {"last_read_sequence": 3}
    assert client.get(conversation_url(conversation)).json()["unread"] == 0


@pytest.mark.parametrize("sequence", ["x", -1, None])
def test_marking_read_needs_a_sequence_number(chat, sequence):
    mw, _, conversation = chat
    response = client_of(mw, "mentee0").post(
        conversation_url(conversation, "read"), {"sequence": sequence}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["sequence"]


# Editing and deleting


def test_editing_your_own_message(chat):
    mw, _, conversation = chat
    message = send(mw, "mentee0", conversation, "Tpyo")
    response = client_of(mw, "mentee0").patch(message_url(message), {"body": "Typo"}, format="json")
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["deleted"]) == ("Typo", False)
    assert response.json()["edited_at"] is not None
    message.refresh_from_db()
    assert message.body == "Typo"
    response = client_of(mw, "mentee0").patch(message_url(message), {"body": " "}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"body": ["Write something first."]}


def test_deleting_your_own_message_keeps_its_place(chat):
    mw, _, conversation = chat
    message = send(mw, "mentee0", conversation, "Oops")
    response = client_of(mw, "mentee0").delete(message_url(message))
    assert response.status_code == 200
    assert response.json() == {
        **response.json(),
        "id": message.pk,
        "sequence": 1,
        "body": "",
        "deleted": True,
    }
    history = client_of(mw, "mentor0").get(conversation_url(conversation, "messages")).json()
    assert [(m["sequence"], m["body"], m["deleted"]) for m in history["messages"]] == [
        (1, "", True)
    ]
    again = client_of(mw, "mentee0").patch(message_url(message), {"body": "Back"}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"] == "This message was deleted."


def test_others_messages_cannot_be_changed(chat):
    mw, _, conversation = chat
    message = send(mw, "mentee0", conversation, "Mine")
    client = client_of(mw, "mentor0")
    for response in (
        client.patch(message_url(message), {"body": "Hijacked"}, format="json"),
        client.delete(message_url(message)),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert response.json()["detail"] == "You can only change your own messages."
    message.refresh_from_db()
    assert (message.body, message.deleted_at) == ("Mine", None)


# Reporting


def test_reporting_a_message_once(chat):
    mw, _, conversation = chat
    message = send(mw, "mentor0", conversation, "Rude")
    client = client_of(mw, "mentee0")
    response = client.post(message_url(message, "report"), {"reason": "Insulting."}, format="json")
    assert response.status_code == 201
    with organization_scope(conversation.organization):
        report = MessageReport.objects.get()
    assert response.json() == {
        "id": report.pk,
        "message": message.pk,
        "reason": "Insulting.",
        "created_at": response.json()["created_at"],
    }
    assert report.reporter_id == mw.members["mentee0"].user_id
    again = client.post(message_url(message, "report"), {"reason": "Again."}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"] == "You have already reported this message."
    blank = client_of(mw, "mentor0").post(message_url(message, "report"), {"reason": " "})
    assert blank.status_code == 400
    assert blank.json()["fields"] == {"reason": ["Say what is wrong with this message."]}
    with organization_scope(conversation.organization):
        assert MessageReport.objects.count() == 1


# Privacy


@pytest.mark.parametrize("who", ["alpha_owner", "alpha_admin", "alpha_manager", "mentee1"])
def test_a_private_conversation_answers_404_to_everyone_outside_it(chat, world, who):
    """The organisation's owner and admin, the program's manager and another participant of
    the cohort: the conversation and its messages do not exist for them."""
    mw, _, conversation = chat
    message = send(mw, "mentee0", conversation, "Just between us")
    user = mw.members[who].user if who == "mentee1" else getattr(world, who)
    client = logged_in_api_client(user)
    responses = [
        client.get(conversation_url(conversation)),
        client.get(conversation_url(conversation, "messages")),
        client.post(conversation_url(conversation, "messages"), {"body": "Hi"}, format="json"),
        client.post(conversation_url(conversation, "read"), {"sequence": 1}, format="json"),
        client.patch(message_url(message), {"body": "Hi"}, format="json"),
        client.delete(message_url(message)),
        client.post(message_url(message, "report"), {"reason": "Curious."}, format="json"),
    ]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "code": "not_found",
            "detail": "Not found.",
            "fields": {},
        }
    listed = {entry["id"] for entry in client.get(CONVERSATIONS).json()["results"]}
    assert conversation.pk not in listed
    assert [m.body for m in stored(conversation)] == ["Just between us"]


def test_the_program_manager_reads_the_cohort_chat_but_not_private_ones(chat, world):
    mw, _, conversation = chat
    send(mw, "mentee0", conversation, "Private")
    chats = group_chats(client_of(mw, "mentee1"))
    with organization_scope(world.alpha):
        cohort_chat = Conversation.objects.get(pk=chats["cohort"]["id"])
    send(mw, "mentee1", cohort_chat, "Hi")
    manager = logged_in_api_client(world.alpha_manager)
    listed = group_chats(manager)
    assert set(listed) == {"cohort", "announcements"}
    history = manager.get(f"{CONVERSATIONS}{listed['cohort']['id']}/messages/").json()
    assert [m["body"] for m in history["messages"]] == ["Hi"]


def test_a_missing_id_answers_404(chat):
    mw, _, _ = chat
    client = client_of(mw, "mentee0")
    assert client.get(f"{CONVERSATIONS}987654321/").status_code == 404
    assert client.delete(f"{ORG}messages/987654321/").status_code == 404


# Query counts


def test_history_reads_in_bounded_queries(chat, django_assert_max_num_queries):
    mw, _, conversation = chat
    client = client_of(mw, "mentor0")
    url = conversation_url(conversation, "messages")
    for number in range(3):
        send(mw, "mentee0" if number % 2 else "mentor0", conversation, f"m{number}")
    # Session, user, organisation, membership, conversation, its organisation, the people of
    # the mentorship, the messages with their senders, their files.
    with django_assert_max_num_queries(9):
        assert len(client.get(url).json()["messages"]) == 3
    for number in range(3, 40):
        send(mw, "mentee0" if number % 2 else "mentor0", conversation, f"m{number}")
    with django_assert_max_num_queries(9):
        assert len(client.get(url).json()["messages"]) == 40


def test_the_conversation_list_reads_in_queries_that_do_not_grow(chat):
    """Neither messages nor conversations cost queries: the mentor's list costs the same with
    one mentorship as with two, with one message as with twenty."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matching import services as matching_services
    from tests.matching.test_requests import ask

    mw, _, conversation = chat
    client = client_of(mw, "mentor0")
    client.get(CONVERSATIONS)  # the group chats open when first listed
    send(mw, "mentee0", conversation, "Hello")
    with CaptureQueriesContext(connection) as one:
        assert client.get(CONVERSATIONS).json()["count"] == 3
    request = ask(mw, "mentee1", "mentor0")
    matching_services.mentorship_request_accept(actor=mw.members["mentor0"], request_id=request.pk)
    client.get(CONVERSATIONS)  # the new mentorship's conversation opens
    for number in range(20):
        send(mw, "mentee0", conversation, f"m{number}")
    with CaptureQueriesContext(connection) as more:
        listed = client.get(CONVERSATIONS).json()
    assert listed["count"] == 4
    assert listed["results"][0]["unread"] == 21
    assert len(more.captured_queries) == len(one.captured_queries)
