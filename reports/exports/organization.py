"""The whole organisation as one ZIP, for its owners: one JSON Lines file per kind of record, the
uploaded files of its library and group chats under files/, and manifest.json with the counts.

The ZIP is written to a temporary file on disk and streamed from there; every kind is read with
one query, in chunks, so neither memory nor the number of queries grows with the rows.

What the pairs keep between themselves stays out, as it does everywhere else for owners: the
words of private conversations, agreements, requests, goals and milestones not shared with the
managers, milestone comments, check-in reflections, meeting titles, agendas and notes, private
notes, and the documents pairs share. Their rows are in (who, when, how many, status, ratings),
so the numbers are complete. Answers to anonymous survey questions are left out: they are only
ever read in totals. Each person downloads their own words from their account settings.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.handlers.asgi import ASGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Case, F, Value, When
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.text import get_valid_filename

from goals.models import CheckIn, CheckInSettings, Goal, Milestone
from matching.models import MentorshipRequest
from meetings.models import Meeting, MeetingSettings
from messaging.models import Attachment, Conversation, ConversationKind, Message
from notifications.models import ProgramNudgeSettings
from organizations.audit import AuditAction, audit_record
from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.models import (
    Agreement,
    AgreementConfirmation,
    Cohort,
    Enrolment,
    Mentorship,
    MentorshipEndReason,
    MentorshipMentee,
    ProfileAnswer,
    ProfileQuestion,
    Program,
    ProgramManager,
)
from reports.exports.views import FILE_BLOCK, _download_headers, _streamed
from reports.models import ScheduledReport
from resources.models import Resource, SharedItem
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

FORMAT = "mentorship-organization-export/1"
ZIP_CONTENT_TYPE = "application/zip"
CHUNK = 2000
WITHHELD = (
    "Words the pairs keep between themselves are not in this export: private conversations' "
    "messages, agreements, requests, goals and milestones not shared with the managers, "
    "milestone comments, check-in reflections, meeting titles, agendas and notes, private notes "
    "and shared documents. Their rows and numbers are. Answers to anonymous survey questions "
    "are not either. Each person downloads their own words from their account settings."
)


def _unless_private(
    private: models.Q, column: str, output: models.Field | None = None
) -> models.Expression:
    """The column, or null on rows whose words belong to a pair."""
    return Case(When(private, then=Value(None)), default=F(column), output_field=output)


_PRIVATE_CONVERSATION = models.Q(conversation__kind=ConversationKind.MENTORSHIP)
_PRIVATE_GOAL = models.Q(shared_with_managers=False)
_PRIVATE_MILESTONE = models.Q(goal__shared_with_managers=False)


def _people(prefix: str) -> dict[str, F]:
    """A person's email beside their id, so each file reads on its own."""
    return {f"{prefix}_email": F(f"{prefix}__email")}


@dataclass(frozen=True)
class Kind:
    """One file of the export: the rows of one kind, with the columns given."""

    name: str
    rows: Callable[[], models.QuerySet]
    # A column holding an uploaded file's storage name: copied into files/<name>/ when
    # `include_file` (given the row) says so.
    file_column: str = ""
    include_file: Callable[[dict], bool] = field(default=lambda row: True)
    # Columns computed under another name (a query cannot reuse a field's name), as written.
    renamed: dict[str, str] = field(default_factory=dict)


