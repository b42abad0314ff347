"""Files in chat: allowed types and size only, content checked against the type, stored through
Django's storage, every download access-checked, nothing stored when a send fails."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from messaging import services
from messaging.models import Attachment, Message
from organizations.scope import organization_scope
from tests.conftest import logged_in_api_client, logged_in_client

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def empty_storage(settings):
    """A fresh in-memory storage for each test (changing STORAGES resets default_storage)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def rows(conversation) -> tuple[list[Message], list[Attachment]]:
    with organization_scope(conversation.organization):
        return (
            list(Message.objects.filter(conversation=conversation)),
            list(Attachment.objects.filter(conversation=conversation)),
        )


def stored_files(conversation) -> list[str]:
    folder = f"attachments/{conversation.organization_id}/{conversation.pk}"
    if not default_storage.exists(folder):
        return []
    return default_storage.listdir(folder)[1]


def send_files(mw, handle, conversation, *files, body=""):
    message, _ = services.message_send(
        membership=mw.members[handle], conversation=conversation, body=body, files=list(files)
    )
    return message


def download_url(attachment_id: int) -> str:
    return reverse(
        "messaging:attachment", kwargs={"org_slug": "alpha", "attachment_id": attachment_id}
    )


def test_a_file_is_sent_with_a_message_and_its_partner_downloads_it(chat):
    mw, _, conversation = chat
    message = send_files(
        mw, "mentee0", conversation, upload("My CV (final).pdf", PDF), body="My CV, as promised"
    )
    payload = services.message_payload(message)
    [file] = payload["attachments"]
    assert (file["name"], file["content_type"], file["size"]) == (
        "My CV (final).pdf",
        "application/pdf",
        len(PDF),
    )
    assert file["url"] == download_url(file["id"])
    response = logged_in_client(mw.members["mentor0"].user).get(file["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(stored_files(conversation)) == 1


def test_images_open_in_the_browser_and_a_file_alone_needs_no_text(chat):
    mw, _, conversation = chat
    message = send_files(mw, "mentor0", conversation, upload("whiteboard.png", PNG))
    assert message.body == ""
    [file] = services.message_payload(message)["attachments"]
    assert file["is_image"]
    response = logged_in_client(mw.members["mentee0"].user).get(file["url"])
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("run-me.exe", b"MZ\x90\x00", "is not a file type you can send here"),
        ("page.html", b"<script>alert(1)</script>", "is not a file type you can send here"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "is not a PNG image"),
        ("report.pdf", b"not really a pdf", "is not a PDF"),
        ("notes.txt", b"\x00\x01\x02binary", "is not text"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_forbidden_or_disguised_files_are_refused_and_nothing_is_stored(chat, name, content, says):
    mw, _, conversation = chat
    with pytest.raises(ValidationError) as error:
        send_files(mw, "mentee0", conversation, upload("ok.pdf", PDF), upload(name, content))
    assert says in " ".join(error.value.messages)
    assert rows(conversation) == ([], [])
    assert stored_files(conversation) == []


@override_settings(MESSAGE_ATTACHMENT_MAX_BYTES=1024, MESSAGE_ATTACHMENT_MAX_FILES=2)
def test_size_and_count_limits_are_configurable(chat):
    mw, _, conversation = chat
    with pytest.raises(ValidationError, match=r"at most 1\.0"):
        send_files(mw, "mentee0", conversation, upload("big.txt", b"a" * 1025))
    with pytest.raises(ValidationError, match="at most 2 files"):
        send_files(mw, "mentee0", conversation, *[upload(f"{n}.txt", b"hi") for n in range(3)])
    assert rows(conversation) == ([], [])
    send_files(mw, "mentee0", conversation, upload("fits.txt", b"a" * 1024))


@override_settings(MESSAGE_ATTACHMENT_EXTENSIONS=["txt"])
def test_the_allowed_types_are_configurable(chat):
    mw, _, conversation = chat
    with pytest.raises(ValidationError, match="Allowed: txt"):
        send_files(mw, "mentee0", conversation, upload("cv.pdf", PDF))


def test_a_send_that_fails_after_storing_a_file_leaves_no_file_and_no_message(chat):
    mw, _, conversation = chat
    with (
        mock.patch("messaging.services._advance_read_state", side_effect=RuntimeError("db down")),
        pytest.raises(RuntimeError),
    ):
        send_files(mw, "mentee0", conversation, upload("a.pdf", PDF), upload("b.png", PNG))
    assert rows(conversation) == ([], [])
    assert stored_files(conversation) == []


def test_names_are_cleaned_of_folders_and_control_characters(chat):
    mw, _, conversation = chat
    message = send_files(mw, "mentee0", conversation, upload("../../etc/pass\x07wd.txt", b"hi"))
    [file] = services.message_payload(message)["attachments"]
    assert file["name"] == "passwd.txt"
    with organization_scope(conversation.organization):
        stored = Attachment.objects.get().file.name
    assert stored.startswith(f"attachments/{conversation.organization_id}/{conversation.pk}/")
    assert ".." not in stored


def test_only_the_conversations_readers_download(chat, world):
    mw, _, conversation = chat
    message = send_files(mw, "mentee0", conversation, upload("cv.pdf", PDF))
    url = services.message_payload(message)["attachments"][0]["url"]
    # The other mentee of the cohort, the organisation's owner, admin and program manager:
    # none of them is in this private conversation.
    outsiders = [mw.members["mentee1"].user, world.alpha_owner, world.alpha_admin]
    outsiders.append(world.alpha_manager)
    for user in outsiders:
        assert logged_in_client(user).get(url).status_code == 404
    assert logged_in_client(world.bravo_owner).get(url).status_code == 404


def test_deleting_the_message_deletes_its_files(chat, django_capture_on_commit_callbacks):
    mw, _, conversation = chat
    message = send_files(mw, "mentee0", conversation, upload("cv.pdf", PDF), body="CV")
    url = services.message_payload(message)["attachments"][0]["url"]
    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(membership=mw.members["mentee0"], message=message)
    assert services.message_payload(message)["attachments"] == []
    assert logged_in_client(mw.members["mentor0"].user).get(url).status_code == 404
    assert stored_files(conversation) == []
    assert rows(conversation)[1] == []


def test_resending_with_the_same_client_key_stores_the_file_once(chat):
    mw, _, conversation = chat
    for _ in range(2):
        message, _ = services.message_send(
            membership=mw.members["mentee0"],
            conversation=conversation,
            body="",
            client_key="c-file-1",
            files=[upload("cv.pdf", PDF)],
        )
    assert len(services.message_payload(message)["attachments"]) == 1
    assert len(stored_files(conversation)) == 1


# The API and the chat page's upload


def test_the_api_sends_files_as_multipart_and_refuses_bad_ones_by_field(chat):
    mw, _, conversation = chat
    client = logged_in_api_client(mw.members["mentee0"].user)
    url = f"/api/v1/orgs/alpha/conversations/{conversation.pk}/messages/"
    response = client.post(
        url, {"body": "Slides", "files": [upload("deck.pdf", PDF)]}, format="multipart"
    )
    assert response.status_code == 201
    [file] = response.json()["attachments"]
    assert file["name"] == "deck.pdf"
    response = client.post(url, {"files": [upload("deck.exe", b"MZ")]}, format="multipart")
    assert response.status_code == 400
    assert "not a file type you can send here" in response.json()["fields"]["files"][0]
    assert len(rows(conversation)[0]) == 1


def test_api_clients_download_with_a_token_and_outsiders_get_404(chat, world):
    mw, _, conversation = chat
    message = send_files(mw, "mentee0", conversation, upload("cv.pdf", PDF))
    attachment_id = services.message_payload(message)["attachments"][0]["id"]
    url = f"/api/v1/orgs/alpha/attachments/{attachment_id}/"
    _, raw = api_token_create(user=mw.members["mentor0"].user, name="Calendar sync")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert logged_in_api_client(world.alpha_owner).get(url).status_code == 404


def test_the_chat_page_uploads_over_http_and_reads_json(chat):
    mw, _, conversation = chat
    client = logged_in_client(mw.members["mentee0"].user)
    url = reverse(
        "messaging:send", kwargs={"org_slug": "alpha", "conversation_id": conversation.pk}
    )
    response = client.post(
        url,
        {"body": "", "client_key": "c-up-1", "files": [upload("cv.pdf", PDF)]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["attachments"][0]["name"] == "cv.pdf"
    assert response.json()["client_key"] == "c-up-1"
    response = client.post(
        url, {"files": [upload("x.exe", b"MZ")]}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert "not a file type" in response.json()["errors"]["files"][0]
    thread = client.get(
        reverse(
            "messaging:thread", kwargs={"org_slug": "alpha", "conversation_id": conversation.pk}
        )
    ).content.decode()
    assert "cv.pdf" in thread
    assert 'type="file"' in thread
