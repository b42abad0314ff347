"""A person's own data: downloading it (page and API) and erasing the account.

The people are the authorisation matrix's (tests/security/matrix_world.py): a mentor and a
mentee of a started mentorship, who wrote private words in every place the product keeps them,
plus a survey the mentee answered (one answer anonymous) and the mentee's account extras.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from goals.models import CheckIn
from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.models import CalendarFeed, MeetingPrivateNote
from mentorship.asgi import application
from messaging import services as messaging_services
from messaging.models import Conversation, Message
from notifications.delivery import Draft, notify
from notifications.models import Notification, NotificationPreferences
from notifications.preferences import preferences_update
from organizations.audit import AuditAction, AuditEvent
from organizations.models import Membership, Role
from organizations.scope import organization_scope
from organizations.services import membership_change_role
from privacy.erasure import ERASED_NAME, ERASURE_REASON, user_erase
from privacy.export import personal_data_export
from programs import selectors as program_selectors
from programs.models import (
    Enrolment,
    EnrolmentState,
    Mentorship,
    MentorshipEndReason,
    MentorshipStatus,
    ProfileAnswer,
    ProgramFormat,
)
from programs.services.mentorships import NewMentorship, mentorships_start
from surveys import services as survey_services
from surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.conftest import _add_member, logged_in_client
from tests.factories import PASSWORD
from tests.matching.test_requests import ask, self_select_cohort
from tests.security import matrix_world as words
from tests.security.matrix_world import MENTEE, MENTOR, OWNER, MatrixWorld, build_matrix_world

MENTOR_OWN_WORDS = "mentor-own-message-words"
MENTOR_PRIVATE_WORDS = "mentor-private-note-words"
NAMED_ANSWER = "named-survey-answer-words"
ANONYMOUS_ANSWER = "anonymous-survey-answer-words"
TOTP_SECRET = "JBSWY3DPEHPK3PXPTOTPSECRET"
REPORT_REASON = "mentor-report-reason-words"


@dataclass
class Pair:
    matrix: MatrixWorld
    mentor: User
    mentee: User
    mentor_member: Membership
    mentee_member: Membership
    conversation: Conversation
    raw_token: str

    @property
    def alpha(self):
        return self.matrix.world.alpha

    @property
    def bravo(self):
        return self.matrix.world.bravo

    def mentorship(self) -> Mentorship:
        with organization_scope(self.alpha):
            return Mentorship.objects.get(pk=self.matrix.mentorship.pk)


def _answer_the_mid_point_survey(matrix: MatrixWorld, mentee_member: Membership) -> None:
    """The mentorship is past its mid-point; the mentee answers its survey: one question by
    name, one anonymous."""
    world = matrix.world
    today = timezone.localdate()
    Mentorship.all_organizations.filter(pk=matrix.mentorship.pk).update(
        started_on=today - timedelta(days=100), ends_on=today + timedelta(days=80)
    )
    owner = world.membership(world.alpha, matrix.users[OWNER])
    program = world.alpha_program
    survey_services.surveys_install_suggested(actor=owner, program=program)
    survey_services.question_create(
        actor=owner,
        program=program,
        moment="mid_point",
        values=survey_services.QuestionSettings(label="What did you learn?", kind="text"),
    )
    survey = survey_services.survey_save(
        actor=owner,
        program=program,
        moment="mid_point",
        values=survey_services.SurveySettings("Halfway", is_active=True),
    )
    with organization_scope(world.alpha):
        questions = list(SurveyQuestion.objects.filter(survey=survey))
        mentorship = program_selectors.get_mentorship_for(mentee_member, matrix.mentorship.pk)
    by_kind = {"scale": 4, "nps": 9}
    answers = {
        q.pk: by_kind.get(q.kind, ANONYMOUS_ANSWER if q.anonymous else NAMED_ANSWER)
        for q in questions
    }
    assert any(q.anonymous for q in questions) and any(not q.anonymous for q in questions)
    survey_services.survey_respond(
        actor=mentee_member, mentorship=mentorship, survey=survey, answers=answers
    )


@pytest.fixture
def pair(db, django_capture_on_commit_callbacks) -> Pair:
    with django_capture_on_commit_callbacks(execute=True):
        matrix = build_matrix_world(routes=())
    world = matrix.world
    mentor, mentee = matrix.users[MENTOR], matrix.users[MENTEE]
    mentor_member = world.membership(world.alpha, mentor)
    mentee_member = world.membership(world.alpha, mentee)
    with organization_scope(world.alpha):
        mentorship = program_selectors.get_mentorship_for(mentor_member, matrix.mentorship.pk)
        conversation = messaging_services.conversation_for_mentorship(mentorship)
        messaging_services.message_send(
            membership=mentor_member, conversation=conversation, body=MENTOR_OWN_WORDS
        )
        messaging_services.message_report(
            membership=mentor_member,
            message=Message.objects.get(body=words.MESSAGE_WORDS),
            reason=REPORT_REASON,
        )
        meeting_id = matrix.kwargs["meetings:detail"]["meeting_id"]
        meeting_services.private_note_save(
            actor=mentor_member,
            meeting=meeting_selectors.get_meeting_for(mentor_member, meeting_id),
            body=MENTOR_PRIVATE_WORDS,
        )
    _answer_the_mid_point_survey(matrix, mentee_member)
    # The mentee's account beyond Alpha: MFA, a token, preferences, a calendar feed, a
    # notification, and a membership of Bravo too.
    Authenticator.objects.create(
        user=mentee, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    _, raw_token = api_token_create(user=mentee, name="Mentee spreadsheet")
    preferences_update(user=mentee, digest="daily")
    meeting_services.calendar_feed_create(actor=mentee_member)
    notify(
        world.alpha,
        [Draft(kind="manual_nudge", occurrence="privacy", title="A nudge", user_id=mentee.pk)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        _add_member(world.bravo, world.membership(world.bravo, world.bravo_owner), mentee, "member")
    mail.outbox.clear()
    return Pair(matrix, mentor, mentee, mentor_member, mentee_member, conversation, raw_token)


def _reauthenticated(client):
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


# Downloading -----------------------------------------------------------------------------------


def test_the_mentee_downloads_their_own_data_and_nobody_elses_private_words(pair):
    response = logged_in_client(pair.mentee).get("/account/data/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="mentorship-data-{today}.json"'
    )
    text = response.content.decode()
    data = json.loads(text)
    assert data["account"]["email"] == pair.mentee.email
    assert data["account"]["mfa_enabled"] is True
    assert [t["name"] for t in data["api_tokens"]] == ["Mentee spreadsheet"]
    assert data["notification_preferences"]["digest"] == "daily"
    # Every organisation they are in.
    assert [o["organization"]["slug"] for o in data["organizations"]] == ["alpha", "bravo"]
    alpha = data["organizations"][0]
    assert alpha["membership"]["role"] == Role.MEMBER
    (mentorship,) = alpha["mentorships"]
    assert mentorship["role"] == "mentee"
    assert mentorship["partners"] == [pair.mentor.full_name]
    assert mentorship["agreement"]["goals_scope"] == words.AGREEMENT_WORDS
    # Their own words, wherever they wrote them.
    (message,) = alpha["messages"]
    assert message["body"] == words.MESSAGE_WORDS
    assert message["with"] == [pair.mentor.full_name]
    assert message["conversation_id"] == pair.conversation.pk
    (check_in,) = alpha["check_ins"]
    assert check_in["progress"] == words.CHECK_IN_WORDS
    assert check_in["note_to_manager"] == words.NOTE_TO_MANAGERS_WORDS
    (meeting,) = alpha["meetings"]
    assert meeting["your_private_note"] == words.PRIVATE_NOTE_WORDS
    assert meeting["shared_notes"] == words.MEETING_NOTES_WORDS
    assert [g["title"] for g in alpha["goals"]] == [words.GOAL_WORDS]
    assert alpha["goals"][0]["milestones"][0]["title"] == words.MILESTONE_WORDS
    assert alpha["enrolments"][0]["profile_answers"], "the profile answers"
    assert [n["title"] for n in alpha["notifications"]].count("A nudge") == 1
    assert len(alpha["calendar_feeds"]) == 1
    (response_row,) = alpha["survey_responses"]
    assert NAMED_ANSWER in [a["answer"] for a in response_row["answers"]]
    # Not the others' private words, not anonymous answers, no secrets.
    for absent in (
        MENTOR_OWN_WORDS,
        MENTOR_PRIVATE_WORDS,
        REPORT_REASON,
        ANONYMOUS_ANSWER,
        TOTP_SECRET,
        pair.raw_token,
        ApiToken.objects.get(user=pair.mentee).key_hash,
        pair.mentee.password,
    ):
        assert absent not in text


def test_the_mentor_download_holds_their_words_but_not_the_mentees_private_ones(pair):
    text = logged_in_client(pair.mentor).get("/account/data/").content.decode()
    data = json.loads(text)
    alpha = data["organizations"][0]
    assert [m["body"] for m in alpha["messages"]] == [MENTOR_OWN_WORDS]
    assert [c["body"] for c in alpha["milestone_comments"]] == [words.COMMENT_WORDS]
    (meeting,) = alpha["meetings"]
    assert meeting["your_private_note"] == MENTOR_PRIVATE_WORDS
    assert alpha["mentorships"][0]["partners"] == [pair.mentee.full_name]
    assert [r["reason"] for r in alpha["message_reports"]] == [REPORT_REASON]
    for absent in (
        words.MESSAGE_WORDS,
        words.PRIVATE_NOTE_WORDS,
        words.CHECK_IN_WORDS,
        words.NOTE_TO_MANAGERS_WORDS,
        NAMED_ANSWER,
        ANONYMOUS_ANSWER,
    ):
        assert absent not in text


def test_the_api_returns_the_same_document(pair):
    browser = logged_in_client(pair.mentee)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.raw_token}")
    response = api.get(reverse("api_me_data"))
    assert response.status_code == 200
    page = json.loads(browser.get("/account/data/").content)
    from_api = response.json()
    # The token was just used: only its last use differs.
    for document in (from_api, page):
        document.pop("exported_at")
        document["api_tokens"][0].pop("last_used_at")
    assert from_api == page
    assert APIClient().get(reverse("api_me_data")).status_code == 401


def test_the_download_needs_sign_in_and_is_a_get(pair):
    anonymous = APIClient()
    assert anonymous.get("/account/data/")["Location"].startswith("/accounts/login/")
    assert logged_in_client(pair.mentee).post("/account/data/").status_code == 405


def _export_queries(user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        personal_data_export(user)
    return len(queries)


def test_the_download_reads_a_fixed_number_of_queries_per_organisation(pair):
    before = _export_queries(pair.mentee)
    # Two organisations: the account's own queries, then the same number for each.
    assert before <= 6 + 2 * 30
    with organization_scope(pair.alpha):
        for number in range(15):
            messaging_services.message_send(
                membership=pair.mentee_member, conversation=pair.conversation, body=f"More {number}"
            )
    notify(
        pair.alpha,
        [
            Draft(kind="manual_nudge", occurrence=f"more-{n}", title="More", user_id=pair.mentee.pk)
            for n in range(15)
        ],
    )
    assert _export_queries(pair.mentee) == before
    data = personal_data_export(pair.mentee)
    assert len(data["organizations"][0]["messages"]) == 16


# Erasing ---------------------------------------------------------------------------------------


def _references_to(user: User) -> dict[str, int]:
    """Every row anywhere that still refers to the account, by model and field."""
    found = {}
    for relation in User._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        model, name = relation.related_model, relation.field.name
        count = model._base_manager.filter(**{name: user.pk}).count()
        if count:
            found[f"{model.__name__}.{name}"] = count
    return found


def test_erasing_deletes_the_persons_data_and_keeps_the_partners_history(
    pair, django_capture_on_commit_callbacks
):
    mentee = pair.mentee
    with organization_scope(pair.alpha):
        enrolment = Enrolment.objects.get(user=mentee)
        message = Message.objects.get(sender=mentee)
        survey_answers = SurveyAnswer.objects.count()
    # An email of before they had an account, to their address.
    notify(
        pair.alpha,
        [Draft(kind="manual_nudge", occurrence="before", title="Invited", email=mentee.email)],
    )
    assert Notification.all_organizations.filter(email=mentee.email, user=None).exists()
    client = logged_in_client(mentee)
    elsewhere = logged_in_client(mentee)

    asked = client.post("/account/erase/", {"email": mentee.email.upper()})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.get(pk=mentee.pk).is_active, "nothing happens before the password"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(asked["Location"], {"password": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("privacy:erased")
    assert "Your account is erased" in client.get(done["Location"]).content.decode()
    # Signed out here and everywhere else.
    for browser in (client, elsewhere):
        assert browser.get("/account/")["Location"].startswith("/accounts/login/")

    erased = User.objects.get(pk=mentee.pk)
    assert erased.email == f"erased-{mentee.pk}@invalid"
    assert erased.full_name == ""
    assert not erased.is_active and not erased.has_usable_password()
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert not Authenticator.objects.filter(user=erased).exists()
    assert not ApiToken.objects.filter(user=erased).exists()
    assert not NotificationPreferences.objects.filter(user=erased).exists()
    assert not Notification.all_organizations.filter(user=erased).exists()
    assert not Notification.all_organizations.filter(email__iexact=mentee.email).exists()
    assert not CalendarFeed.all_organizations.filter(user=erased).exists()
    assert not MeetingPrivateNote.all_organizations.filter(user=erased).exists()
    assert not CheckIn.all_organizations.filter(author=erased).exists()
    assert not Membership.all_organizations.filter(user=erased).exists()
    assert not ProfileAnswer.all_organizations.filter(enrolment=enrolment).exists()
    # Only the audit logs and the reason the mentorship ended still point at the account.
    assert _references_to(erased) == {
        "AuditEvent.actor": 2,
        "MentorshipEndReason.user": 1,
    }
    with organization_scope(pair.alpha):
        enrolment.refresh_from_db()
        assert enrolment.state == EnrolmentState.WITHDRAWN
        assert enrolment.full_name == ERASED_NAME
        assert enrolment.email == f"erased-{mentee.pk}-{enrolment.pk}@invalid"
        assert enrolment.user_id is None
        mentorship = Mentorship.objects.get(pk=pair.matrix.mentorship.pk)
        assert mentorship.status == MentorshipStatus.ENDED_EARLY
        assert [r.reason for r in MentorshipEndReason.objects.filter(mentorship=mentorship)] == [
            ERASURE_REASON
        ]
        message.refresh_from_db()
        assert (message.body, message.sender_id) == (words.MESSAGE_WORDS, None)
        # Survey totals keep counting the answers, the anonymous one included.
        assert SurveyAnswer.objects.count() == survey_answers
        assert not SurveyResponse.objects.filter(respondent=erased).exists()
    for organization in (pair.alpha, pair.bravo):
        (event,) = AuditEvent.all_organizations.filter(
            organization=organization, action=AuditAction.ACCOUNT_ERASED
        )
        assert event.actor_id == mentee.pk

    # The mentor still reads the conversation, the mentee's words from "A former member".
    mentor = logged_in_client(pair.mentor)
    thread = mentor.get(
        reverse("messaging:thread", args=[pair.alpha.slug, pair.conversation.pk])
    ).content.decode()
    assert words.MESSAGE_WORDS in thread
    assert "A former member" in thread
    assert MENTOR_OWN_WORDS in thread
    api = mentor.get(
        reverse("api_conversation_messages", args=[pair.alpha.slug, pair.conversation.pk])
    ).json()
    by_body = {m["body"]: m for m in api["messages"]}
    assert by_body[words.MESSAGE_WORDS]["sender"] is None
    assert by_body[MENTOR_OWN_WORDS]["sender"]["name"] == pair.mentor.full_name
    # Nobody can sign in as the erased person any more.
    assert not mentor.login(email=mentee.email, password=PASSWORD)


def test_the_last_owner_of_an_organisation_with_members_is_refused_until_they_hand_it_over(
    pair, django_capture_on_commit_callbacks
):
    world = pair.matrix.world
    owner = pair.matrix.users[OWNER]
    client = _reauthenticated(logged_in_client(owner))
    refused = client.post("/account/erase/", {"email": owner.email})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "You are the last owner of “Alpha alphacanary Corp”" in page
    assert User.objects.get(pk=owner.pk).is_active
    assert Membership.all_organizations.filter(user=owner, role=Role.OWNER).exists()
    assert not AuditEvent.all_organizations.filter(action=AuditAction.ACCOUNT_ERASED).exists()

    owner_member = world.membership(world.alpha, owner)
    membership_change_role(
        actor_membership=owner_member,
        membership=world.membership(world.alpha, pair.matrix.users["admin"]),
        role=Role.OWNER,
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/account/erase/", {"email": owner.email})
    assert done["Location"] == reverse("privacy:erased")
    assert not User.objects.get(pk=owner.pk).is_active


def test_the_sole_member_of_an_organisation_may_erase_their_account(pair):
    bravo_owner = pair.matrix.users["foreign_admin"]
    # Bravo has the mentee too: they leave first.
    with organization_scope(pair.bravo):
        Membership.objects.filter(user=pair.mentee).delete()
    result = user_erase(user=bravo_owner)
    assert result.organizations == 1
    assert not Membership.all_organizations.filter(organization=pair.bravo).exists()


def test_a_wrong_email_is_refused_and_changes_nothing(pair):
    client = _reauthenticated(logged_in_client(pair.mentee))
    refused = client.post("/account/erase/", {"email": "someone@else.example"})
    assert refused.status_code == 400
    assert "That is not this account" in refused.content.decode()
    assert client.post("/account/erase/", {"email": ""}).status_code == 400
    user = User.objects.get(pk=pair.mentee.pk)
    assert user.is_active and user.email == pair.mentee.email
    assert Membership.all_organizations.filter(user=user).count() == 2

    api = _reauthenticated(_api_client(pair.mentee))
    response = api.post(reverse("api_me_erase"), {"email": "someone@else.example"}, format="json")
    assert response.status_code == 400
    assert "That is not this account's address" in response.json()["fields"]["email"][0]
    assert api.post(reverse("api_me_erase"), {}, format="json").json()["fields"]["email"]
    assert User.objects.get(pk=pair.mentee.pk).is_active


def _api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_api_erases_only_after_a_recent_password_confirmation(
    pair, django_capture_on_commit_callbacks
):
    body = {"email": pair.mentee.email}
    api = _api_client(pair.mentee)
    stale = api.post(reverse("api_me_erase"), body, format="json")
    assert stale.status_code == 403
    assert "Confirm your password first" in stale.json()["detail"]
    # A personal API token never erases an account.
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.raw_token}")
    assert token.post(reverse("api_me_erase"), body, format="json").status_code == 403
    assert User.objects.get(pk=pair.mentee.pk).is_active

    _reauthenticated(api)
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(reverse("api_me_erase"), body, format="json")
    assert done.status_code == 200
    assert done.json() == {
        "detail": "Your account is erased.",
        "organizations": 2,
        "mentorships_ended": 1,
    }
    assert not User.objects.get(pk=pair.mentee.pk).is_active
    assert api.get(reverse("api_me")).status_code in (401, 403)


def test_the_web_erasure_asks_for_the_password_when_it_is_not_recent(pair):
    client = logged_in_client(pair.mentee)
    asked = client.post("/account/erase/", {"email": pair.mentee.email})
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    wrong = client.post(asked["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert User.objects.get(pk=pair.mentee.pk).is_active
    assert client.get("/account/erase/").status_code == 405


def test_pending_requests_are_withdrawn_or_declined(world, django_capture_on_commit_callbacks):
    mw = self_select_cohort(world, mentees=2, mentors=2)
    sent = ask(mw, "mentee0", "mentor0")
    received = ask(mw, "mentee1", "mentor1")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=mw.members["mentee0"].user)
        user_erase(user=mw.members["mentor1"].user)
    with organization_scope(world.alpha):
        sent.refresh_from_db()
        received.refresh_from_db()
    assert (sent.status, received.status) == ("withdrawn", "declined")
    assert received.response == "The mentor has closed their account."
    # The mentee who asked hears of it.
    assert any(message.to == [mw.members["mentee1"].user.email] for message in mail.outbox), [
        m.to for m in mail.outbox
    ]


def test_a_mentee_of_a_group_leaves_it_and_the_group_goes_on(world):
    mw = self_select_cohort(world, mentees=2, mentors=1, capacity=2)
    with organization_scope(world.alpha):
        from programs.models import Program

        Program.objects.filter(pk=world.alpha_program.pk).update(format=ProgramFormat.GROUP)
        cohort = mw.refresh(mw.mentors["mentor0"]).cohort
        (group,) = mentorships_start(
            cohort=cohort,
            new=[
                NewMentorship(
                    mentor=mw.refresh(mw.mentors["mentor0"]),
                    mentees=[mw.refresh(e) for e in mw.mentees.values()],
                )
            ],
            origin="match_run",
        )
    result = user_erase(user=mw.members["mentee0"].user)
    assert (result.groups_left, result.mentorships_ended) == (1, 0)
    with organization_scope(world.alpha):
        group.refresh_from_db()
        assert group.status == MentorshipStatus.ACTIVE
        assert [m.mentee_id for m in group.members.all()] == [mw.mentees["mentee1"].pk]
    # The mentor leaving ends it for everyone.
    result = user_erase(user=mw.members["mentor0"].user)
    assert result.mentorships_ended == 1
    with organization_scope(world.alpha):
        group.refresh_from_db()
    assert group.status == MentorshipStatus.ENDED_EARLY


def test_the_service_refuses_the_last_owner_with_a_clear_message(world):
    with pytest.raises(ValidationError) as refused:
        user_erase(user=world.alpha_owner)
    assert "last owner" in refused.value.messages[0]
    assert User.objects.get(pk=world.alpha_owner.pk).is_active


@pytest.mark.django_db(transaction=True)
async def test_erasing_closes_the_persons_open_sockets(world):
    @database_sync_to_async
    def cookie() -> bytes:
        return (
            f"sessionid={logged_in_client(world.alpha_member).cookies['sessionid'].value}".encode()
        )

    socket = WebsocketCommunicator(
        application,
        "/ws/o/alpha/notifications/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", await cookie())],
    )
    connected, _ = await socket.connect(timeout=5)
    assert connected
    await database_sync_to_async(user_erase)(user=world.alpha_member)
    while (frame := await socket.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    assert frame == {"type": "websocket.close", "code": 4401}
