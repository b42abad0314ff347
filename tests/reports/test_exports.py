"""HR exports: CSV, XLSX and PDF of the progress report, and the participants CSV, as HR reads
them: the rows, the file formats, the filters, who may export, the audit log, privacy and the
cost in queries."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from organizations.models import Role
from organizations.scope import organization_scope
from programs.models import Enrolment, ProfileAnswer
from reports.models import AuditEntry, ReportAction
from reports.progress import progress_headers
from tests.conftest import CANARY, _add_member, logged_in_client
from tests.factories import make_user
from tests.reports.test_progress import (  # noqa: F401 - fixtures and helpers
    SECRET,
    add_pairs,
    other_program_cohort,
    pair,
    seeded,
)
from tests.security.routes import _bravo_cohort


@pytest.fixture
def activity(seeded):  # noqa: F811 - the imported fixture
    """Alpha's pair with its meetings, messages, goals, check-ins and health."""
    return seeded


EXPORTS = ("progress_csv", "progress_xlsx", "progress_pdf", "participants_csv")


def url(world, name: str, query: str = "", org=None) -> str:
    path = reverse(f"exports:{name}", kwargs={"org_slug": (org or world.alpha).slug})
    return f"{path}?{query}" if query else path


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def audits(world) -> list[AuditEntry]:
    with organization_scope(world.alpha):
        return list(AuditEntry.objects.order_by("pk"))


