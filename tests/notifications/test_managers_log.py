"""A mentorship's nudge log and the notes its managers send: who reads it, what it says, a
fixed number of queries, one row and one email per person, their preferences, the limits."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import managers
from notifications.delivery import Draft, notify
from notifications.models import EmailState, Notification
from notifications.preferences import preferences_update
from organizations.models import Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import Mentorship, MentorshipStatus
from programs.services import ProgramSettings
from tests.conftest import _add_member, logged_in_api_client, logged_in_client
from tests.factories import make_user
from tests.goals.conftest import pair  # noqa: F401 - the fixture

MEETING_TITLE = "Lunch at Rosa's to talk about my divorce"


@pytest.fixture
def mentorship_pair(pair):  # noqa: F811 - the imported fixture
    """(mw, mentorship): mentee0 mentored by mentor0 in Alpha's program (see tests.goals)."""
    return pair


def _manager(world):
    return world.membership(world.alpha, world.alpha_manager)


def _url(world, mentorship) -> str:
    return reverse(
        "nudges:mentorship_log",
        kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk},
    )


def _api_url(world, mentorship) -> str:
    return reverse(
        "api_mentorship_nudges",
        kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk},
    )


def _rows(world, mentorship, **filters) -> list[Notification]:
    """The mentorship's notes from its managers (its start was announced too)."""
    filters.setdefault("kind", "manual_nudge")
    with organization_scope(world.alpha):
        return list(
            Notification.objects.filter(mentorship_id=mentorship.pk, **filters).order_by("pk")
        )


def _people(mw):
    return mw.members["mentor0"].user, mw.members["mentee0"].user


def _reminders(world, mw, mentorship, count: int = 1) -> None:
    """Reminders the scans would have sent the pair (and its manager)."""
    _, mentee = _people(mw)
    drafts = []
    for number in range(count):
        drafts.append(Draft(
            kind="pair_inactive", occurrence=f"test:{mentorship.pk}:{number}", user_id=mentee.pk,
            title="You and your mentor have not been in touch for 14 days",
            mentorship_id=mentorship.pk, sent_by_id=world.alpha_manager.pk if number % 2 else None,
        ))  # fmt: skip
    notify(world.alpha, drafts)


def _send(world, mentorship, capture, **kwargs):
    with capture(execute=True):
        return managers.nudge_send(
            actor=kwargs.pop("actor", _manager(world)),
            mentorship=mentorship,
            message=kwargs.pop("message", "How did the first meeting go?"),
            to=kwargs.pop("to", "both"),
        )


# Reading the log ------------------------------------------------------------------------------


def test_the_log_lists_the_pairs_notifications_with_their_states(world, mentorship_pair):
    mw, mentorship = mentorship_pair
    mentor, mentee = _people(mw)
    notify(world.alpha, [
        Draft(kind="pair_inactive", occurrence="t:1", user_id=mentee.pk,
              title="No contact for 7 days", mentorship_id=mentorship.pk),
        Draft(kind="meeting_reminder", occurrence="t:2", user_id=mentor.pk,
              title=f"Tomorrow: {MEETING_TITLE}", body=f"{MEETING_TITLE} at noon",
              mentorship_id=mentorship.pk),
        Draft(kind="pair_escalation", occurrence="t:3", user_id=world.alpha_manager.pk,
              title="A pair has had no contact for 21 days", mentorship_id=mentorship.pk),
        Draft(kind="agreement_pending", occurrence="t:4", user_id=mentor.pk,
              title="Your agreement is not confirmed yet", mentorship_id=mentorship.pk),
    ])  # fmt: skip
    with organization_scope(world.alpha):
        Notification.objects.filter(kind="pair_inactive").update(
            email_state=EmailState.SENT, read_at=timezone.now()
        )
        Notification.objects.filter(kind="agreement_pending").update(
            email_state=EmailState.FAILED, email_error="SMTPServerDisconnected: gone"
        )
        Notification.objects.filter(kind="pair_escalation").update(
            email_state=EmailState.PENDING,
            email_due_at=timezone.now() + datetime.timedelta(hours=5),
        )
        Notification.objects.filter(kind="meeting_reminder").update(
            email_state=EmailState.NONE, in_app=False
        )
    # Another mentorship's notification stays out.
    notify(world.alpha, [Draft(kind="pair_inactive", occurrence="t:other", user_id=mentee.pk,
                               title="Someone else's reminder")])  # fmt: skip
    page = logged_in_client(world.alpha_manager).get(_url(world, mentorship))
    assert page.status_code == 200
    text = page.content.decode()
    assert "No contact for 7 days" in text and "Emailed" in text and "read in the app" in text
    assert "Email failed" in text and "SMTPServerDisconnected: gone" in text
    assert "Email waits for their quiet hours to end" in text
    assert "A pair has had no contact for 21 days" in text and "program manager" in text
    assert "Not emailed" in text and "not in the app (off in their settings)" in text
    # A meeting's title is the pair's: the managers read the kind, never its words.
    assert "Meeting reminder" in text and "Rosa" not in text
    assert "Its title names the pair&#x27;s meeting, so it is not shown" in text
    assert "Someone else" not in text
    # Newest first.
    assert text.index("Your agreement is not confirmed") < text.index("No contact for 7 days")


