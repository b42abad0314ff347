"""The rules every export keeps, format by format and role by role: nothing anyone wrote leaves
in a file, an export costs the same queries whatever its size, bad filters get a clear answer
(never a 500, never another organisation's data), and every export is on the audit log with
its filters, a download cut short included."""

from __future__ import annotations

import datetime

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Role
from organizations.scope import organization_scope
from programs.models import Enrolment, ProfileAnswer
from reports.models import ReportAction
from tests.conftest import CANARY, logged_in_client
from tests.reports.test_exports import (
    EXPORTS,
    audits,
    body,
    csv_rows,
    member_with_role,
    pdf_text,
    url,
    xlsx_text,
)
from tests.reports.test_progress import (  # noqa: F401 - fixtures and helpers
    SECRET,
    add_pairs,
    pair,
    seeded,
    surveyed,
)
from tests.security.routes import _bravo_cohort

# Who reads reports, and so may export: the owner, an admin, the program's manager, a report
# viewer.
ROLES = ("owner", "admin", "program_manager", "report_viewer")


def client_for(world, role: str):
    user = {
        "owner": world.alpha_owner,
        "admin": world.alpha_admin,
        "program_manager": world.alpha_manager,
    }.get(role) or member_with_role(world, Role.REPORT_VIEWER, "viewer@example.test")
    return logged_in_client(user)


@pytest.fixture
def written(world, seeded):  # noqa: F811 - the imported fixture
    """Everything people write, each with SECRET: the seeded pair's messages (one deleted),
    meetings and a private note, goals, milestones, check-ins and their notes to the managers;
    survey texts, anonymous and not (surveyed's pairs); a profile answer."""
    from surveys import services as survey_services
    from tests.surveys import support

    _, quiet = surveyed(world)
    question = survey_services.question_create(
        actor=world.alpha_owner_membership, program=world.alpha_program, moment="mid_point",
        values=survey_services.QuestionSettings(label="What did you work on?", kind="text"),
    )  # fmt: skip
    with organization_scope(world.alpha):
        survey = question.survey
        by_kind = {q.kind: q for q in survey.questions.filter(anonymous=False)}
        ProfileAnswer.objects.create(
            organization=world.alpha, enrolment_id=seeded.mw.mentees["mentee0"].pk,
            question_key="story", question_label="Your story", question_kind="text",
            value=f"My story {SECRET}",
        )  # fmt: skip
    member = support.membership(world, quiet.mentor)
    survey_services.survey_respond(
        actor=member, mentorship=support.mentorship_for(member, quiet.mentorship.pk),
        survey=survey,
        answers={by_kind["scale"].pk: 3, by_kind["nps"].pk: 8, question.pk: f"Ours {SECRET}"},
    )  # fmt: skip
    return seeded


@pytest.mark.parametrize("role", ROLES)
def test_no_export_holds_a_word_anyone_wrote_for_any_role(world, written, role):
    client = client_for(world, role)
    marker = SECRET.encode()
    for name in ("progress_csv", "participants_csv"):
        response = client.get(url(world, name))
        assert response.status_code == 200
        content = body(response)
        assert marker not in content, name
        assert CANARY.encode() in content.lower(), f"{name}: the rows are there"
    progress = csv_rows(client.get(url(world, "progress_csv")))
    assert len(progress) == 1 + 3  # the seeded pair and surveyed's two
    assert {tuple(row[-3:]) for row in progress[1:]} == {
        ("", "", ""), ("3.0", "5.0", "8.67"), ("3.0", "", "8.0"),
    }  # fmt: skip
    workbook = xlsx_text(body(client.get(url(world, "progress_xlsx"))))
    assert SECRET not in workbook
    assert CANARY in workbook.lower()
    pdf = body(client.get(url(world, "progress_pdf")))
    assert marker not in pdf
    text = pdf_text(pdf)
    assert SECRET not in text
    assert "Mentor0 Alphacanary" in text  # at risk: listed
    # The marker is really there to leak, in each kind of words.
    from goals.models import CheckIn, Goal
    from meetings.models import MeetingPrivateNote
    from messaging.models import Message
    from surveys.models import SurveyAnswer

    with organization_scope(world.alpha):
        for model, field in (
            (Message, "body"), (Goal, "title"), (MeetingPrivateNote, "body"),
            (CheckIn, "note_to_manager"),
        ):  # fmt: skip
            assert model.objects.filter(**{f"{field}__contains": SECRET}).exists(), model
        texts = [str(value) for value in SurveyAnswer.objects.values_list("value", flat=True)]
        assert f"Anonymous {SECRET}" in texts and f"Ours {SECRET}" in texts


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
        assert response.status_code == 200
        body(response)
    return len(captured)


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_costs_the_same_queries_for_3_and_30_mentorships(
    world, name, django_assert_num_queries
):
    client = logged_in_client(world.alpha_owner)
    add_pairs(world, 3)
    client.get(url(world, name))  # the session's first request loads more
    few = _queries(client, url(world, name))
    add_pairs(world, 27, department="More")
    surveyed(world)  # two more pairs, with survey answers
    with django_assert_num_queries(few):
        content = body(client.get(url(world, name)))
    assert few <= 20
    if name == "progress_csv":
        assert content.decode().count("\n") == 1 + 3 + 27 + 2
    assert content


