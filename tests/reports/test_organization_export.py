"""The whole organisation as a ZIP, for its owners: its contents and counts, who may download
it, the password asked first, the audit log, bounded queries, and nothing of another
organisation's or of the pairs' private words in it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from messaging import selectors as messaging_selectors
from messaging import services as messaging_services
from messaging.models import ConversationKind, Message
from organizations.audit import AuditAction, AuditEvent
from organizations.models import Membership
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs import services as program_services
from programs.models import Enrolment
from programs.services import ProgramSettings
from reports.exports.organization import KINDS, organization_export_build
from resources import services as resource_services
from resources import sharing
from surveys.models import SurveyAnswer
from tests.conftest import logged_in_client
from tests.factories import PASSWORD
from tests.privacy.test_privacy import (
    ANONYMOUS_ANSWER,
    NAMED_ANSWER,
    _answer_the_mid_point_survey,
)
from tests.security import matrix_world as words
from tests.security.matrix_world import (
    ADMIN,
    FOREIGN,
    MENTEE,
    MENTOR,
    OWNER,
    PM1,
    REPORT_VIEWER,
    MatrixWorld,
    build_matrix_world,
)

HANDBOOK = b"%PDF-1.7\nThe program handbook\n"
GROUP_CHAT_WORDS = "group-chat-words-everyone-reads"
GROUP_FILE = b"Agenda for the cohort meetup\n"
BRAVO_WORDS = "bravo-only-program"
PRIVATE_WORDS = (
    words.MESSAGE_WORDS,
    words.AGREEMENT_WORDS,
    words.PRIVATE_NOTE_WORDS,
    words.MEETING_NOTES_WORDS,
    words.MEETING_TITLE_WORDS,
    words.MEETING_AGENDA_WORDS,
    words.GOAL_WORDS,
    words.MILESTONE_WORDS,
    words.COMMENT_WORDS,
    words.CHECK_IN_WORDS,
    words.SHARED_DOCUMENT_WORDS,
    ANONYMOUS_ANSWER,
)


@pytest.fixture
def matrix(db, django_capture_on_commit_callbacks) -> MatrixWorld:
    """The matrix's organisation with its pair's private words, a survey answered, a library
    file, a document the mentee shared, a group chat message with a file, and a Bravo program."""
    with django_capture_on_commit_callbacks(execute=True):
        built = build_matrix_world(routes=())
    world = built.world
    owner = world.membership(world.alpha, built.users[OWNER])
    mentee = world.membership(world.alpha, built.users[MENTEE])
    _answer_the_mid_point_survey(built, mentee)
    resource_services.resource_create(
        actor=owner,
        program=world.alpha_program,
        details=resource_services.ResourceDetails(kind="file", title="The handbook"),
        upload=SimpleUploadedFile("handbook.pdf", HANDBOOK),
    )
    with organization_scope(world.alpha):
        mentorship = program_selectors.get_mentorship_for(mentee, built.mentorship.pk)
    sharing.document_share(
        actor=mentee,
        mentorship=mentorship,
        title=words.SHARED_DOCUMENT_WORDS,
        upload=SimpleUploadedFile("notes.txt", b"shared privately"),
    )
    (group,) = [
        entry.conversation
        for entry in messaging_selectors.conversations_for(mentee)
        if entry.conversation.kind == ConversationKind.COHORT
    ]
    messaging_services.message_send(
        membership=mentee,
        conversation=group,
        body=GROUP_CHAT_WORDS,
        files=[SimpleUploadedFile("agenda.txt", GROUP_FILE)],
    )
    bravo_owner = world.membership(world.bravo, built.users[FOREIGN])
    program_services.program_create(
        actor_membership=bravo_owner, values=ProgramSettings(name=BRAVO_WORDS, purpose="B")
    )
    return built


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    assert response.streaming, "streamed from its temporary file"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return [json.loads(line) for line in archive.read(f"{name}.jsonl").splitlines()]


def test_the_owner_downloads_everything_with_counts_and_files(matrix):
    world = matrix.world
    client = matrix.client(OWNER)
    page = client.get(reverse("reports:organization_export", args=["alpha"]))
    assert page.status_code == 200
    assert "Download the ZIP" in page.content.decode()
    response = client.post(reverse("reports:organization_export", args=["alpha"]))
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-export-')
    archive = _zip(response)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["organization"] == {"name": world.alpha.name, "slug": "alpha"}
    assert manifest["exported_by"] == matrix.users[OWNER].email
    assert set(manifest["counts"]) == {kind.name for kind in KINDS}
    for kind in KINDS:
        assert len(_rows(archive, kind.name)) == manifest["counts"][kind.name], kind.name
    with organization_scope(world.alpha):
        assert manifest["counts"]["members"] == Membership.objects.count() == 10
        assert manifest["counts"]["enrolments"] == Enrolment.objects.count()
        assert manifest["counts"]["messages"] == Message.objects.count()
        named = SurveyAnswer.objects.filter(question__anonymous=False).count()
        assert manifest["counts"]["survey_answers"] == named
        assert SurveyAnswer.objects.count() > named, "the anonymous answer stays out"
    members = {row["user_email"]: row["role"] for row in _rows(archive, "members")}
    assert members[matrix.users[MENTOR].email] == "member"
    assert members[matrix.users[OWNER].email] == "owner"

    # The library's file and the group chat's, under files/; the pair's shared document not.
    (resource,) = _rows(archive, "resources")
    assert resource["title"] == "The handbook"
    assert archive.read(resource["file_path"]) == HANDBOOK
    (attachment,) = _rows(archive, "attachments")
    assert archive.read(attachment["file_path"]) == GROUP_FILE
    assert manifest["files"] == {"included": 2, "missing_from_storage": []}
    assert sorted(n for n in archive.namelist() if n.startswith("files/")) == [
        attachment["file_path"],
        resource["file_path"],
    ]
    messages = {row["conversation_id"]: row for row in _rows(archive, "messages")}
    bodies = [row["body"] for row in messages.values()]
    assert GROUP_CHAT_WORDS in bodies

    # What the managers read is in; what the pair keeps between themselves is not.
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode(
        errors="replace"
    )
    assert words.NOTE_TO_MANAGERS_WORDS in everything
    assert NAMED_ANSWER in everything
    for private in PRIVATE_WORDS:
        assert private not in everything, private
    assert b"shared privately" not in b"".join(archive.read(n) for n in archive.namelist())
    # Nothing of Bravo's.
    assert BRAVO_WORDS not in everything
    assert matrix.users[FOREIGN].email not in everything
    assert "bravo" not in everything.lower()


def test_the_export_is_written_to_the_audit_log(matrix):
    client = matrix.client(OWNER)
    client.get(reverse("reports:organization_export", args=["alpha"]))
    assert not AuditEvent.all_organizations.filter(action=AuditAction.ORGANIZATION_EXPORTED)
    _zip(client.post(reverse("reports:organization_export", args=["alpha"])))
    (event,) = AuditEvent.all_organizations.filter(action=AuditAction.ORGANIZATION_EXPORTED)
    assert event.organization_id == matrix.world.alpha.pk
    assert event.actor_id == matrix.users[OWNER].pk
    assert event.details["counts"]["members"] == 10
    assert event.details["files"] == 2


@pytest.mark.parametrize("role", [ADMIN, PM1, REPORT_VIEWER, MENTOR])
def test_only_owners_export(matrix, role):
    client = matrix.client(role)
    url = reverse("reports:organization_export", args=["alpha"])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert client.get(reverse("api_organization_export", args=["alpha"])).status_code == 403
    assert not AuditEvent.all_organizations.filter(action=AuditAction.ORGANIZATION_EXPORTED)


def test_another_organisation_gets_404(matrix):
    foreign = matrix.client(FOREIGN)
    assert foreign.post(reverse("reports:organization_export", args=["alpha"])).status_code == 404
    assert foreign.get(reverse("api_organization_export", args=["alpha"])).status_code == 404
    # Their own organisation's export holds only their own rows.
    archive = _zip(foreign.post(reverse("reports:organization_export", args=["bravo"])))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert BRAVO_WORDS in everything
    assert "alphacanary" not in everything
    assert json.loads(archive.read("manifest.json"))["counts"]["members"] == 1


def test_the_password_is_asked_first(matrix):
    owner = matrix.users[OWNER]
    url = reverse("reports:organization_export", args=["alpha"])
    # Opening the page asks first, then shows it.
    client = logged_in_client(owner)
    asked = client.get(url)
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    confirmed = client.post(asked["Location"], {"password": PASSWORD})
    assert (confirmed.status_code, confirmed["Location"]) == (302, url)
    assert client.get(url).status_code == 200
    # Asking for the file itself: the password, then the download that was asked for.
    client = logged_in_client(owner)
    asked = client.post(url)
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert not AuditEvent.all_organizations.filter(action=AuditAction.ORGANIZATION_EXPORTED)
    assert client.post(asked["Location"], {"password": "wrong"}).status_code == 200
    assert not AuditEvent.all_organizations.filter(action=AuditAction.ORGANIZATION_EXPORTED)
    _zip(client.post(asked["Location"], {"password": PASSWORD}))
    assert AuditEvent.all_organizations.filter(action=AuditAction.ORGANIZATION_EXPORTED).exists()


def test_the_api_needs_an_owner_with_a_recent_password(matrix):
    owner = matrix.users[OWNER]
    url = reverse("api_organization_export", args=["alpha"])
    stale = APIClient()
    stale.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    refused = stale.get(url)
    assert refused.status_code == 403
    assert "Confirm your password first" in refused.json()["detail"]
    _, raw = api_token_create(user=owner, name="script")
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert token.get(url).status_code == 403
    assert not AuditEvent.all_organizations.filter(action=AuditAction.ORGANIZATION_EXPORTED)
    archive = _zip(matrix.client(OWNER).get(url, HTTP_ACCEPT="application/zip"))
    assert json.loads(archive.read("manifest.json"))["counts"]["members"] == 10


def _build_queries(matrix: MatrixWorld) -> tuple[int, dict]:
    world = matrix.world
    with organization_scope(world.alpha):
        owner = Membership.objects.select_related("organization", "user").get(
            user=matrix.users[OWNER]
        )
    with CaptureQueriesContext(connection) as queries:
        export = organization_export_build(actor=owner)
    export.file.close()
    return len(queries), export.manifest["counts"]


def test_each_kind_is_read_with_a_fixed_number_of_queries(matrix):
    world = matrix.world
    mentee = world.membership(world.alpha, matrix.users[MENTEE])
    before, counts = _build_queries(matrix)
    # One query a kind, and the audit entry; nothing per row.
    assert before <= len(KINDS) + 3
    with organization_scope(world.alpha):
        conversation = Message.objects.get(body=words.MESSAGE_WORDS).conversation
    for number in range(25):
        messaging_services.message_send(
            membership=mentee, conversation=conversation, body=f"More {number}"
        )
    after, more = _build_queries(matrix)
    assert more["messages"] == counts["messages"] + 25
    assert after == before