def test_the_logs_queries_do_not_grow_with_its_rows(world, mentorship_pair):
    mw, mentorship = mentorship_pair
    client = logged_in_client(world.alpha_manager)
    url = _url(world, mentorship)
    with organization_scope(world.alpha):
        Notification.objects.filter(mentorship_id=mentorship.pk).delete()  # its announcement
    _reminders(world, mw, mentorship, count=1)
    client.get(url)  # warm up the session and caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    with organization_scope(world.alpha):
        Notification.objects.filter(mentorship_id=mentorship.pk).delete()
    _reminders(world, mw, mentorship, count=20)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)
    assert response.content.decode().count("have not been in touch") == 20
    assert len(twenty) == len(one)
    api = logged_in_api_client(world.alpha_manager)
    with CaptureQueriesContext(connection) as by_api:
        assert len(api.get(_api_url(world, mentorship)).json()["results"]) == 20
    with organization_scope(world.alpha):
        Notification.objects.filter(mentorship_id=mentorship.pk).exclude(
            pk=Notification.objects.filter(mentorship_id=mentorship.pk).order_by("pk").first().pk
        ).delete()
    with CaptureQueriesContext(connection) as by_api_one:
        assert len(api.get(_api_url(world, mentorship)).json()["results"]) == 1
    assert len(by_api) == len(by_api_one)


def test_the_log_is_paginated_by_fifty(world, mentorship_pair):
    mw, mentorship = mentorship_pair
    with organization_scope(world.alpha):
        Notification.objects.filter(mentorship_id=mentorship.pk).delete()  # its announcement
    _reminders(world, mw, mentorship, count=51)
    client = logged_in_client(world.alpha_manager)
    first = client.get(_url(world, mentorship)).content.decode()
    assert first.count("have not been in touch") == 50 and "Page 1 of 2" in first
    second = client.get(_url(world, mentorship) + "?page=2").content.decode()
    assert second.count("have not been in touch") == 1
    api = logged_in_api_client(world.alpha_manager).get(_api_url(world, mentorship)).json()
    assert api["count"] == 51 and len(api["results"]) == 50


def test_the_pair_and_other_programs_managers_get_404(world, mentorship_pair):
    mw, mentorship = mentorship_pair
    other_manager = make_user("other-pm@alphacanary.example", "Otto Other")
    other = _add_member(
        world.alpha, world.alpha_owner_membership, other_manager, Role.PROGRAM_MANAGER
    )
    program = program_services.program_create(
        actor_membership=world.alpha_owner_membership,
        values=ProgramSettings(name="Other program", purpose="Other"),
    )
    program_services.program_manager_assign(
        actor_membership=world.alpha_owner_membership, program=program, user_id=other.user_id
    )
    mentor, mentee = _people(mw)
    for user in (mentor, mentee, other_manager, world.bravo_owner):
        client = logged_in_client(user)
        assert client.get(_url(world, mentorship)).status_code == 404, user.email
        assert (
            client.post(_url(world, mentorship), {"to": "both", "message": "Hi"}).status_code == 404
        )
        api = logged_in_api_client(user)
        assert api.get(_api_url(world, mentorship)).status_code == 404
        assert (
            api.post(_api_url(world, mentorship), {"message": "Hi"}, format="json").status_code
            == 404
        )
    assert _rows(world, mentorship) == []
    for user in (world.alpha_owner, world.alpha_admin, world.alpha_manager):
        assert logged_in_client(user).get(_url(world, mentorship)).status_code == 200