def member_with_role(world, role: str, email: str):
    user = make_user(email, f"{role.title()} Person")
    _add_member(world.alpha, world.alpha_owner_membership, user, role)
    return user


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    """Every XML part of the workbook, uncompressed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist())


# CSV ------------------------------------------------------------------------------------------


def test_progress_csv_streams_the_rows_with_a_bom_and_a_dated_name(world, activity):
    response = logged_in_client(world.alpha_owner).get(url(world, "progress_csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="alpha-progress-{today}.csv"'
    assert audits(world) == [], "audited when the stream finishes, not before"
    header, *rows = csv_rows(response)
    assert tuple(header) == progress_headers()
    [row] = rows
    assert row[0] == str(activity.mentorship.pk)
    assert row[3:5] == ["Mentor0 Alphacanary", "Mentee0 Alphacanary"]
    assert row[9:19] == ["Active", "At risk", "2", "3", "3", "1", "2", "1", "2", "3.0"]
    assert row[19:] == ["", "", ""]  # no survey answers
    [entry] = audits(world)
    assert (entry.action, entry.report, entry.rows, entry.filters) == (
        ReportAction.EXPORT_CSV, "progress", 1, {},
    )  # fmt: skip
    assert entry.user == world.alpha_owner


def test_csv_keeps_accents_and_never_makes_a_formula_of_a_name(world):
    [pk] = add_pairs(world, 1)
    with organization_scope(world.alpha):
        Enrolment.objects.filter(mentorships_as_mentor=pk).update(full_name='=HYPERLINK("x")')
        Enrolment.objects.filter(mentorships_as_mentee__mentorship=pk).update(
            full_name="Zoë Ångström"
        )
    _, row = csv_rows(logged_in_client(world.alpha_owner).get(url(world, "progress_csv")))
    assert row[3] == '\'=HYPERLINK("x")'
    assert row[4] == "Zoë Ångström"


def test_csv_export_costs_the_same_queries_for_3_and_30_mentorships(world):
    client = logged_in_client(world.alpha_owner)
    add_pairs(world, 3)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(world, "progress_csv"))
            rows = csv_rows(response)
        return len(captured), len(rows) - 1

    few = queries()
    add_pairs(world, 27, department="More")
    many = queries()
    assert few[1] == 3 and many[1] == 30
    assert few[0] == many[0]
    assert many[0] <= 20


def test_csv_streams_through_asgi_too(world, activity):
    """Under ASGI the stream is an asynchronous iterator (Django would otherwise read it whole
    into memory first); the bytes are the same."""
    sync = body(logged_in_client(world.alpha_owner).get(url(world, "progress_csv")))
    client = AsyncClient()
    client.force_login(world.alpha_owner, backend="django.contrib.auth.backends.ModelBackend")

    async def fetch():
        response = await client.get(url(world, "progress_csv"))
        assert response.is_async
        return b"".join([part async for part in response.streaming_content])

    from asgiref.sync import async_to_sync

    assert async_to_sync(fetch)() == sync
    assert [e.rows for e in audits(world)] == [1, 1]


def test_participants_csv_has_one_row_per_enrolment_without_profile_answers(world, activity):
    with organization_scope(world.alpha):
        ProfileAnswer.objects.create(
            organization=world.alpha, enrolment_id=activity.mw.mentees["mentee0"].pk,
            question_key="story", question_label="Your story", question_kind="text",
            value=f"My story {SECRET}",
        )  # fmt: skip
        department = Enrolment.objects.get(pk=activity.mw.mentees["mentee0"].pk).department
    response = logged_in_client(world.alpha_owner).get(url(world, "participants_csv"))
    assert response.status_code == 200
    header, *rows = csv_rows(response)
    assert header == [
        "Name", "Email", "Role", "Program", "Cohort", "State", "Department", "Matched",
        "Mentorship status", "Mentorships",
    ]  # fmt: skip
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"Mentor0 Alphacanary", "Mentee0 Alphacanary", "Mentee1 Alphacanary"}
    assert by_name["Mentee0 Alphacanary"][1:] == [
        "mentee0@alphacanary.example", "Mentee", world.alpha_program.name,
        world.alpha_cohort.name, "Matched", department, "yes", "Active", "1",
    ]  # fmt: skip
    assert by_name["Mentee1 Alphacanary"][7:] == ["no", "", "0"]
    assert SECRET.encode() not in body(
        logged_in_client(world.alpha_owner).get(url(world, "participants_csv"))
    )
    assert [(e.action, e.report, e.rows) for e in audits(world)] == [
        (ReportAction.EXPORT_PARTICIPANTS, "participants", 3),
    ] * 2


def test_participants_follow_the_department_filter(world, activity):
    with organization_scope(world.alpha):
        department = Enrolment.objects.get(pk=activity.mw.mentees["mentee1"].pk).department
    response = logged_in_client(world.alpha_owner).get(
        url(world, "participants_csv", f"department={department.upper()}")
    )
    rows = csv_rows(response)[1:]
    assert "Mentee1 Alphacanary" in [row[0] for row in rows]
    assert all(row[6] == department for row in rows)


# XLSX -----------------------------------------------------------------------------------------


def test_xlsx_has_progress_summary_and_filters_sheets_with_a_formatted_header(world, activity):
    response = logged_in_client(world.alpha_owner).get(
        url(world, "progress_xlsx", f"cohort={world.alpha_cohort.pk}")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "alpha-progress-" in response["Content-Disposition"]
    content = body(response)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Progress", "Summary", "Filters"]
    sheet = workbook["Progress"]
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == progress_headers()
    first = sheet["A1"]
    assert first.font.bold
    assert first.fill.fgColor.rgb.endswith("DCE6F1")
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 20
    values = [cell.value for cell in sheet[2]]
    assert values[0] == activity.mentorship.pk
    assert values[6].date() == activity.mentorship.started_on
    assert values[9:19] == ["Active", "At risk", 2, 3, 3, 1, 2, 1, 2, 3]
    assert values[19:] == [None, None, None]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if row}
    assert summary["Active"] == 1 and summary["At risk"] == 1 and summary["Messages"] == 3
    about = dict(workbook["Filters"].iter_rows(values_only=True))
    assert about["Cohort"] == world.alpha_cohort.name
    assert about["Exported by"].startswith(world.alpha_owner.full_name)
    assert about["Rows"] == 1
    [entry] = audits(world)
    assert (entry.action, entry.rows, entry.filters) == (
        ReportAction.EXPORT_XLSX, 1, {"cohort": world.alpha_cohort.pk},
    )  # fmt: skip


def test_xlsx_never_runs_a_name_as_a_formula(world):
    [pk] = add_pairs(world, 1)
    with organization_scope(world.alpha):
        Enrolment.objects.filter(mentorships_as_mentor=pk).update(full_name="=1+1")
    content = body(logged_in_client(world.alpha_owner).get(url(world, "progress_xlsx")))
    assert openpyxl.load_workbook(io.BytesIO(content))["Progress"]["D2"].value == "=1+1"
    assert "<f>" not in xlsx_text(content)


# PDF ------------------------------------------------------------------------------------------


def test_pdf_is_a_short_summary_with_the_pairs_needing_attention(world, activity):
    add_pairs(world, 2)
    response = logged_in_client(world.alpha_owner).get(url(world, "progress_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = body(response)
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert 1 <= len(reader.pages) <= 2
    text = pdf_text(content)
    assert "Mentorship progress report" in text
    assert world.alpha.name in text
    assert "Pairs needing attention" in text
    assert "Mentor0 Alphacanary" in text  # at risk
    assert "Mentor 0 Plain" not in text  # no health yet: not listed
    assert "Health (latest snapshot)" in text
    [entry] = audits(world)
    assert (entry.action, entry.rows) == (ReportAction.EXPORT_PDF, 3)


# Empty, privacy -------------------------------------------------------------------------------


def test_an_empty_cohort_gives_valid_empty_files(world):
    cohort = other_program_cohort(world)
    client = logged_in_client(world.alpha_owner)
    query = f"cohort={cohort.pk}&program={cohort.program_id}"
    assert csv_rows(client.get(url(world, "progress_csv", query))) == [list(progress_headers())]
    assert len(csv_rows(client.get(url(world, "participants_csv", query)))) == 1
    sheet = openpyxl.load_workbook(
        io.BytesIO(body(client.get(url(world, "progress_xlsx", query))))
    )["Progress"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [list(progress_headers())]
    content = body(client.get(url(world, "progress_pdf", query)))
    assert "No mentorships match these filters" in pdf_text(content)
    assert [e.rows for e in audits(world)] == [0, 0, 0, 0]


def test_no_export_contains_what_the_pair_wrote(world, activity):
    client = logged_in_client(world.alpha_owner)
    marker = SECRET.encode()
    for name in ("progress_csv", "participants_csv"):
        assert marker not in body(client.get(url(world, name)))
    workbook = body(client.get(url(world, "progress_xlsx")))
    assert SECRET not in xlsx_text(workbook)
    pdf = body(client.get(url(world, "progress_pdf")))
    assert SECRET not in pdf_text(pdf)
    assert marker not in pdf
    # The marker is really there to be leaked: the pair's words carry it.
    from messaging.models import Message

    with organization_scope(world.alpha):
        assert Message.objects.filter(body__contains=SECRET).exists()


# Filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
def test_a_bad_range_is_a_400_with_the_message(world, name):
    client = logged_in_client(world.alpha_owner)
    response = client.get(url(world, name, "since=2025-05-01&until=2025-04-01"))
    assert response.status_code == 400
    assert "The range ends before it starts" in response.content.decode()
    assert "Back to" in response.content.decode()
    as_json = client.get(url(world, name, "since=2025-13-01"), HTTP_ACCEPT="application/json")
    assert as_json.status_code == 400
    assert as_json.json() == {
        "errors": {"since": "Give the date as YYYY-MM-DD (got “2025-13-01”)."}
    }
    assert audits(world) == []


@pytest.mark.parametrize("name", EXPORTS)
def test_another_organisations_program_is_refused_without_its_data(world, name):
    bravo = _bravo_cohort(world)
    client = logged_in_client(world.alpha_owner)
    for query in (f"program={bravo['program_id']}", f"cohort={bravo['cohort_id']}"):
        response = client.get(url(world, name, query))
        assert response.status_code in (400, 404)
        assert b"Bravo" not in body(response)
    assert audits(world) == []


def test_exports_answer_get_only(world):
    client = logged_in_client(world.alpha_owner)
    for name in EXPORTS:
        assert client.post(url(world, name)).status_code == 405


# Who may export -------------------------------------------------------------------------------


def test_report_viewers_export_every_program(world, activity):
    other = add_pairs(world, 1, cohort=other_program_cohort(world))
    viewer = member_with_role(world, Role.REPORT_VIEWER, "viewer@example.test")
    client = logged_in_client(viewer)
    for name in EXPORTS:
        assert client.get(url(world, name)).status_code == 200
    ids = [int(row[0]) for row in csv_rows(client.get(url(world, "progress_csv")))[1:]]
    assert ids == [activity.mentorship.pk, *other]


def test_members_may_not_export(world, activity):
    client = logged_in_client(world.alpha_member)
    for name in EXPORTS:
        response = client.get(url(world, name))
        assert response.status_code == 403
        assert b"Mentor0 Alphacanary" not in body(response)
    assert client.get(url(world, "progress_csv"), HTTP_ACCEPT="application/json").json() == {
        "detail": "Only owners, admins, program managers and report viewers read reports."
    }


def test_program_managers_export_only_their_programs(world, activity):
    cohort = other_program_cohort(world)
    add_pairs(world, 2, cohort=cohort)
    client = logged_in_client(world.alpha_manager)
    ids = [int(row[0]) for row in csv_rows(client.get(url(world, "progress_csv")))[1:]]
    assert ids == [activity.mentorship.pk]
    refused = client.get(url(world, "progress_csv", f"program={cohort.program_id}"))
    assert refused.status_code == 400
    assert b"Sales mentoring" not in body(refused)


def test_other_organisations_get_404(world):
    client = logged_in_client(world.bravo_owner)
    for name in EXPORTS:
        assert client.get(url(world, name)).status_code == 404


def test_another_organisations_exports_hold_none_of_alphas_rows(world, activity):
    """Bravo's owner exports Bravo's own reports: every format, none of Alpha's names."""
    _bravo_cohort(world)
    client = logged_in_client(world.bravo_owner)
    canary = CANARY.encode()
    for name in ("progress_csv", "participants_csv"):
        response = client.get(url(world, name, org=world.bravo))
        assert response.status_code == 200
        assert canary not in body(response).lower()
    participants = csv_rows(client.get(url(world, "participants_csv", org=world.bravo)))
    assert [row[0] for row in participants[1:]] == ["Bruno Bravo"]
    workbook = body(client.get(url(world, "progress_xlsx", org=world.bravo)))
    assert CANARY not in xlsx_text(workbook).lower()
    pdf = body(client.get(url(world, "progress_pdf", org=world.bravo)))
    assert CANARY not in pdf_text(pdf).lower()
    # Positive control: Alpha's own export does carry the marker.
    own = body(logged_in_client(world.alpha_owner).get(url(world, "progress_csv")))
    assert canary in own.lower()