BAD_FILTERS = [
    ("since=2025-05-01&until=2025-04-01", "until", "The range ends before it starts"),
    ("since=2020-01-01&until=2025-01-01", "until", "at most three years"),
    ("since=yesterday", "since", "Give the date as YYYY-MM-DD"),
    ("until=2025-02-30", "until", "Give the date as YYYY-MM-DD"),
    ("program=abc", "program", "No such program"),
    ("program=99999999999999999999999", "program", "No such program"),
    ("cohort=x1", "cohort", "No such cohort"),
    ("cohort=99999999999999999999999", "cohort", "No such cohort"),
]


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize(("query", "field", "message"), BAD_FILTERS)
def test_bad_filters_get_a_clear_400(world, name, query, field, message):
    client = logged_in_client(world.alpha_owner)
    page = client.get(url(world, name, query))
    assert page.status_code == 400
    text = page.content.decode()
    assert message in text and "Nothing was exported" in text
    as_json = client.get(url(world, name, query), HTTP_ACCEPT="application/json")
    assert as_json.status_code == 400
    assert message in as_json.json()["errors"][field]
    assert audits(world) == []


@pytest.mark.parametrize("name", EXPORTS)
def test_another_organisations_program_or_cohort_is_a_400_naming_nothing(world, name):
    bravo = _bravo_cohort(world)
    client = logged_in_client(world.alpha_owner)
    for query, field in ((f"program={bravo['program_id']}", "program"),
                         (f"cohort={bravo['cohort_id']}", "cohort")):  # fmt: skip
        response = client.get(url(world, name, query), HTTP_ACCEPT="application/json")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {field}
        assert "Bravo" not in response.content.decode()
    assert audits(world) == []


ACTIONS = {
    "progress_csv": (ReportAction.EXPORT_CSV, "progress"),
    "progress_xlsx": (ReportAction.EXPORT_XLSX, "progress"),
    "progress_pdf": (ReportAction.EXPORT_PDF, "progress"),
    "participants_csv": (ReportAction.EXPORT_PARTICIPANTS, "participants"),
}


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_is_audited_with_who_what_and_the_filters(world, written, name):
    with organization_scope(world.alpha):
        department = Enrolment.objects.get(pk=written.mw.mentees["mentee0"].pk).department
    query = (
        f"program={world.alpha_program.pk}&cohort={world.alpha_cohort.pk}&since=2020-01-01"
        f"&until=2022-12-31&department={department}"
    )
    body(client_for(world, "report_viewer").get(url(world, name, query)))
    [entry] = audits(world)
    assert (entry.action, entry.report) == ACTIONS[name]
    assert entry.user.email == "viewer@example.test"
    assert entry.user_label == "Report_Viewer Person <viewer@example.test>"
    assert entry.filters == {
        "program": [world.alpha_program.pk], "cohort": world.alpha_cohort.pk,
        "since": "2020-01-01", "until": "2022-12-31", "department": department,
    }  # fmt: skip
    assert entry.rows == 0  # no mentorship ran then; the cohort's people are in none
    assert abs(entry.created_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(
        minutes=5
    )


def test_the_owner_reads_the_exports_on_the_audit_log(world, written):
    from django.urls import reverse

    for name in EXPORTS:
        body(client_for(world, "admin").get(url(world, name)))
    page = logged_in_client(world.alpha_owner).get(
        reverse("reports:audit_log", args=[world.alpha.slug])
    )
    text = page.content.decode()
    assert page.status_code == 200
    for label in ("Exported CSV", "Exported XLSX", "Exported PDF", "Exported the participants"):
        assert label in text
    assert logged_in_client(world.alpha_admin).get(
        reverse("reports:audit_log", args=[world.alpha.slug])
    ).status_code in (403, 404)


def test_a_download_cut_short_is_audited_with_the_rows_sent(world):
    """A client gone mid-download: the server closes the stream after its first block; the
    rows that left are on record, and the connection serves the next request."""
    from django.test import RequestFactory
    from django.urls import resolve

    add_pairs(world, 1500)
    request = RequestFactory().get(url(world, "progress_csv"))
    request.user = world.alpha_owner
    match = resolve(request.path)
    response = match.func(request, **match.kwargs)
    first = next(iter(response.streaming_content))
    # What the server does when the client is gone (as the test client does, the test's
    # transaction keeps its connection: request_finished would otherwise close it).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    [entry] = audits(world)
    sent = first.decode("utf-8").count("\n") - 1  # whole rows of the block, header aside
    assert entry.action == ReportAction.EXPORT_CSV
    assert entry.rows == sent and 0 < sent < 1500
    client = logged_in_client(world.alpha_owner)
    assert len(csv_rows(client.get(url(world, "progress_csv")))) == 1 + 1500
    assert [e.rows for e in audits(world)] == [entry.rows, 1500]