def test_managers_find_the_log_from_the_mentorship_and_the_pair_does_not(world, mentorship_pair):
    mw, mentorship = mentorship_pair
    home = reverse(
        "relationships:mentorship",
        kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk},
    )
    assert (
        _url(world, mentorship) in logged_in_client(world.alpha_manager).get(home).content.decode()
    )
    mentor, _ = _people(mw)
    assert _url(world, mentorship) not in logged_in_client(mentor).get(home).content.decode()


# Sending a note -------------------------------------------------------------------------------


def test_a_note_makes_one_row_per_person_and_one_email_each(
    world, mentorship_pair, django_capture_on_commit_callbacks
):
    mw, mentorship = mentorship_pair
    mail.outbox.clear()
    client = logged_in_client(world.alpha_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(world, mentorship), {"to": "both", "message": "  How did the first meeting go?  "}
        )
    assert response.status_code == 302 and response.url == _url(world, mentorship)
    rows = _rows(world, mentorship, kind="manual_nudge")
    mentor, mentee = _people(mw)
    assert sorted(r.user_id for r in rows) == sorted([mentor.pk, mentee.pk])
    for row in rows:
        assert row.title == f"A note from {world.alpha_manager.full_name} about your mentorship"
        assert row.body == "How did the first meeting go?"
        assert row.sent_by_id == world.alpha_manager.pk
        assert row.program_id == mentorship.cohort.program_id
        assert row.action == "Open your mentorship"
        assert row.url.endswith(f"/mentorships/{mentorship.pk}/")
        assert row.email_state == EmailState.SENT and row.in_app
    assert len({r.dedupe_key for r in rows}) == 2 and rows[0].batch == rows[1].batch
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
    assert all("How did the first meeting go?" in m.body for m in mail.outbox)
    log = client.get(_url(world, mentorship)).content.decode()
    assert "Note from a program manager" in log
    assert f"sent by {world.alpha_manager.full_name}" in log
    assert "“How did the first meeting go?”" in log
    # Each note is its own: the same words again are a new pair of rows and emails.
    mail.outbox.clear()
    _send(
        world,
        mentorship,
        django_capture_on_commit_callbacks,
        message="How did the first meeting go?",
    )
    assert len(_rows(world, mentorship, kind="manual_nudge")) == 4 and len(mail.outbox) == 2


def test_a_note_to_one_side(world, mentorship_pair, django_capture_on_commit_callbacks):
    mw, mentorship = mentorship_pair
    mentor, mentee = _people(mw)
    mail.outbox.clear()
    _send(world, mentorship, django_capture_on_commit_callbacks, to="mentor")
    assert [r.user_id for r in _rows(world, mentorship)] == [mentor.pk]
    _send(world, mentorship, django_capture_on_commit_callbacks, to="mentees")
    assert [r.user_id for r in _rows(world, mentorship)] == [mentor.pk, mentee.pk]
    assert [m.to for m in mail.outbox] == [[mentor.email], [mentee.email]]


def test_a_note_respects_each_persons_preferences(
    world, mentorship_pair, django_capture_on_commit_callbacks
):
    mw, mentorship = mentorship_pair
    mentor, mentee = _people(mw)
    preferences_update(user=mentee, channels={"manual_nudge": {"email": False}})
    mail.outbox.clear()
    _send(world, mentorship, django_capture_on_commit_callbacks)
    states = {r.user_id: (r.in_app, r.email_state) for r in _rows(world, mentorship)}
    assert states == {mentor.pk: (True, EmailState.SENT), mentee.pk: (True, EmailState.NONE)}
    assert [m.to for m in mail.outbox] == [[mentor.email]]


def test_an_ended_mentorship_gets_no_note(
    world, mentorship_pair, django_capture_on_commit_callbacks
):
    _, mentorship = mentorship_pair
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.COMPLETED)
    with pytest.raises(ValidationError) as refused:
        _send(world, mentorship, django_capture_on_commit_callbacks)
    assert "This mentorship has ended" in refused.value.messages[0]
    response = logged_in_client(world.alpha_manager).post(
        _url(world, mentorship), {"to": "both", "message": "Hello"}
    )
    assert response.status_code == 400
    assert "This mentorship has ended" in response.content.decode()
    api = logged_in_api_client(world.alpha_manager).post(
        _api_url(world, mentorship), {"message": "Hello"}, format="json"
    )
    assert api.status_code == 400 and "has ended" in api.json()["fields"]["non_field_errors"][0]
    assert _rows(world, mentorship) == []
    # A paused one still gets them.
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.PAUSED)
    assert len(_send(world, mentorship, django_capture_on_commit_callbacks)) == 2