KINDS: tuple[Kind, ...] = (
    Kind("members", lambda: Membership.objects.values(
        "id", "user_id", "role", "created_at", **_people("user"),
        full_name=F("user__full_name"),
    )),
    Kind("programs", lambda: Program.objects.values(
        "id", "name", "purpose", "description", "format", "matching_mode",
        "default_mentor_capacity", "relationship_length_weeks", "meeting_cadence", "status",
        "template", "skills", "confidentiality_text", "created_at", "updated_at",
    )),
    Kind("program_managers", lambda: ProgramManager.objects.values(
        "id", "program_id", "user_id", "created_at", **_people("user"),
    )),
    Kind("cohorts", lambda: Cohort.objects.values(
        "id", "program_id", "name", "enrolment_opens_on", "enrolment_closes_on", "starts_on",
        "ends_on", "target_mentors", "target_mentees", "status", "applications_open",
        "applications_need_approval", "created_at",
    )),
    Kind("questions", lambda: ProfileQuestion.objects.values(
        "id", "program_id", "key", "audience", "kind", "label", "help_text", "required",
        "position", "choices", "partner_id", "comparison", "is_standard",
    )),
    Kind("enrolments", lambda: Enrolment.objects.values(
        "id", "cohort_id", "user_id", "email", "full_name", "role", "state", "department",
        "manager_email", "mentor_capacity", "created_at", "state_changed_at",
        "profile_completed_at",
    )),
    Kind("profile_answers", lambda: ProfileAnswer.objects.values(
        "id", "enrolment_id", "question_id", "question_key", "question_label", "question_kind",
        "value", "updated_at",
    )),
    Kind("mentorships", lambda: Mentorship.objects.values(
        "id", "cohort_id", "mentor_id", "status", "origin", "match_score", "started_on",
        "ends_on", "ended_on", "ended_by_id", "created_at",
    )),
    Kind("mentorship_mentees", lambda: MentorshipMentee.objects.values(
        "id", "mentorship_id", "mentee_id",
    )),
    Kind("mentorship_end_reasons", lambda: MentorshipEndReason.objects.values(
        "id", "mentorship_id", "user_id", "role", "reason", "created_at",
    )),
    Kind("agreements", lambda: Agreement.objects.values(
        "id", "mentorship_id", "version", "channels", "meeting_cadence", "response_time",
        "updated_at",
    )),
    Kind("agreement_confirmations", lambda: AgreementConfirmation.objects.values(
        "id", "agreement_id", "version", "user_id", "confirmed_at",
    )),
    Kind("mentorship_requests", lambda: MentorshipRequest.objects.values(
        "id", "cohort_id", "mentee_id", "mentor_id", "status", "score", "created_at",
        "expires_at", "responded_at", "mentorship_id",
    )),
    Kind("conversations", lambda: Conversation.objects.values(
        "id", "kind", "mentorship_id", "cohort_id", "program_id", "last_sequence",
        "last_message_at", "created_at",
    )),
    Kind("messages", lambda: Message.objects.values(
        "id", "conversation_id", "sequence", "sender_id", "created_at", "edited_at",
        "deleted_at", **_people("sender"),
        visible_body=_unless_private(_PRIVATE_CONVERSATION, "body", models.TextField()),
    ), renamed={"visible_body": "body"}),
    Kind(
        "attachments",
        lambda: Attachment.objects.values(
            "id", "message_id", "conversation_id", "name", "content_type", "size", "created_at",
            file_path=_unless_private(_PRIVATE_CONVERSATION, "file", models.CharField()),
        ),
        file_column="file_path",
        include_file=lambda row: row["file_path"] is not None,
    ),
    Kind("goals", lambda: Goal.objects.values(
        "id", "mentorship_id", "mentee_id", "template_id", "status", "progress",
        "progress_source", "target_date", "shared_with_managers", "created_at", "updated_at",
        visible_title=_unless_private(_PRIVATE_GOAL, "title", models.CharField()),
        visible_measure=_unless_private(_PRIVATE_GOAL, "measure", models.CharField()),
        visible_why=_unless_private(_PRIVATE_GOAL, "why", models.CharField()),
    ), renamed={"visible_title": "title", "visible_measure": "measure", "visible_why": "why"}),
    Kind("milestones", lambda: Milestone.objects.values(
        "id", "goal_id", "due_on", "owner", "done_on", "created_at",
        visible_title=_unless_private(_PRIVATE_MILESTONE, "title", models.CharField()),
    ), renamed={"visible_title": "title"}),
    Kind("check_ins", lambda: CheckIn.objects.values(
        "id", "mentorship_id", "author_id", "side", "period", "due_on", "rating",
        "note_to_manager", "created_at",
    )),
    Kind("meetings", lambda: Meeting.objects.values(
        "id", "mentorship_id", "status", "starts_at", "ends_at", "attendance",
        "attendance_recorded_at", "sequence", "created_at", "updated_at",
    )),
    Kind(
        "resources",
        lambda: Resource.objects.values(
            "id", "program_id", "kind", "title", "description", "url", "file_name",
            "content_type", "size", "starts_at", "ends_at", "tags", "skills", "audience", "stage",
            "in_mentor_guide", "created_at", "updated_at", "views", "shares", "completions",
            file_path=F("file"),
        ),
        file_column="file_path",
        include_file=lambda row: bool(row["file_path"]),
    ),
    Kind("shared_items", lambda: SharedItem.objects.values(
        "id", "mentorship_id", "resource_id", "goal_id", "milestone_id", "shared_by_id",
        "size", "done_on", "created_at",
    )),
    Kind("surveys", lambda: Survey.objects.values(
        "id", "program_id", "moment", "title", "intro", "is_active", "created_at", "updated_at",
    )),
    Kind("survey_questions", lambda: SurveyQuestion.objects.values(
        "id", "survey_id", "position", "kind", "label", "help_text", "required", "choices",
        "anonymous",
    )),
    Kind("survey_responses", lambda: SurveyResponse.objects.values(
        "id", "survey_id", "mentorship_id", "respondent_id", "role", "submitted_at",
    )),
    Kind("survey_answers", lambda: SurveyAnswer.objects.filter(question__anonymous=False).values(
        "id", "response_id", "question_id", "value",
    )),
    Kind("program_nudge_settings", lambda: ProgramNudgeSettings.objects.values(
        "id", "program_id", "disabled", "inactive_days", "milestone_due_days",
        "agreement_after_days", "request_expiry_hours", "updated_at",
    )),
    Kind("check_in_settings", lambda: CheckInSettings.objects.values(
        "id", "program_id", "cadence_days", "enabled",
    )),
    Kind("meeting_settings", lambda: MeetingSettings.objects.values(
        "id", "video_link_template", "updated_at",
    )),
    Kind("scheduled_reports", lambda: ScheduledReport.objects.values(
        "id", "user_id", "program_id", "frequency", "format", "last_sent_on", "created_at",
        **_people("user"),
    )),
)  # fmt: skip


