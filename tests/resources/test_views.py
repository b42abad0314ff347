"""The library and shared-space pages: who opens what, what a refused save shows and keeps, and
that downloads are checked and sandboxed."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from goals import services as goal_services
from goals.models import GoalProgressEntry
from organizations.scope import organization_scope
from programs.models import ProfileAnswer, Program
from resources import services
from resources.models import Resource, SharedItem
from tests.conftest import logged_in_client
from tests.goals.conftest import pair  # noqa: F401 - the fixture

PDF = b"%PDF-1.7\n" + b"x" * 50


@pytest.fixture
def setup(world, pair, stored_files):  # noqa: F811
    """The pair's program with a skill list and a small library, and a goal of the mentee's."""
    mw, mentorship = pair
    program = mentorship.cohort.program
    with organization_scope(world.alpha):
        Program.objects.filter(pk=program.pk).update(skills=["Public speaking", "Negotiation"])
    program.skills = ["Public speaking", "Negotiation"]
    owner = world.alpha_owner_membership

    def add(title, **kwargs):
        return services.resource_create(
            actor=owner, program=program,
            details=services.ResourceDetails(title=title, **{"kind": "link",
                                             "url": "https://example.com/r", **kwargs}),
        )  # fmt: skip

    library = {
        "speaking": add("Storytelling for talks", skills=("Public speaking",)),
        "guide": add("Your first mentoring meeting", audience="mentor", in_mentor_guide=True),
        "mentees": add("Making the most of mentoring", audience="mentee"),
    }
    goal = goal_services.goal_create(
        actor=mw.members["mentee0"], mentorship=mentorship,
        text=goal_services.GoalText(
            title="Speak at the all-hands", measure="A talk", why="",
            target_date=timezone.localdate() + datetime.timedelta(days=30),
        ),
    )  # fmt: skip
    return mw, mentorship, program, library, goal


def _url(name, world, **kwargs):
    return reverse(f"resources:{name}", kwargs={"org_slug": world.alpha.slug, **kwargs})


def _client(membership):
    return logged_in_client(membership.user)


def test_a_manager_adds_a_link_and_finds_it_in_the_library(world, setup):
    _, _, program, _, _ = setup
    client = logged_in_client(world.alpha_owner)
    page = client.get(_url("resource_create", world, program_id=program.pk))
    assert page.status_code == 200 and b"Public speaking" in page.content
    response = client.post(
        _url("resource_create", world, program_id=program.pk),
        {"kind": "article", "title": "Feedback that lands", "url": "https://example.com/fb",
         "audience": "both", "stage": "first_month", "skills": ["Negotiation"],
         "tags": "feedback, conversations"},
    )  # fmt: skip
    with organization_scope(world.alpha):
        resource = Resource.objects.get(title="Feedback that lands")
    assert response.status_code == 302 and response["Location"].endswith(f"/{resource.pk}/")
    assert (resource.skills, resource.tags) == (["Negotiation"], ["feedback", "conversations"])
    library = client.get(_url("library", world, program_id=program.pk))
    assert b"Feedback that lands" in library.content and b"0 opened" in library.content


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"kind": "link", "url": "not a web address"}, b"Give a full web address"),
        ({"kind": "event", "url": "https://example.com/join", "starts_at": "2027-03-02T10:00",
          "ends_at": "2027-03-02T09:00"}, b"It ends before it starts"),
        ({"kind": "file"}, b"Choose the file to upload"),
    ],
)  # fmt: skip
def test_a_refused_resource_shows_why_and_keeps_what_was_typed(world, setup, data, field_error):
    _, _, program, _, _ = setup
    response = logged_in_client(world.alpha_owner).post(
        _url("resource_create", world, program_id=program.pk),
        {"title": "Kept title", "audience": "both", "stage": "", **data},
    )
    assert response.status_code == 400
    assert field_error in response.content and b'value="Kept title"' in response.content
    with organization_scope(world.alpha):
        assert not Resource.objects.filter(title="Kept title").exists()


def test_a_file_of_a_forbidden_type_or_too_big_is_refused_and_nothing_stored(
    world, setup, settings, stored_files
):
    _, _, program, _, _ = setup
    client = logged_in_client(world.alpha_owner)
    url = _url("resource_create", world, program_id=program.pk)
    base = {"kind": "file", "title": "Slides", "audience": "both", "stage": ""}
    refused = client.post(url, {**base, "file": SimpleUploadedFile("run.exe", b"MZ\x90")})
    assert refused.status_code == 400 and b"run.exe" in refused.content
    settings.RESOURCE_FILE_MAX_BYTES = 10
    too_big = client.post(url, {**base, "file": SimpleUploadedFile("deck.pdf", PDF)})
    assert too_big.status_code == 400 and b"files can be at most" in too_big.content
    assert stored_files() == []
    settings.RESOURCE_FILE_MAX_BYTES = 10_000
    client.post(url, {**base, "file": SimpleUploadedFile("deck.pdf", PDF)})
    assert len(stored_files()) == 1


def test_participants_cannot_change_the_library(world, setup):
    mw, _, program, library, _ = setup
    client = _client(mw.members["mentee0"])
    assert client.get(_url("resource_create", world, program_id=program.pk)).status_code == 403
    resource_id = library["speaking"].pk
    assert client.get(_url("resource_edit", world, resource_id=resource_id)).status_code == 403
    assert client.post(_url("resource_delete", world, resource_id=resource_id)).status_code == 403
    with organization_scope(world.alpha):
        assert Resource.objects.filter(pk=resource_id).exists()


def test_a_mentee_sees_what_fits_them_with_the_reason_and_not_the_mentors_guide(world, setup):
    mw, _, program, _, _ = setup
    page = _client(mw.members["mentee0"]).get(_url("library", world, program_id=program.pk))
    assert page.status_code == 200
    text = page.content.decode()
    recommended = text[text.index("Recommended for you") : text.index("Everything in the")]
    assert "Storytelling for talks" in recommended
    assert "Matches your goal: Speak at the all-hands" in recommended
    assert "Your first mentoring meeting" not in text and "Mentor guide" not in text
    assert "Making the most of mentoring" in text and " opened" not in text


def test_a_mentor_sees_the_guide(world, setup):
    mw, _, program, _, _ = setup
    text = _client(mw.members["mentor0"]).get(_url("library", world, program_id=program.pk))
    text = text.content.decode()
    assert "Mentor guide" in text and "Your first mentoring meeting" in text
    assert "Making the most of mentoring" not in text


def test_search_narrows_the_library(world, setup):
    mw, _, program, _, _ = setup
    page = _client(mw.members["mentee0"]).get(
        _url("library", world, program_id=program.pk), {"q": "storytelling"}
    )
    assert b"1 result" in page.content and b"Storytelling for talks" in page.content
    assert b"Making the most" not in page.content


def test_someone_outside_the_program_gets_404(world, setup):
    _, _, program, library, _ = setup
    client = logged_in_client(world.alpha_member)
    assert client.get(_url("library", world, program_id=program.pk)).status_code == 404
    resource_id = library["speaking"].pk
    assert client.get(_url("resource", world, resource_id=resource_id)).status_code == 404


def test_opening_a_resource_counts_a_view_for_participants_only(world, setup):
    mw, _, _, library, _ = setup
    resource = library["speaking"]
    url = _url("resource", world, resource_id=resource.pk)
    assert _client(mw.members["mentee0"]).get(url).status_code == 200
    page = logged_in_client(world.alpha_owner).get(url)
    assert b"How it is used" in page.content
    with organization_scope(world.alpha):
        assert Resource.objects.get(pk=resource.pk).views == 1


def test_a_mentee_cannot_open_a_resource_meant_for_mentors(world, setup):
    mw, _, _, library, _ = setup
    url = _url("resource", world, resource_id=library["guide"].pk)
    assert _client(mw.members["mentee0"]).get(url).status_code == 404
    assert _client(mw.members["mentor0"]).get(url).status_code == 200


def test_a_resource_file_downloads_sandboxed_to_those_it_is_for(world, setup):
    mw, _, program, _, _ = setup
    resource = services.resource_create(
        actor=world.alpha_owner_membership, program=program,
        details=services.ResourceDetails(kind="file", title="Deck", audience="mentor"),
        upload=SimpleUploadedFile("deck.pdf", PDF),
    )  # fmt: skip
    url = _url("resource_file", world, resource_id=resource.pk)
    response = _client(mw.members["mentor0"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert _client(mw.members["mentee0"]).get(url).status_code == 404


def test_a_webinar_goes_in_a_calendar(world, setup):
    mw, _, program, _, _ = setup
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    webinar = services.resource_create(
        actor=world.alpha_owner_membership, program=program,
        details=services.ResourceDetails(
            kind="webinar", title="Feedback clinic", url="https://example.com/join",
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
        ),
    )  # fmt: skip
    client = _client(mw.members["mentee0"])
    library = client.get(_url("library", world, program_id=program.pk))
    assert b"Coming up" in library.content and b"Feedback clinic" in library.content
    response = client.get(_url("resource_calendar", world, resource_id=webinar.pk))
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts
    assert str(event["summary"]) == "Feedback clinic"
    assert str(event["location"]) == "https://example.com/join"
    link = _url("resource_calendar", world, resource_id=setup[3]["speaking"].pk)
    assert client.get(link).status_code == 404


def test_a_mentor_shares_to_a_goal_and_the_mentee_marks_it_done(world, setup):
    mw, mentorship, _, library, goal = setup
    mentor, mentee = _client(mw.members["mentor0"]), _client(mw.members["mentee0"])
    resource_page = mentor.get(_url("resource", world, resource_id=library["speaking"].pk))
    assert b"Share it in your mentorship" in resource_page.content
    assert f"Goal: {goal.title}".encode() in resource_page.content
    response = mentor.post(
        _url("resource_share", world, resource_id=library["speaking"].pk),
        {"share-mentorship": mentorship.pk, "share-attach_to": f"goal:{goal.pk}",
         "share-note": "Read the second part"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == _url("shared", world, mentorship_id=mentorship.pk)
    with organization_scope(world.alpha):
        item = SharedItem.objects.get(mentorship=mentorship)
    page = mentee.get(response["Location"])
    assert b"Read the second part" in page.content and b"Mark done" in page.content
    refused = mentor.post(_url("shared_done", world, item_id=item.pk), follow=True)
    assert b"The mentee marks" in refused.content
    mentee.post(_url("shared_done", world, item_id=item.pk))
    with organization_scope(world.alpha):
        assert SharedItem.objects.get(pk=item.pk).done_on == timezone.localdate()
        notes = list(GoalProgressEntry.objects.filter(goal=goal).values_list("note", flat=True))
        assert Resource.objects.get(pk=library["speaking"].pk).completions == 1
    assert "Done: Storytelling for talks" in notes


def test_sharing_to_a_goal_of_another_mentorship_is_refused(world, setup):
    mw, mentorship, _, library, _ = setup
    response = _client(mw.members["mentor0"]).post(
        _url("resource_share", world, resource_id=library["speaking"].pk),
        {"share-mentorship": mentorship.pk, "share-attach_to": "goal:999999"},
    )
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    with organization_scope(world.alpha):
        assert not SharedItem.objects.exists()


def test_someone_unmatched_sees_no_share_form(world, setup):
    mw, _, _, library, _ = setup
    client = _client(mw.members["mentee1"])
    page = client.get(_url("resource", world, resource_id=library["speaking"].pk))
    assert page.status_code == 200 and b"Share it in" not in page.content
    refused = client.post(_url("resource_share", world, resource_id=library["speaking"].pk))
    assert refused.status_code == 302


def test_the_pair_uploads_a_document_and_only_the_pair_reaches_it(world, setup, stored_files):
    mw, mentorship, _, _, goal = setup
    mentee = _client(mw.members["mentee0"])
    url = _url("shared_upload", world, mentorship_id=mentorship.pk)
    response = mentee.post(
        url, {"upload-file": SimpleUploadedFile("plan.txt", b"My talk plan"),
              "upload-title": "Talk plan", "upload-attach_to": f"goal:{goal.pk}"},
    )  # fmt: skip
    assert response.status_code == 302
    with organization_scope(world.alpha):
        item = SharedItem.objects.get(mentorship=mentorship)
    assert (item.title, item.goal_id) == ("Talk plan", goal.pk)
    file_url = _url("shared_file", world, item_id=item.pk)
    download = _client(mw.members["mentor0"]).get(file_url)
    assert b"".join(download.streaming_content) == b"My talk plan"
    assert "sandbox" in download["Content-Security-Policy"]
    shared_url = _url("shared", world, mentorship_id=mentorship.pk)
    for outsider in (logged_in_client(world.alpha_owner), _client(mw.members["mentee1"])):
        assert outsider.get(shared_url).status_code == 404
        assert outsider.get(file_url).status_code == 404
        assert outsider.post(_url("shared_done", world, item_id=item.pk)).status_code == 404
    bravo = logged_in_client(world.bravo_owner)
    assert bravo.get(file_url.replace(world.alpha.slug, world.bravo.slug)).status_code == 404


def test_a_refused_upload_shows_why_and_stores_nothing(world, setup, stored_files):
    mw, mentorship, _, _, _ = setup
    response = _client(mw.members["mentee0"]).post(
        _url("shared_upload", world, mentorship_id=mentorship.pk),
        {"upload-file": SimpleUploadedFile("page.html", b"<script>x</script>"),
         "upload-note": "Kept note"},
    )  # fmt: skip
    assert response.status_code == 400
    assert b"page.html" in response.content and b"Kept note" in response.content
    assert stored_files() == []
    with organization_scope(world.alpha):
        assert not SharedItem.objects.exists()


def test_only_the_sharer_removes_what_they_shared(world, setup, stored_files):
    mw, mentorship, _, _, _ = setup
    mentee = _client(mw.members["mentee0"])
    mentee.post(
        _url("shared_upload", world, mentorship_id=mentorship.pk),
        {"upload-file": SimpleUploadedFile("notes.txt", b"notes")},
    )
    with organization_scope(world.alpha):
        item = SharedItem.objects.get()
    refused = _client(mw.members["mentor0"]).post(
        _url("shared_remove", world, item_id=item.pk), follow=True
    )
    assert b"Only the one who shared it" in refused.content
    mentee.post(_url("shared_remove", world, item_id=item.pk))
    with organization_scope(world.alpha):
        assert not SharedItem.objects.exists()


def test_the_shared_tab_shows_for_the_pair_only(world, setup):
    mw, mentorship, _, _, _ = setup
    home = reverse(
        "relationships:mentorship",
        kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk},
    )
    shared = _url("shared", world, mentorship_id=mentorship.pk).encode()
    assert shared in _client(mw.members["mentee0"]).get(home).content
    assert shared not in logged_in_client(world.alpha_owner).get(home).content


def test_a_report_viewer_reads_the_library_with_its_counts_but_cannot_change_it(world, setup):
    from organizations.models import Membership, Role

    _, _, program, library, _ = setup
    with organization_scope(world.alpha):
        Membership.objects.filter(pk=world.alpha_member_membership.pk).update(
            role=Role.REPORT_VIEWER
        )
    client = logged_in_client(world.alpha_member)
    page = client.get(_url("library", world, program_id=program.pk))
    assert page.status_code == 200 and b"0 opened" in page.content
    assert b"Add a resource" not in page.content
    assert client.get(_url("resource_create", world, program_id=program.pk)).status_code == 403
    resource_id = library["speaking"].pk
    client.get(_url("resource", world, resource_id=resource_id))
    with organization_scope(world.alpha):
        assert Resource.objects.get(pk=resource_id).views == 0


def test_the_library_page_reads_the_same_number_of_queries_for_more_resources(
    world, setup, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mw, _, program, _, _ = setup
    with organization_scope(world.alpha):
        ProfileAnswer.objects.filter(enrolment__user=mw.members["mentee0"].user).delete()
    client = _client(mw.members["mentee0"])
    url = _url("library", world, program_id=program.pk)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for number in range(6):
        services.resource_create(
            actor=world.alpha_owner_membership, program=program,
            details=services.ResourceDetails(kind="link", title=f"More {number}",
                                             url="https://example.com/m",
                                             skills=("Public speaking",)),
        )  # fmt: skip
    assert count() == few
    assert few <= 20