def test_the_sixth_note_in_a_day_is_refused(
    world, mentorship_pair, django_capture_on_commit_callbacks
):
    _, mentorship = mentorship_pair
    for _ in range(5):
        _send(world, mentorship, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with pytest.raises(ValidationError) as refused:
        _send(world, mentorship, django_capture_on_commit_callbacks)
    assert "already got 5 notes in the last 24 hours" in refused.value.messages[0]
    response = logged_in_client(world.alpha_manager).post(
        _url(world, mentorship), {"to": "mentor", "message": "One more"}
    )
    assert response.status_code == 400 and "already got 5 notes" in response.content.decode()
    assert "One more</textarea>" in response.content.decode()  # nothing typed is lost
    assert len(_rows(world, mentorship)) == 10 and mail.outbox == []
    # A day later the pair can be written to again.
    with organization_scope(world.alpha):
        Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert len(_send(world, mentorship, django_capture_on_commit_callbacks)) == 2


@pytest.mark.parametrize(
    ("message", "to", "field", "words"),
    [
        ("   ", "both", "message", "Write the note"),
        ("x" * 1001, "both", "message", "Keep the note to 1000 characters"),
        ("Hello", "manager", "to", "Choose who gets the note"),
    ],
)
def test_the_service_checks_the_note(world, mentorship_pair, message, to, field, words):
    _, mentorship = mentorship_pair
    with pytest.raises(ValidationError) as refused:
        managers.nudge_send(actor=_manager(world), mentorship=mentorship, message=message, to=to)
    assert words in refused.value.message_dict[field][0]
    assert _rows(world, mentorship) == []


def test_only_the_programs_managers_send(world, mentorship_pair):
    mw, mentorship = mentorship_pair
    with pytest.raises(PermissionDenied):
        managers.nudge_send(
            actor=mw.members["mentor0"], mentorship=mentorship, message="Hi", to="both"
        )


def test_a_refused_note_on_the_page_keeps_what_was_typed(world, mentorship_pair):
    _, mentorship = mentorship_pair
    response = logged_in_client(world.alpha_manager).post(
        _url(world, mentorship), {"to": "both", "message": ""}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


# The API --------------------------------------------------------------------------------------


def test_api_sends_a_note_and_lists_it(world, mentorship_pair, django_capture_on_commit_callbacks):
    mw, mentorship = mentorship_pair
    _, mentee = _people(mw)
    mail.outbox.clear()
    client = logged_in_api_client(world.alpha_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _api_url(world, mentorship),
            {"message": "Time to meet?", "to": "mentees"},
            format="json",
        )
    assert response.status_code == 201
    (sent,) = response.json()["notifications"]
    assert sent["recipient"] == {"user": mentee.pk, "name": mentee.full_name, "role": "mentee"}
    assert sent["message"] == "Time to meet?" and sent["sent_by"] == world.alpha_manager.full_name
    assert sent["kind"] == "manual_nudge"
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    log = client.get(_api_url(world, mentorship)).json()
    entry = log["results"][0]  # the newest; the mentorship's announcement follows
    assert entry["id"] == sent["id"]
    assert entry["email"]["state"] == "sent" and entry["email"]["status"] == "Emailed"
    assert entry["in_app"] is True and entry["read_at"] is None


def test_api_refusals_are_400_with_field_messages(world, mentorship_pair):
    _, mentorship = mentorship_pair
    client = logged_in_api_client(world.alpha_manager)
    long = client.post(_api_url(world, mentorship), {"message": "x" * 1001}, format="json")
    assert long.status_code == 400
    assert "1000 characters" in long.json()["fields"]["message"][0]
    empty = client.post(_api_url(world, mentorship), {"message": ""}, format="json")
    assert empty.status_code == 400 and "Write the note" in empty.json()["fields"]["message"][0]
    wrong = client.post(_api_url(world, mentorship), {"message": "Hi", "to": "x"}, format="json")
    assert wrong.status_code == 400 and "to" in wrong.json()["fields"]
    assert _rows(world, mentorship) == []
