"""The resources API: the program's managers write the library, its participants read what is
meant for them (counts only for managers and report viewers), recommendations with reasons,
and what a pair shares: only the pair reaches it. Refusals are 400 with the field and store
nothing; lists read in a constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goals import services as goal_services
from goals.models import GoalProgressEntry
from matching import services as matching_services
from organizations.models import Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import ProfileAnswer
from resources import services, sharing
from resources.models import Resource, SharedItem
from tests.conftest import _add_member, logged_in_api_client
from tests.factories import make_user
from tests.goals.conftest import pair  # noqa: F401 - the fixture
from tests.matching.test_requests import ask

ORG = "/api/v1/orgs/alpha/"
PDF = b"%PDF-1.7\n" + b"x" * 50
SOON = timezone.now() + datetime.timedelta(days=3)


def library_url(program, action: str = "") -> str:
    return f"{ORG}programs/{program.pk}/resources/" + (f"{action}/" if action else "")


def resource_url(resource_id: int, action: str = "") -> str:
    return f"{ORG}resources/{resource_id}/" + (f"{action}/" if action else "")


def shared_url(mentorship) -> str:
    return f"{ORG}mentorships/{mentorship.pk}/shared/"


def item_url(item_id: int, action: str = "") -> str:
    return f"{ORG}shared/{item_id}/" + (f"{action}/" if action else "")


def client_of(membership):
    return logged_in_api_client(membership.user)


def add(world, program, title: str, **details) -> Resource:
    values = {"kind": "link", "title": title, "url": "https://example.com/r"}
    return services.resource_create(
        actor=world.alpha_owner_membership,
        program=program,
        details=services.ResourceDetails(**{**values, **details}),
    )


def resources_stored(world) -> int:
    with organization_scope(world.alpha):
        return Resource.objects.count()


def download(response) -> bytes:
    return b"".join(response.streaming_content)


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def mentee(world, program):
    """Alpha's member, taking part in the program as a mentee."""
    program_services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership, cohort=world.alpha_cohort,
        member=world.alpha_member_membership, role="mentee",
    )  # fmt: skip
    return world.alpha_member_membership


@pytest.fixture
def viewer(world):
    user = make_user("viewer@example.com", "Vera Viewer")
    return _add_member(world.alpha, world.alpha_owner_membership, user, Role.REPORT_VIEWER)


@pytest.fixture
def library(world, program):
    return {
        "story": add(world, program, "Storytelling for presentations",
                     skills=("Public speaking",), tags=("talks",)),
        "guide": add(world, program, "How to run a first meeting", audience="mentor"),
        "feedback": add(world, program, "Asking for feedback", audience="mentee",
                        description="Questions that get useful answers."),
    }  # fmt: skip


# Writing the library --------------------------------------------------------------------------