# The CSV writer and the chunked rows on their own ------------------------------------------------


def test_the_csv_writer_neutralises_formulas_in_any_text_column_and_counts_rows():
    from reports.exports import csv_writer

    done = []
    plain = [(n, f"Name {n}", "Team") for n in range(1200)]
    risky = [
        (1, "+44 20 1234", "=cmd|' /C calc'!A0"),
        (2, "@SUM(A1)", "-Finance"),
        (3, "\tx", "ok"),
    ]
    blocks = list(
        csv_writer.csv_blocks(
            ("Id", "Name", "Department"), [plain, risky, []], text_columns=(1, 2),
            on_done=done.append,
        )
    )  # fmt: skip
    text = b"".join(blocks).decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert done == [1203]
    assert rows[0] == ["Id", "Name", "Department"]
    assert rows[1:3] == [["0", "Name 0", "Team"], ["1", "Name 1", "Team"]]
    assert rows[-3:] == [
        ["1", "'+44 20 1234", "'=cmd|' /C calc'!A0"],
        ["2", "'@SUM(A1)", "'-Finance"],
        ["3", "'\tx", "ok"],
    ]
    assert sum(1 for block in blocks if block) >= 1
    assert all(len(block) < 2 * csv_writer.BLOCK_SIZE for block in blocks)


def test_leaving_the_rows_half_read_leaves_the_connection_usable(world, activity):
    """A client that disconnects mid-download closes the generator between chunks: its
    queries are settled (on PostgreSQL, the pipeline is closed) and the next query works."""
    from reports.filters import parse_filters
    from reports.progress import progress_chunks

    add_pairs(world, 40)
    filters = parse_filters(world.alpha_owner_membership, {})
    chunks = progress_chunks(world.alpha, filters, extra_columns=(), chunk_size=10)
    first = next(chunks)
    assert len(first) == 10
    if connection.vendor == "postgresql":
        from psycopg.pq import PipelineStatus

        # The next chunk's queries are on their way while this one is read.
        assert connection.connection.pgconn.pipeline_status == PipelineStatus.ON
    chunks.close()
    if connection.vendor == "postgresql":
        assert connection.connection.pgconn.pipeline_status == PipelineStatus.OFF
    with organization_scope(world.alpha):
        assert AuditEntry.objects.count() == 0
        assert Enrolment.objects.filter(cohort=world.alpha_cohort).count() > 80
    assert (
        sum(map(len, progress_chunks(world.alpha, filters, extra_columns=(), chunk_size=10))) == 41
    )
