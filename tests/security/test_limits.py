"""Every limit of the platform answers with a clear message and leaves nothing behind: request
bodies, uploads (size and type), message length, participant imports, and the pace limits on
chat messages and invitations (plus the API's own throttles and the login limit).

Each test states the limit in the words the person sees, then checks that nothing was stored,
sent or changed."""

from __future__ import annotations

import json
import multiprocessing
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from mentorship import ratelimit
from messaging.models import Attachment, Message
from organizations.models import Invitation, Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import Enrolment
from resources.models import Resource, SharedItem
from tests.conftest import logged_in_api_client, logged_in_client
from tests.factories import make_user

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML_AS_PDF = b"<!doctype html><script>alert(1)</script>"
ORIGIN = (b"origin", b"http://testserver")
# A moment 15 seconds into a minute, an hour and a window of any whole number of minutes.
WINDOW_START = 1_800_000_000
NOW = WINDOW_START + 15


# Fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Files stored on disk under a fresh MEDIA_ROOT, as in production, so a test sees any file
    a refused upload left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


class FrozenClock:
    """The pace limits' clock, pinned, so a window never ends in the middle of a test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def limits(settings, monkeypatch):
    """Small pace limits, counted from zero, at a pinned time: 15 seconds into a window."""
    settings.RATE_LIMITS = {
        "message_send": "2/m",
        "invitation_person": "2/h",
        "invitation_organization": "3/h",
    }
    monkeypatch.setattr(ratelimit, "time", FrozenClock(NOW))
    from django.core.cache import cache

    cache.clear()
    return settings.RATE_LIMITS


def messages_of(conversation) -> list[str]:
    with organization_scope(conversation.organization):
        return list(
            Message.objects.filter(conversation=conversation)
            .order_by("sequence")
            .values_list("body", flat=True)
        )


def messages_url(conversation) -> str:
    return f"/api/v1/orgs/alpha/conversations/{conversation.pk}/messages/"


def chat_page_send_url(conversation) -> str:
    return reverse(
        "messaging:send", kwargs={"org_slug": "alpha", "conversation_id": conversation.pk}
    )


def bearer(user) -> APIClient:
    _, raw = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def error_shape(status: int, code: str, detail: str, fields: dict | None = None) -> dict:
    return {"status": status, "code": code, "detail": detail, "fields": fields or {}}


def flashed(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def open_invitations(world) -> list[str]:
    with organization_scope(world.alpha):
        return sorted(
            Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
            .values_list("email", flat=True)
        )  # fmt: skip


def cohort_url(world, name: str) -> str:
    return reverse(
        f"programs:{name}",
        kwargs={
            "org_slug": "alpha",
            "program_id": world.alpha_program.pk,
            "cohort_id": world.alpha_cohort.pk,
        },
    )


def cohort_api_url(world, action: str) -> str:
    return (
        f"/api/v1/orgs/alpha/programs/{world.alpha_program.pk}/cohorts/"
        f"{world.alpha_cohort.pk}/{action}"
    )


def enrolments_of(world) -> list[str]:
    with organization_scope(world.alpha):
        return sorted(
            Enrolment.objects.filter(cohort=world.alpha_cohort).values_list("email", flat=True)
        )


# Request bodies -------------------------------------------------------------------------------


def test_an_api_body_over_the_limit_is_a_json_400_that_names_the_limit(chat, settings):
    """Refused from its Content-Length, before anything reads it, in the API's error shape."""
    mw, _, conversation = chat
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = logged_in_api_client(mw.members["mentee0"].user)
    body = json.dumps({"body": "x" * (1024 * 1024)})
    response = client.post(messages_url(conversation), body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == error_shape(
        400, "request_too_large", "The request is too large: at most 1.0 MB."
    )
    assert messages_of(conversation) == []


def test_a_form_over_the_limit_is_the_400_page_that_names_the_limit(chat, settings):
    mw, _, conversation = chat
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = logged_in_client(mw.members["mentee0"].user)
    response = client.post(chat_page_send_url(conversation), {"body": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This form was too large" in page
    assert "A form can send at most 1.0 MB." in page
    assert "Nothing was saved." in page
    assert messages_of(conversation) == []


def test_form_fields_of_an_upload_over_the_limit_are_the_400_page_that_names_it(chat, settings):
    """Django's own check of an upload's text fields answers the same way."""
    mw, _, conversation = chat
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = logged_in_client(mw.members["mentee0"].user)
    response = client.post(
        chat_page_send_url(conversation),
        {"body": "x" * 2000, "files": SimpleUploadedFile("notes.txt", b"hello")},
    )
    assert response.status_code == 400
    assert "This form was too large" in response.content.decode()
    assert "A form can send at most 1.0 KB." in response.content.decode()
    assert messages_of(conversation) == []


@pytest.mark.parametrize("where", ["api", "page"])
def test_an_upload_over_the_request_limit_is_refused_before_it_is_read(
    chat, settings, media_root, where
):
    mw, _, conversation = chat
    settings.UPLOAD_REQUEST_MAX_BYTES = 100 * 1024
    user = mw.members["mentee0"].user
    files = {"files": SimpleUploadedFile("big.txt", b"x" * (150 * 1024))}
    if where == "api":
        response = logged_in_api_client(user).post(
            messages_url(conversation), files, format="multipart"
        )
        assert response.status_code == 400
        assert response.json() == error_shape(
            400, "request_too_large", "The upload is too large: at most 100.0 KB."
        )
    else:
        response = logged_in_client(user).post(chat_page_send_url(conversation), files)
        assert response.status_code == 400
        assert "This upload was too large" in response.content.decode()
        assert "at most 100.0 KB together" in response.content.decode()
    assert messages_of(conversation) == []
    assert files_under(media_root) == []


@pytest.mark.django_db(transaction=True)
async def test_an_upload_is_spooled_to_disk_not_read_whole_under_asgi(
    chat, settings, media_root, monkeypatch
):
    """Through the real ASGI stack: the body of a 300 KB upload goes to a temporary file above
    FILE_UPLOAD_MAX_MEMORY_SIZE, and nothing reads it whole as `request.body` (which would
    refuse it: it is over DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    import tempfile

    from mentorship.asgi import application

    mw, _, conversation = chat
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    spools: list[tempfile.SpooledTemporaryFile] = []

    class Watched(tempfile.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            spools.append(self)

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", Watched)
    _, raw = await database_sync_to_async(api_token_create)(
        user=mw.members["mentee0"].user, name="tests"
    )
    content = b"line of text\n" * (300 * 1024 // 13)
    body = encode_multipart(
        BOUNDARY, {"body": "The notes", "files": SimpleUploadedFile("notes.txt", content)}
    )
    request = HttpCommunicator(
        application,
        "POST",
        messages_url(conversation),
        body=body,
        headers=[
            (b"host", b"testserver"),
            (b"content-type", MULTIPART_CONTENT.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {raw}".encode()),
        ],
    )
    response = await request.get_response(timeout=20)
    await request.wait(timeout=5)  # the request's clean-up, temporary files closed
    assert response["status"] == 201, response["body"][:500]
    assert [spool._rolled for spool in spools] == [True]
    assert json.loads(response["body"])["attachments"][0]["size"] == len(content)
    stored = files_under(media_root)
    assert [path.read_bytes() == content for path in stored] == [True]


# Uploads: size and type -----------------------------------------------------------------------


def _upload_to(where: str, mw, conversation, mentorship, program, upload: SimpleUploadedFile):
    """Send `upload` where people upload files; returns (response, the refusal in words)."""
    response, says = _send_upload(where, mw, conversation, mentorship, program, upload)
    return response, says.replace("\xa0", " ")


def _send_upload(where: str, mw, conversation, mentorship, program, upload: SimpleUploadedFile):
    mentee = mw.members["mentee0"].user
    if where == "chat api":
        response = logged_in_api_client(mentee).post(
            messages_url(conversation), {"files": upload}, format="multipart"
        )
        return response, " ".join(response.json()["fields"]["files"])
    if where == "chat page":
        response = logged_in_client(mentee).post(
            chat_page_send_url(conversation), {"files": upload}, HTTP_ACCEPT="application/json"
        )
        return response, " ".join(response.json()["errors"]["files"])
    if where == "shared api":
        response = logged_in_api_client(mentee).post(
            f"/api/v1/orgs/alpha/mentorships/{mentorship.pk}/shared/",
            {"file": upload},
            format="multipart",
        )
        return response, " ".join(response.json()["fields"]["file"])
    if where == "shared page":
        url = reverse("resources:shared_upload", kwargs={"org_slug": "alpha",
                                                          "mentorship_id": mentorship.pk})  # fmt: skip
        response = logged_in_client(mentee).post(url, {"upload-file": upload})
        return response, " ".join(response.context["upload_form"].errors["file"])
    manager = logged_in_api_client(mw.world.alpha_owner)
    response = manager.post(
        f"/api/v1/orgs/alpha/programs/{program.pk}/resources/",
        {"kind": "file", "title": "Handbook", "file": upload},
        format="multipart",
    )
    return response, " ".join(response.json()["fields"]["file"])


def _nothing_stored(world, conversation, media_root) -> None:
    with organization_scope(world.alpha):
        assert not Message.objects.filter(conversation=conversation).exists()
        assert not Attachment.objects.exists()
        assert not SharedItem.objects.exists()
        assert not Resource.objects.exists()
    assert files_under(media_root) == []


UPLOAD_PLACES = ["chat api", "chat page", "shared api", "shared page", "library api"]


@pytest.mark.parametrize("where", UPLOAD_PLACES)
def test_a_file_over_its_size_limit_is_a_field_error_and_nothing_is_stored(
    chat, settings, media_root, where
):
    mw, mentorship, conversation = chat
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 2000
    settings.RESOURCE_FILE_MAX_BYTES = 2000
    upload = SimpleUploadedFile("report.pdf", PDF + b"%" * 3000)
    response, says = _upload_to(where, mw, conversation, mentorship, mentorship.cohort.program,
                                upload)  # fmt: skip
    assert response.status_code == 400
    assert says == "“report.pdf” is 3.0 KB; files can be at most 2.0 KB."
    _nothing_stored(mw.world, conversation, media_root)


@pytest.mark.parametrize("where", UPLOAD_PLACES)
def test_a_file_whose_content_is_not_its_type_is_a_field_error_and_nothing_is_stored(
    chat, media_root, where
):
    mw, mentorship, conversation = chat
    upload = SimpleUploadedFile("report.pdf", HTML_AS_PDF, content_type="application/pdf")
    response, says = _upload_to(where, mw, conversation, mentorship, mentorship.cohort.program,
                                upload)  # fmt: skip
    assert response.status_code == 400
    assert says == "“report.pdf” is not a PDF, as its name says. Nothing was " + (
        "sent." if where.startswith("chat") else "uploaded."
    )
    _nothing_stored(mw.world, conversation, media_root)


@pytest.mark.parametrize("where", UPLOAD_PLACES)
def test_a_forbidden_file_type_is_a_field_error_and_nothing_is_stored(chat, media_root, where):
    mw, mentorship, conversation = chat
    upload = SimpleUploadedFile("page.html", b"<html></html>", content_type="text/plain")
    response, says = _upload_to(where, mw, conversation, mentorship, mentorship.cohort.program,
                                upload)  # fmt: skip
    assert response.status_code == 400
    assert says.startswith("“page.html” is not a file type you can ")
    assert "Allowed: " in says and "pdf" in says
    _nothing_stored(mw.world, conversation, media_root)


# Chat over the websocket ----------------------------------------------------------------------


@database_sync_to_async
def _session_cookie(user) -> bytes:
    return f"sessionid={logged_in_client(user).cookies['sessionid'].value}".encode()


async def _chat_socket(user) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(
        __import__("mentorship.asgi", fromlist=["application"]).application,
        "/ws/o/alpha/chat/",
        headers=[ORIGIN, (b"cookie", await _session_cookie(user))],
    )
    connected, _ = await socket.connect(timeout=5)
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    return socket


async def _answer_to(socket, frame: dict) -> dict:
    """The socket's own answer to `frame` (an ack or an error), past the broadcasts."""
    await socket.send_json_to(frame)
    while True:
        answer = await socket.receive_json_from(timeout=5)
        if answer["type"] in ("sent", "error"):
            return answer


@pytest.mark.django_db(transaction=True)
async def test_a_message_over_the_length_limit_gets_an_error_frame_and_is_not_stored(
    chat, settings
):
    mw, _, conversation = chat
    settings.MESSAGE_MAX_LENGTH = 50
    socket = await _chat_socket(mw.members["mentee0"].user)
    answer = await _answer_to(
        socket,
        {"type": "send", "conversation": conversation.pk, "body": "x" * 51, "client_key": "k1"},
    )
    assert answer == {
        "type": "error",
        "reason": "Keep a message under 50 characters (51 now).",
        "client_key": "k1",
    }
    # Binary frames carry no files either: refused, and the socket stays open.
    await socket.send_to(bytes_data=PDF)
    assert await socket.receive_json_from(timeout=5) == {
        "type": "error",
        "reason": "Send JSON text frames, not binary frames.",
    }
    assert await database_sync_to_async(messages_of)(conversation) == []
    await socket.disconnect()


def test_a_message_over_the_length_limit_is_a_field_error_on_the_api_and_the_page(chat, settings):
    mw, _, conversation = chat
    settings.MESSAGE_MAX_LENGTH = 50
    user = mw.members["mentee0"].user
    response = logged_in_api_client(user).post(
        messages_url(conversation), {"body": "x" * 51}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == error_shape(
        400,
        "invalid",
        "Some fields are not valid.",
        {"body": ["Keep a message under 50 characters (51 now)."]},
    )
    page = logged_in_client(user).post(
        chat_page_send_url(conversation), {"body": "x" * 51}, follow=True
    )
    assert page.status_code == 200
    assert flashed(page) == "Keep a message under 50 characters (51 now)."
    assert messages_of(conversation) == []


# Participant imports --------------------------------------------------------------------------


def test_an_import_over_the_size_limit_is_refused_and_imports_nothing(world):
    from programs.imports import MAX_IMPORT_BYTES

    content = b"email,name,role\n" + b"a@example.com,A,mentor\n" * (MAX_IMPORT_BYTES // 23 + 1)
    page = logged_in_client(world.alpha_owner).post(
        cohort_url(world, "participant_import"),
        {"import-file": SimpleUploadedFile("people.csv", content, "text/csv")},
    )
    assert page.status_code == 400
    assert "; the limit is 5 MB. Split it into smaller files." in page.content.decode()
    response = logged_in_api_client(world.alpha_owner).post(
        cohort_api_url(world, "enrolments/import/"),
        {"file": SimpleUploadedFile("people.csv", content, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    (says,) = response.json()["fields"]["file"]
    assert says.startswith("The file is 5.0 MB; the limit is 5 MB.")
    assert enrolments_of(world) == []


def test_an_import_over_the_row_limit_is_refused_and_imports_nothing(world, monkeypatch):
    monkeypatch.setattr("programs.imports.MAX_IMPORT_ROWS", 3)
    before = open_invitations(world)
    content = b"email,name,role\n" + b"".join(
        f"person{n}@example.com,Person {n},mentee\n".encode() for n in range(4)
    )
    page = logged_in_client(world.alpha_owner).post(
        cohort_url(world, "participant_import"),
        {"import-file": SimpleUploadedFile("people.csv", content, "text/csv")},
    )
    assert page.status_code == 400
    assert "The file has more than 3 rows; split it into smaller files." in page.content.decode()
    response = logged_in_api_client(world.alpha_owner).post(
        cohort_api_url(world, "enrolments/import/"),
        {"file": SimpleUploadedFile("people.csv", content, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "file": ["The file has more than 3 rows; split it into smaller files."]
    }
    assert enrolments_of(world) == []
    assert open_invitations(world) == before


# Pace limits: chat messages -------------------------------------------------------------------


SEND_TOO_FAST = "You are sending messages too fast; wait 45 seconds."


@pytest.mark.django_db(transaction=True)
async def test_messages_sent_too_fast_get_a_rate_limited_frame_and_are_not_stored(chat, limits):
    mw, _, conversation = chat
    socket = await _chat_socket(mw.members["mentee0"].user)
    for number in (1, 2):
        answer = await _answer_to(
            socket,
            {"type": "send", "conversation": conversation.pk, "body": f"m{number}",
             "client_key": f"k{number}"},
        )  # fmt: skip
        assert answer["type"] == "sent"
    answer = await _answer_to(
        socket, {"type": "send", "conversation": conversation.pk, "body": "m3", "client_key": "k3"}
    )
    assert answer == {
        "type": "error",
        "reason": SEND_TOO_FAST,
        "client_key": "k3",
        "code": "rate_limited",
        "retry_after": 45,
    }
    assert await database_sync_to_async(messages_of)(conversation) == ["m1", "m2"]
    # A retry of a message that was saved (its acknowledgement lost) is still answered with it.
    again = await _answer_to(
        socket, {"type": "send", "conversation": conversation.pk, "body": "m2", "client_key": "k2"}
    )
    assert (again["type"], again["created"], again["message"]["body"]) == ("sent", False, "m2")
    # The window ends: the refused message goes through.
    ratelimit.time.now = WINDOW_START + 60
    answer = await _answer_to(
        socket, {"type": "send", "conversation": conversation.pk, "body": "m3", "client_key": "k3"}
    )
    assert (answer["type"], answer["created"]) == ("sent", True)
    assert await database_sync_to_async(messages_of)(conversation) == ["m1", "m2", "m3"]
    await socket.disconnect()


def test_messages_sent_too_fast_get_429_with_retry_after_from_the_api(chat, limits):
    mw, _, conversation = chat
    client = bearer(mw.members["mentee0"].user)
    for number in (1, 2):
        sent = client.post(messages_url(conversation), {"body": f"m{number}"}, format="json")
        assert sent.status_code == 201
    response = client.post(messages_url(conversation), {"body": "m3"}, format="json")
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert response.json() == error_shape(429, "rate_limited", SEND_TOO_FAST)
    assert messages_of(conversation) == ["m1", "m2"]


def test_the_pace_counts_per_person_across_the_socket_api_and_page(chat, limits):
    """The chat page (the chat script's file sends, and the form without it) counts against the
    same allowance, and the mentor's own allowance is untouched by the mentee's."""
    mw, _, conversation = chat
    mentee = mw.members["mentee0"].user
    assert (
        logged_in_api_client(mentee)
        .post(messages_url(conversation), {"body": "m1"}, format="json")
        .status_code
        == 201
    )
    page = logged_in_client(mentee)
    assert page.post(chat_page_send_url(conversation), {"body": "m2"}).status_code == 302
    refused = page.post(
        chat_page_send_url(conversation),
        {"body": "m3", "files": SimpleUploadedFile("notes.txt", b"hello")},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert refused.json() == {
        "code": "rate_limited",
        "retry_after": 45,
        "errors": {"__all__": [SEND_TOO_FAST]},
    }
    form = page.post(chat_page_send_url(conversation), {"body": "m3"}, follow=True)
    assert flashed(form) == SEND_TOO_FAST
    mentor = logged_in_client(mw.members["mentor0"].user)
    assert mentor.post(chat_page_send_url(conversation), {"body": "hi"}).status_code == 302
    assert messages_of(conversation) == ["m1", "m2", "hi"]
    with organization_scope(conversation.organization):
        assert not Attachment.objects.exists()


# Pace limits: invitations ---------------------------------------------------------------------


def test_invitations_beyond_the_persons_allowance_are_refused_on_the_page_and_the_api(
    world, limits, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    before = open_invitations(world)
    page = logged_in_client(world.alpha_owner)
    url = reverse("organizations:invitation_create", kwargs={"org_slug": "alpha"})
    with django_capture_on_commit_callbacks(execute=True):
        for number in (1, 2):
            sent = page.post(url, {"email": f"new{number}@example.com", "role": Role.MEMBER})
            assert sent.status_code == 302
        refused = page.post(url, {"email": "new3@example.com", "role": Role.MEMBER})
        api = bearer(world.alpha_owner).post(
            "/api/v1/orgs/alpha/invitations/",
            {"email": "new4@example.com", "role": Role.MEMBER},
            format="json",
        )
    says = (
        "You have sent the most invitations allowed this hour (the limit is 2 invitations an "
        "hour). Nothing was sent; try again in 60 minutes."
    )
    assert refused.status_code == 400
    assert refused.context["invitation_form"].non_field_errors() == [says]
    assert api.status_code == 429
    assert api["Retry-After"] == str(3600 - 15)
    assert api.json() == error_shape(429, "rate_limited", says)
    assert open_invitations(world) == sorted([*before, "new1@example.com", "new2@example.com"])
    assert sorted(m.to[0] for m in mailoutbox) == ["new1@example.com", "new2@example.com"]


def test_the_organisations_allowance_is_shared_by_everyone_who_invites(world, limits):
    """Three an hour for the organisation: the owner's two leave the admin one."""
    for number in (1, 2):
        program_services.enrolment_invite(
            actor_membership=world.alpha_owner_membership, cohort=world.alpha_cohort,
            email=f"owner{number}@example.com", full_name="", role="mentee",
        )  # fmt: skip
    admin = bearer(world.alpha_admin)
    first = admin.post(
        cohort_api_url(world, "enrolments/"),
        {"email": "admin1@example.com", "role": "mentee"},
        format="json",
    )
    assert first.status_code == 201
    refused = admin.post(
        cohort_api_url(world, "enrolments/"),
        {"email": "admin2@example.com", "role": "mentee"},
        format="json",
    )
    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "Your organisation has sent the most invitations allowed this hour (the limit is 3 "
        "invitations an hour). Nothing was sent; try again in 60 minutes."
    )
    # Refused by the organisation's allowance, the admin's own is untouched: in the next hour
    # the admin sends two.
    ratelimit.time.now = WINDOW_START + 3600
    for email in ("admin2@example.com", "admin3@example.com"):
        program_services.enrolment_invite(
            actor_membership=world.membership(world.alpha, world.alpha_admin),
            cohort=world.alpha_cohort, email=email, full_name="", role="mentee",
        )  # fmt: skip
    assert enrolments_of(world) == [
        "admin1@example.com", "admin2@example.com", "admin3@example.com",
        "owner1@example.com", "owner2@example.com",
    ]  # fmt: skip


def test_a_program_invitation_beyond_the_allowance_is_a_form_error(world, limits):
    for number in (1, 2):
        program_services.enrolment_invite(
            actor_membership=world.alpha_owner_membership, cohort=world.alpha_cohort,
            email=f"p{number}@example.com", full_name="", role="mentee",
        )  # fmt: skip
    page = logged_in_client(world.alpha_owner).post(
        cohort_url(world, "participant_invite"),
        {"invite-email": "p3@example.com", "invite-role": "mentee"},
    )
    assert page.status_code == 400
    assert page.context["invite_form"].non_field_errors() == [
        "You have sent the most invitations allowed this hour (the limit is 2 invitations an "
        "hour). Nothing was sent; try again in 60 minutes."
    ]
    assert enrolments_of(world) == ["p1@example.com", "p2@example.com"]


def test_a_bulk_resend_beyond_the_allowance_is_refused_as_a_whole(
    world, settings, limits, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**limits, "invitation_person": "5/h", "invitation_organization": "5/h"}
    for number in (1, 2, 3):
        program_services.enrolment_invite(
            actor_membership=world.alpha_owner_membership, cohort=world.alpha_cohort,
            email=f"r{number}@example.com", full_name="", role="mentee",
        )  # fmt: skip
    sent_before = timezone.now() - timedelta(days=2)
    with organization_scope(world.alpha):
        invited = Enrolment.objects.filter(cohort=world.alpha_cohort)
        invited.update(invitation_sent_at=sent_before)
        ids = list(invited.values_list("pk", flat=True))
    invitations_before = open_invitations(world)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client(world.alpha_owner).post(
            cohort_url(world, "participants_bulk"), {"action": "resend", "enrolment": ids}
        )
    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 15)
    assert (
        "This would send 3 invitations, and you can send 2 more this hour (the limit is 5 "
        "invitations an hour). Nothing was sent: send at most 2 now, or all of them in 60 "
        "minutes."
    ) in response.content.decode()
    with organization_scope(world.alpha):
        assert set(
            Enrolment.objects.filter(pk__in=ids).values_list("invitation_sent_at", "reminders_sent")
        ) == {(sent_before, 0)}
    assert open_invitations(world) == invitations_before
    assert mailoutbox == []


def test_an_import_beyond_the_allowance_is_refused_as_a_whole(
    world, limits, mailoutbox, django_capture_on_commit_callbacks
):
    content = (
        f"email,name,role\n{world.alpha_member.email},Max,mentee\n"
        "i1@example.com,One,mentor\ni2@example.com,Two,mentee\ni3@example.com,Three,mentee\n"
    ).encode()
    before = open_invitations(world)
    mailoutbox.clear()
    says = (
        "You can send at most 2 invitations an hour; this would send 3. Nothing was sent: send "
        "them in smaller groups."
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = logged_in_client(world.alpha_owner).post(
            cohort_url(world, "participant_import"),
            {"import-file": SimpleUploadedFile("people.csv", content, "text/csv")},
        )
        response = bearer(world.alpha_owner).post(
            cohort_api_url(world, "enrolments/import/"),
            {"file": SimpleUploadedFile("people.csv", content, "text/csv")},
            format="multipart",
        )
    assert page.status_code == 400
    assert page.context["import_form"].non_field_errors() == [says]
    assert response.status_code == 429
    assert response.json() == error_shape(429, "rate_limited", says)
    # Not even the member, who needs no invitation: the import is one transaction.
    assert enrolments_of(world) == []
    assert open_invitations(world) == before
    assert mailoutbox == []


# The API's throttles and the login limit ------------------------------------------------------


def test_the_apis_throttle_answers_429_in_the_error_shape_with_retry_after(world, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "2/min", raising=False)
    client = bearer(world.alpha_owner)
    assert [client.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/me/")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert response.json() == error_shape(
        429,
        "throttled",
        f"Request was throttled. Expected available in {wait} second{'s' if wait != 1 else ''}.",
    )


def test_too_many_logins_get_the_429_page(world, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    client = logged_in_client(make_user("someone@example.com", "Some One"))
    client.logout()
    first = client.post("/accounts/login/", {"login": "x@example.com", "password": "wrong"})
    assert first.status_code == 200
    refused = client.post("/accounts/login/", {"login": "x@example.com", "password": "wrong"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Slow down a little" in page
    assert "There were too many attempts in a short time." in page


# The pace limits' counter ---------------------------------------------------------------------


def _take_many(name: str, key: str, times: int) -> int:
    return sum(ratelimit.take(name, key) is None for _ in range(times))


@pytest.mark.parametrize("backend", ["file", "redis"])
def test_the_count_holds_across_processes(settings, tmp_path, request, backend):
    """Four processes take from one allowance at once: exactly the limit is granted."""
    if backend == "redis":
        location = request.getfixturevalue("redis_url")
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location,
            "KEY_PREFIX": f"limits-test-{uuid.uuid4().hex}",
        }}  # fmt: skip
    else:
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }}  # fmt: skip
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_send": "50/d"}
    key = f"test:{uuid.uuid4().hex}"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        granted = pool.starmap(_take_many, [("message_send", key, 30)] * 4)
    assert sum(granted) == 50


@pytest.mark.parametrize(
    ("text", "count", "seconds", "period"),
    [
        ("30/m", 30, 60, "a minute"),
        ("100/h", 100, 3600, "an hour"),
        ("20000/d", 20000, 86400, "a day"),
        ("10/30s", 10, 30, "every 30 seconds"),
        ("5/15m", 5, 900, "every 15 minutes"),
    ],
)
def test_limits_are_written_as_count_per_period(text, count, seconds, period):
    rate = ratelimit.Rate.parse(text)
    assert (rate.count, rate.seconds, rate.period) == (count, seconds, period)


@pytest.mark.parametrize("text", ["", "30", "0/m", "30/w", "thirty/m", "3/0m"])
def test_a_limit_that_is_not_a_rate_is_refused_with_the_format(text):
    with pytest.raises(ValueError, match=re.escape("write <count>/<period>, e.g. 30/m")):
        ratelimit.Rate.parse(text)


def test_a_server_does_not_start_with_a_limit_that_is_not_a_rate(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_send": "lots"}
    with pytest.raises(ImproperlyConfigured, match=r"RATE_LIMITS\['message_send'\]: “lots” is not"):
        ratelimit.RateLimitedMiddleware(lambda request: None)