def test_a_manager_adds_a_link_a_file_and_a_webinar(world, program, stored_files):
    manager = logged_in_api_client(world.alpha_manager)
    link = manager.post(
        library_url(program),
        {"kind": "link", "title": "Storytelling", "url": "https://example.com/story",
         "tags": ["talks", "talks"], "skills": ["public speaking"], "audience": "mentee"},
        format="json",
    )  # fmt: skip
    assert link.status_code == 201, link.json()
    body = link.json()
    assert (body["kind"], body["tags"], body["skills"]) == ("link", ["talks"], ["Public speaking"])
    assert (body["file_url"], body["starts_at"], body["views"]) == (None, None, 0)

    upload = SimpleUploadedFile("handbook.pdf", PDF, content_type="text/html")
    file = manager.post(
        library_url(program),
        {"kind": "file", "title": "The handbook", "file": upload, "tags": ["guide", "start"]},
        format="multipart",
    )
    assert file.status_code == 201, file.json()
    body = file.json()
    assert (body["file_name"], body["content_type"], body["size"]) == (
        "handbook.pdf", "application/pdf", len(PDF),
    )  # fmt: skip
    assert body["file_url"] == resource_url(body["id"], "file")
    assert body["tags"] == ["guide", "start"]

    webinar = manager.post(
        library_url(program),
        {"kind": "webinar", "title": "Live Q&A", "url": "https://example.com/join",
         "starts_at": SOON.isoformat(),
         "ends_at": (SOON + datetime.timedelta(hours=1)).isoformat()},
        format="json",
    )  # fmt: skip
    assert webinar.status_code == 201, webinar.json()
    assert webinar.json()["starts_at"] is not None
    assert resources_stored(world) == 3
    assert len(stored_files()) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "link", "title": "Bad", "url": "javascript:alert(1)"}, "url"),
        (
            {"kind": "event", "title": "Backwards", "url": "https://example.com/e",
             "starts_at": SOON.isoformat(),
             "ends_at": (SOON - datetime.timedelta(hours=1)).isoformat()},
            "ends_at",
        ),
        ({"kind": "file", "title": "Page", "file": ("page.html", b"<script>x</script>")}, "file"),
        ({"kind": "file", "title": "Fake", "file": ("fake.pdf", b"<html>")}, "file"),
        ({"kind": "link", "title": "Skill", "url": "https://e.com", "skills": ["Cooking"]}, "skills"),
    ],
)  # fmt: skip
def test_refused_resources_answer_400_with_the_field_and_store_nothing(
    world, program, stored_files, body, field
):
    if "file" in body:
        body = {**body, "file": SimpleUploadedFile(*body["file"])}
    response = client_of(world.alpha_owner_membership).post(
        library_url(program), body, format="multipart" if "file" in body else "json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert resources_stored(world) == 0
    assert stored_files() == []


def test_a_participant_may_not_add_a_resource(world, program, mentee):
    response = client_of(mentee).post(library_url(program), {"kind": "nonsense"}, format="json")
    assert response.status_code == 403  # before the body is read: not field errors
    assert resources_stored(world) == 0


def test_a_report_viewer_reads_the_counts_but_may_not_add(world, program, library, viewer):
    client = client_of(viewer)
    response = client.get(library_url(program))
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert all(row["views"] == 0 for row in response.json()["results"])
    refused = client.post(
        library_url(program),
        {"kind": "link", "title": "Mine", "url": "https://example.com"},
        format="json",
    )
    assert refused.status_code == 403
    assert resources_stored(world) == 3


def test_a_manager_changes_part_of_a_resource_and_removes_it(world, program, library, mentee):
    story = library["story"]
    manager = logged_in_api_client(world.alpha_manager)
    response = manager.patch(resource_url(story.pk), {"title": "Telling stories"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["title"], body["url"], body["skills"], body["tags"]) == (
        "Telling stories", "https://example.com/r", ["Public speaking"], ["talks"],
    )  # fmt: skip
    refused = manager.patch(resource_url(story.pk), {"url": "ftp://x"}, format="json")
    assert refused.status_code == 400
    assert "url" in refused.json()["fields"]
    assert client_of(mentee).patch(resource_url(story.pk), {"title": "x"}).status_code == 403
    assert client_of(mentee).delete(resource_url(story.pk)).status_code == 403
    assert manager.delete(resource_url(story.pk)).status_code == 204
    assert resources_stored(world) == 2


# Reading the library --------------------------------------------------------------------------


def test_a_participant_reads_what_is_meant_for_them_without_counts(world, program, library, mentee):
    response = client_of(mentee).get(library_url(program))
    assert response.status_code == 200
    assert titles(response) == ["Asking for feedback", "Storytelling for presentations"]
    row = response.json()["results"][0]
    assert (row["views"], row["shares"], row["completions"]) == (None, None, None)
    assert client_of(mentee).get(resource_url(library["guide"].pk)).status_code == 404


def test_a_manager_reads_everything_with_counts(world, program, library):
    services.resource_counted(
        organization=world.alpha, resource_id=library["story"].pk, what="views"
    )
    response = client_of(world.alpha_owner_membership).get(library_url(program))
    counts = {row["title"]: row["views"] for row in response.json()["results"]}
    assert counts == {
        "Asking for feedback": 0,
        "How to run a first meeting": 0,
        "Storytelling for presentations": 1,
    }


def test_search_and_kind_narrow_the_library(world, program, library):
    add(world, program, "Feedback webinar", kind="webinar", url="https://example.com/w",
        starts_at=SOON, ends_at=SOON + datetime.timedelta(hours=1))  # fmt: skip
    client = client_of(world.alpha_owner_membership)
    assert titles(client.get(library_url(program), {"q": "talks"})) == [
        "Storytelling for presentations"
    ]
    assert titles(client.get(library_url(program), {"kind": "webinar"})) == ["Feedback webinar"]
    assert titles(client.get(library_url(program), {"q": "feedback", "kind": "link"})) == [
        "Asking for feedback"
    ]


def test_an_unknown_kind_is_400_with_the_field(world, program, library):
    response = client_of(world.alpha_owner_membership).get(library_url(program), {"kind": "video"})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_someone_outside_the_program_gets_404(world, program, library):
    client = client_of(world.alpha_member_membership)  # not enrolled
    assert client.get(library_url(program)).status_code == 404
    assert client.get(library_url(program, "recommended")).status_code == 404
    assert client.post(library_url(program), {}, format="json").status_code == 404
    assert client.get(resource_url(library["story"].pk)).status_code == 404


def test_opening_a_resource_counts_a_view_for_participants_only(
    world, program, library, mentee, viewer
):
    story = library["story"]
    response = client_of(mentee).get(resource_url(story.pk))
    assert response.status_code == 200
    assert response.json()["views"] is None
    client_of(world.alpha_owner_membership).get(resource_url(story.pk))
    logged_in_api_client(world.alpha_manager).get(resource_url(story.pk))
    client_of(viewer).get(resource_url(story.pk))
    story.refresh_from_db()
    assert story.views == 1
    assert client_of(world.alpha_owner_membership).get(resource_url(story.pk)).json()["views"] == 1


def test_a_resource_file_downloads_sandboxed(world, program, mentee, stored_files):
    file = services.resource_create(
        actor=world.alpha_owner_membership, program=program,
        details=services.ResourceDetails(kind="file", title="Handbook"),
        upload=SimpleUploadedFile("handbook.pdf", PDF),
    )  # fmt: skip
    link = add(world, program, "A link")
    response = client_of(mentee).get(resource_url(file.pk, "file"))
    assert response.status_code == 200
    assert download(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_of(mentee).get(resource_url(link.pk, "file")).status_code == 404


def test_recommendations_come_with_their_reasons(world, pair):  # noqa: F811
    mw, mentorship = pair
    program = mentorship.cohort.program
    from programs.models import Program

    with organization_scope(world.alpha):
        Program.objects.filter(pk=program.pk).update(skills=["Public speaking"])
        ProfileAnswer.objects.filter(
            enrolment=mw.mentees["mentee0"], question_key="skills_wanted"
        ).update(value=["Public speaking"])
    program.skills = ["Public speaking"]
    add(world, program, "Storytelling", skills=("Public speaking",))
    add(world, program, "Unrelated")
    response = client_of(mw.members["mentee0"]).get(library_url(program, "recommended"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["resource"]["title"], row["reasons"]) for row in rows] == [
        ("Storytelling", ["you want to grow: Public speaking"])
    ]
    assert rows[0]["resource"]["views"] is None


# What a pair shares ---------------------------------------------------------------------------


@pytest.fixture
def shared(world, pair):  # noqa: F811
    """The pair, a resource of their program and a goal of the mentee."""
    mw, mentorship = pair
    program = mentorship.cohort.program
    resource = add(world, program, "Storytelling", url="https://example.com/story")
    goal = goal_services.goal_create(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        text=goal_services.GoalText(
            title="Speak at the all-hands", measure="A talk", why="",
            target_date=timezone.localdate() + datetime.timedelta(days=30),
        ),
    )  # fmt: skip
    return mw, mentorship, resource, goal


def test_the_mentor_shares_a_resource_attached_to_a_goal(world, shared):
    mw, mentorship, resource, goal = shared
    mentor = client_of(mw.members["mentor0"])
    response = mentor.post(
        shared_url(mentorship),
        {"resource": resource.pk, "note": "Chapter 2", "goal": goal.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["resource"], body["title"], body["goal"], body["file_url"]) == (
        resource.pk, "Storytelling", goal.pk, None,
    )  # fmt: skip
    assert body["shared_by"] == "Mentor0 Alphacanary"
    listed = client_of(mw.members["mentee0"]).get(shared_url(mentorship))
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert client_of(mw.members["mentee0"]).get(item_url(body["id"])).json()["note"] == "Chapter 2"
    # The item's file route is for documents: a library resource is read through the resource.
    assert mentor.get(item_url(body["id"], "file")).status_code == 404


def test_the_mentee_uploads_a_document_and_both_download_it(world, shared, stored_files):
    mw, mentorship, _, goal = shared
    response = client_of(mw.members["mentee0"]).post(
        shared_url(mentorship),
        {"file": SimpleUploadedFile("draft.pdf", PDF), "title": "My draft", "goal": goal.pk},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["title"], body["file_name"], body["resource"]) == ("My draft", "draft.pdf", None)
    assert body["file_url"] == item_url(body["id"], "file")
    download_response = client_of(mw.members["mentor0"]).get(body["file_url"])
    assert download_response.status_code == 200
    assert download(download_response) == PDF
    assert "sandbox" in download_response["Content-Security-Policy"]
    assert download_response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download_response["Content-Disposition"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "Nothing to share"}, "resource"),
        ({"resource": "RESOURCE", "file": ("a.pdf", PDF)}, "file"),
        ({"file": ("page.html", b"<script>")}, "file"),
        ({"resource": "RESOURCE", "goal": 987654}, "goal"),
        ({"resource": 987654}, "resource"),
    ],
)
def test_refused_shares_answer_400_with_the_field(world, shared, stored_files, body, field):
    mw, mentorship, resource, _ = shared
    body = {key: resource.pk if value == "RESOURCE" else value for key, value in body.items()}
    if "file" in body:
        body["file"] = SimpleUploadedFile(*body["file"])
    response = client_of(mw.members["mentee0"]).post(
        shared_url(mentorship), body, format="multipart" if "file" in body else "json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    with organization_scope(world.alpha):
        assert SharedItem.objects.count() == 0
    assert stored_files() == []


def test_the_mentee_marks_it_done_and_the_goal_remembers(world, shared):
    mw, mentorship, resource, goal = shared
    item = sharing.resource_share(
        actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk,
        goal_id=goal.pk,
    )  # fmt: skip
    refused = client_of(mw.members["mentor0"]).post(item_url(item.pk, "done"), format="json")
    assert refused.status_code == 403
    mentee = client_of(mw.members["mentee0"])
    response = mentee.post(item_url(item.pk, "done"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["done_on"] == timezone.localdate().isoformat()
    with organization_scope(world.alpha):
        notes = list(GoalProgressEntry.objects.filter(goal=goal).values_list("note", flat=True))
    assert "Done: Storytelling" in notes
    undone = mentee.post(item_url(item.pk, "done"), {"done": False}, format="json")
    assert undone.json()["done_on"] is None
    resource.refresh_from_db()
    # Undone takes its completion back: the count is of things done now.
    assert (resource.shares, resource.completions) == (1, 0)


def test_only_the_sharer_takes_it_back(world, shared):
    mw, mentorship, resource, _ = shared
    item = sharing.resource_share(
        actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk
    )
    assert client_of(mw.members["mentee0"]).delete(item_url(item.pk)).status_code == 403
    assert client_of(mw.members["mentor0"]).delete(item_url(item.pk)).status_code == 204
    with organization_scope(world.alpha):
        assert not SharedItem.objects.exists()


@pytest.fixture
def other_pair_member(world, shared, django_capture_on_commit_callbacks):
    """mentee1, in a mentorship of their own with the same mentor."""
    mw = shared[0]
    request = ask(mw, "mentee1", "mentor0")
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.mentorship_request_accept(
            actor=mw.members["mentor0"], request_id=request.pk
        )
    return mw.members["mentee1"]


def test_only_the_pair_reaches_what_it_shares(world, shared, other_pair_member, stored_files):
    mw, mentorship, _, _ = shared
    item = sharing.document_share(
        actor=mw.members["mentee0"], mentorship=mentorship,
        upload=SimpleUploadedFile("draft.pdf", PDF),
    )  # fmt: skip
    for outsider in (
        logged_in_api_client(world.alpha_manager),  # runs the program
        client_of(world.alpha_owner_membership),
        client_of(other_pair_member),
        logged_in_api_client(world.bravo_owner),
    ):
        assert outsider.get(shared_url(mentorship)).status_code == 404
        assert outsider.post(shared_url(mentorship), {}, format="json").status_code == 404
        assert outsider.get(item_url(item.pk)).status_code == 404
        assert outsider.delete(item_url(item.pk)).status_code == 404
        assert outsider.post(item_url(item.pk, "done"), format="json").status_code == 404
        assert outsider.get(item_url(item.pk, "file")).status_code == 404
    with organization_scope(world.alpha):
        assert SharedItem.objects.filter(pk=item.pk).exists()


def test_another_organisation_gets_404_for_alphas_library(world, program, library):
    bravo = logged_in_api_client(world.bravo_owner)
    story = library["story"]
    for url in (
        library_url(program),
        resource_url(story.pk),
        resource_url(story.pk, "file"),
        f"/api/v1/orgs/bravo/resources/{story.pk}/",
        f"/api/v1/orgs/bravo/programs/{program.pk}/resources/",
    ):
        assert bravo.get(url).status_code == 404, url
    assert bravo.delete(f"/api/v1/orgs/bravo/resources/{story.pk}/").status_code == 404
    assert resources_stored(world) == 3


# Query counts ---------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    client.get(url)  # the session is warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_library_reads_in_a_constant_number_of_queries(
    world, program, mentee, django_assert_max_num_queries
):
    add(world, program, "Resource 0", audience="mentee")
    clients = {
        "manager": logged_in_api_client(world.alpha_manager),
        "mentee": client_of(mentee),
    }
    with_one = {who: _queries(client, library_url(program)) for who, client in clients.items()}
    for number in range(1, 5):
        add(world, program, f"Resource {number}", tags=("tag",))
    for who, client in clients.items():
        # Session, user, organisation, membership, the program, the sides the reader reads
        # (asked twice: whether a program manager runs it, or a participant's enrolments), the
        # resources.
        with django_assert_max_num_queries(with_one[who]):
            response = client.get(library_url(program))
        assert response.json()["count"] == 5
        assert with_one[who] <= 8


def test_the_shared_list_reads_in_a_constant_number_of_queries(
    world, shared, stored_files, django_assert_max_num_queries
):
    mw, mentorship, resource, goal = shared
    sharing.resource_share(
        actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk,
        goal_id=goal.pk,
    )  # fmt: skip
    client = client_of(mw.members["mentee0"])
    with_one = _queries(client, shared_url(mentorship))
    for number in range(4):
        sharing.document_share(
            actor=mw.members["mentee0" if number % 2 else "mentor0"], mentorship=mentorship,
            upload=SimpleUploadedFile(f"doc{number}.pdf", PDF), goal_id=goal.pk,
        )  # fmt: skip
    # Session, user, organisation, membership, the mentorship with its people (4), the items
    # with their resource, goal, milestone and sharer.
    with django_assert_max_num_queries(with_one):
        response = client.get(shared_url(mentorship))
    assert response.json()["count"] == 5
    assert len({row["shared_by"] for row in response.json()["results"]}) == 2
    assert with_one <= 9