@dataclass
class OrganizationExport:
    """The ZIP (a temporary file, rewound) and what is in it."""

    file: IO[bytes]
    manifest: dict[str, Any]


def _line(row: dict) -> bytes:
    return json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode() + b"\n"


def _zip_name(kind: Kind, row: dict) -> str:
    stored = PurePath(row[kind.file_column]).name
    return f"files/{kind.name}/{row['id']}-{get_valid_filename(stored)}"


def _write_kind(archive: zipfile.ZipFile, kind: Kind, files: list[tuple[str, str]]) -> int:
    count = 0
    with archive.open(f"{kind.name}.jsonl", "w", force_zip64=True) as out:
        rows: Iterator[dict] = kind.rows().order_by("pk").iterator(chunk_size=CHUNK)
        for row in rows:
            if kind.file_column:
                stored = row[kind.file_column]
                if kind.include_file(row):
                    row[kind.file_column] = _zip_name(kind, row)
                    files.append((stored, row[kind.file_column]))
                else:
                    row[kind.file_column] = None
            for computed, name in kind.renamed.items():
                row[name] = row.pop(computed)
            out.write(_line(row))
            count += 1
    return count


def _copy_files(archive: zipfile.ZipFile, files: list[tuple[str, str]]) -> list[str]:
    """Copy the uploaded files in, block by block; returns the names missing from storage."""
    missing = []
    for stored, name in files:
        try:
            source = default_storage.open(stored, "rb")
        except (FileNotFoundError, OSError):
            missing.append(name)
            continue
        with source, archive.open(name, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, FILE_BLOCK)
    return missing


def _write_archive(
    spool: IO[bytes], actor: Membership, organization: Organization, exported_at: datetime
) -> dict[str, Any]:
    """Write every kind, the files and the manifest into `spool`; returns the manifest."""
    counts: dict[str, int] = {}
    files: list[tuple[str, str]] = []
    with (
        organization_scope(organization),
        zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for kind in KINDS:
            counts[kind.name] = _write_kind(archive, kind, files)
        missing = _copy_files(archive, files)
        manifest = {
            "format": FORMAT,
            "organization": {"name": organization.name, "slug": organization.slug},
            "exported_at": exported_at.isoformat(),
            "exported_by": actor.user.email,
            "counts": counts,
            "files": {"included": len(files) - len(missing), "missing_from_storage": missing},
            "withheld": WITHHELD,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def organization_export_build(*, actor: Membership) -> OrganizationExport:
    """Write the organisation's export for one of its owners, and record it in the
    organisation's audit log. Anyone else is refused."""
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only the organisation's owners export the whole organisation.")
    organization: Organization = actor.organization
    exported_at = timezone.now()
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    try:
        manifest = _write_archive(spool, actor, organization, exported_at)
    except BaseException:
        spool.close()
        raise
    audit_record(
        organization=organization,
        actor=actor.user,
        action=AuditAction.ORGANIZATION_EXPORTED,
        details={"counts": manifest["counts"], "files": manifest["files"]["included"]},
    )
    spool.seek(0)
    return OrganizationExport(file=spool, manifest=manifest)


def organization_export_file_name(organization: Organization) -> str:
    return f"{organization.slug}-export-{timezone.localdate().isoformat()}.zip"


def organization_export_response(request: HttpRequest, membership: Membership) -> FileResponse:
    """The export as a download, streamed from its temporary file (which closes with it)."""
    export = organization_export_build(actor=membership)
    response = FileResponse(
        export.file,
        as_attachment=True,
        filename=organization_export_file_name(membership.organization),
        content_type=ZIP_CONTENT_TYPE,
    )
    if isinstance(request, ASGIRequest):
        response.streaming_content = _streamed(
            request, iter(lambda: export.file.read(FILE_BLOCK), b"")
        )
    return _download_headers(response)
