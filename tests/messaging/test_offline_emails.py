"""Offline emails: someone with unread messages who is away from chat gets one email per
conversation per period, with a link to the thread, and never about their own messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from smtplib import SMTPRecipientsRefused
from unittest.mock import patch

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from accounts.models import User
from messaging import offline, presence, selectors, services
from messaging.models import ChatConnection, Conversation, UnreadEmail
from messaging.tasks import email_unread_batch, email_unread_messages
from organizations.models import Role
from organizations.scope import organization_scope
from organizations.services import membership_remove
from programs import services as program_services
from programs.models import Enrolment
from programs.services import CohortSettings, ProgramSettings, enrolment_withdraw
from tests.conftest import _add_member
from tests.factories import make_user
from tests.matching.test_requests import self_select_cohort

# 09:00 UTC: with hourly periods, minutes after it fall in the same period until 10:00.
START = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


class Clock:
    """Stands in for timezone.now while running; messages are sent at START unless a test
    moves it."""

    now = START

    def set(self, **after_start: float) -> None:
        self.now = START + timedelta(**after_start)

    @contextmanager
    def running(self) -> Iterator[Clock]:
        with patch("django.utils.timezone.now", side_effect=lambda: self.now):
            yield self


@pytest.fixture
def clock():
    with Clock().running() as clock:
        yield clock


@pytest.fixture
def scan(django_capture_on_commit_callbacks, mailoutbox):
    """Run the beat task (its batches run on commit, eagerly) and return the emails it sent."""

    def run() -> list[mail.EmailMultiAlternatives]:
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            email_unread_messages()
        return list(mailoutbox)

    return run


def send(mw, handle: str, conversation: Conversation, body: str):
    message, _ = services.message_send(
        membership=mw.members[handle], conversation=conversation, body=body
    )
    return message


def user(mw, handle: str) -> User:
    return mw.members[handle].user


def thread_url(conversation: Conversation, org_slug: str = "alpha") -> str:
    path = reverse(
        "messaging:thread", kwargs={"org_slug": org_slug, "conversation_id": conversation.pk}
    )
    return settings.SITE_URL.rstrip("/") + path


def group_chat(mw) -> Conversation:
    """The cohort's group chat (listing it opens it)."""
    entries = selectors.conversations_for(mw.members["mentee1"])
    (group,) = [e.conversation for e in entries if e.conversation.kind == "cohort"]
    return group


def announcements(mw) -> Conversation:
    entries = selectors.conversations_for(mw.members["mentee1"])
    (channel,) = [e.conversation for e in entries if e.conversation.kind == "announcements"]
    return channel


def unread_emails(organization) -> list[UnreadEmail]:
    with organization_scope(organization):
        return list(UnreadEmail.objects.order_by("pk"))


# Who gets an email, and what it says -----------------------------------------------------------


def test_the_offline_partner_gets_one_email_with_the_link_the_count_and_the_first_lines(
    chat, clock, scan
):
    mw, _, conversation = chat
    send(mw, "mentor0", conversation, "Hello Mentee0!\nHow was your week?\nLine three\nLine four")
    send(mw, "mentor0", conversation, "<script>alert('x')</script> & see you Friday")
    clock.set(minutes=11)

    (email,) = scan()

    assert email.to == [user(mw, "mentee0").email]
    assert email.subject == "2 unread messages from Mentor0 Alphacanary"
    assert "Mentor0 Alphacanary wrote to you while you were away: 2 unread messages." in email.body
    assert "How was your week?\nLine three" in email.body
    assert "Line four" not in email.body  # only the first lines
    assert "<script>alert('x')</script> & see you Friday" in email.body  # plain text, as written
    assert thread_url(conversation) in email.body
    assert (
        "You get at most one email per conversation every hour while you are away from chat."
        in email.body
    )
    ((html, kind),) = email.alternatives
    assert kind == "text/html"
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; see you Friday" in html
    assert "<script>" not in html
    assert f'href="{thread_url(conversation)}"' in html
    assert "every hour while you are away from chat" in html


def test_only_the_three_newest_unread_messages_are_quoted(chat, clock, scan):
    mw, _, conversation = chat
    for number in range(1, 6):
        send(mw, "mentor0", conversation, f"Note number {number}")
    clock.set(minutes=11)

    (email,) = scan()

    assert email.subject == "5 unread messages from Mentor0 Alphacanary"
    assert [f"Note number {n}" in email.body for n in range(1, 6)] == [False] * 2 + [True] * 3
    assert "and 2 more" in email.body


def test_no_email_before_the_oldest_unread_message_is_old_enough(chat, clock, scan):
    mw, _, conversation = chat
    send(mw, "mentor0", conversation, "Quick question")
    clock.set(minutes=9)
    assert scan() == []
    clock.set(minutes=10)
    assert [e.to for e in scan()] == [[user(mw, "mentee0").email]]


def test_the_sender_is_never_emailed_about_their_own_messages(chat, clock, scan):
    mw, _, conversation = chat
    send(mw, "mentee0", conversation, "Hi! Looking forward to it")
    send(mw, "mentee0", conversation, "When suits you?")
    clock.set(minutes=11)

    (email,) = scan()

    assert email.to == [user(mw, "mentor0").email]
    assert email.subject == "2 unread messages from Mentee0 Alphacanary"


def test_reading_before_the_scan_means_no_email_and_reading_part_counts_the_rest(chat, clock, scan):
    mw, _, conversation = chat
    send(mw, "mentor0", conversation, "One")
    send(mw, "mentor0", conversation, "Two")
    services.conversation_mark_read(
        membership=mw.members["mentee0"], conversation=conversation, sequence=2
    )
    clock.set(minutes=11)
    assert scan() == []

    send(mw, "mentor0", conversation, "Three")
    send(mw, "mentor0", conversation, "Four")
    services.conversation_mark_read(
        membership=mw.members["mentee0"], conversation=conversation, sequence=3
    )
    clock.set(minutes=22)
    (email,) = scan()
    assert email.subject == "1 unread message from Mentor0 Alphacanary"
    assert "Four" in email.body
    assert "Three" not in email.body


def test_someone_connected_to_chat_is_not_emailed_until_their_socket_goes_stale(
    chat, world, clock, scan
):
    mw, _, conversation = chat
    mentee = user(mw, "mentee0")
    send(mw, "mentor0", conversation, "Are you there?")
    clock.set(minutes=11)
    presence.connection_open(organization=world.alpha, user_id=mentee.pk, channel_name="chat.a1")

    assert scan() == []

    clock.set(minutes=14)  # the socket has not pinged for three minutes: its server died
    assert [e.to for e in scan()] == [[mentee.email]]
    with organization_scope(world.alpha):
        assert not ChatConnection.objects.exists()  # the scan dropped the stale row


def test_one_email_per_period_however_many_scans_and_duplicated_batches(
    chat, world, clock, scan, mailoutbox
):
    mw, _, conversation = chat
    mentee = user(mw, "mentee0")
    send(mw, "mentor0", conversation, "First")
    clock.set(minutes=11)
    assert len(scan()) == 1

    send(mw, "mentor0", conversation, "Second, in the same hour")
    clock.set(minutes=30)
    assert scan() == []
    # The same batch delivered again (a redelivery, or two scans at once) sends nothing more.
    email_unread_batch(world.alpha.pk, [[conversation.pk, mentee.pk]])
    assert mailoutbox == []
    (claim,) = unread_emails(world.alpha)
    assert (claim.user_id, claim.through_sequence, claim.unread_count) == (mentee.pk, 1, 1)
    assert claim.sent_at == START + timedelta(minutes=11)


def test_the_next_period_brings_a_new_email_about_the_later_messages_only(chat, clock, scan):
    mw, _, conversation = chat
    send(mw, "mentor0", conversation, "Agenda for Monday")
    send(mw, "mentor0", conversation, "Also the reading list")
    clock.set(minutes=11)
    assert scan()[0].subject == "2 unread messages from Mentor0 Alphacanary"

    clock.set(minutes=40)
    send(mw, "mentor0", conversation, "Moved to Tuesday")
    clock.set(minutes=55)
    assert scan() == []  # still the 09:00 period

    clock.set(minutes=61)
    (email,) = scan()
    assert email.subject == "1 unread message from Mentor0 Alphacanary"
    assert "Moved to Tuesday" in email.body
    assert "Agenda for Monday" not in email.body


def test_deleted_messages_do_not_count(chat, clock, scan):
    mw, _, conversation = chat
    oops = send(mw, "mentor0", conversation, "Wrong chat, sorry")
    send(mw, "mentor0", conversation, "Meeting at 3?")
    services.message_delete(membership=mw.members["mentor0"], message=oops)
    clock.set(minutes=11)

    (email,) = scan()

    assert email.subject == "1 unread message from Mentor0 Alphacanary"
    assert "Wrong chat" not in email.body


def test_a_conversation_whose_unread_messages_were_all_deleted_sends_nothing(chat, clock, scan):
    mw, _, conversation = chat
    oops = send(mw, "mentor0", conversation, "Wrong chat, sorry")
    services.message_delete(membership=mw.members["mentor0"], message=oops)
    clock.set(minutes=11)
    assert scan() == []


def test_a_cohort_chat_emails_its_participants_and_assigned_manager_only(chat, world, clock, scan):
    mw, _, _ = chat
    group = group_chat(mw)
    send(mw, "mentee1", group, "Who is joining on Friday?")
    clock.set(minutes=11)

    emails = scan()

    expected = {user(mw, "mentee0"), user(mw, "mentor0"), world.alpha_manager}
    assert sorted(e.to[0] for e in emails) == sorted(u.email for u in expected)
    # Not the sender, not the owner or admin who are not assigned, not a member outside it.
    email = emails[0]
    assert email.subject == "1 unread message in Spring alphacanary · group chat"
    assert "Mentee1 Alphacanary wrote in Spring alphacanary · group chat" in email.body
    assert "Who is joining on Friday?" not in email.body  # group chats are not quoted
    assert thread_url(group) in email.body


def test_announcements_reach_everyone_taking_part_but_not_someone_who_withdrew(
    chat, world, clock, scan
):
    mw, _, _ = chat
    channel = announcements(mw)
    with organization_scope(world.alpha):
        enrolment = Enrolment.objects.get(pk=mw.mentees["mentee1"].pk)
    enrolment_withdraw(actor=mw.members["mentee1"], enrolment=enrolment)
    send_as_manager = world.membership(world.alpha, world.alpha_manager)
    services.message_send(membership=send_as_manager, conversation=channel, body="Kick-off Monday")
    clock.set(minutes=11)

    emails = scan()

    assert sorted(e.to[0] for e in emails) == sorted(
        [user(mw, "mentee0").email, user(mw, "mentor0").email]
    )
    assert emails[0].subject == "1 unread message in Alpha alphacanary Leadership · announcements"


def test_people_removed_from_the_organisation_or_deactivated_are_not_emailed(
    chat, world, clock, scan
):
    mw, _, conversation = chat
    group = group_chat(mw)
    send(mw, "mentor0", conversation, "Still with us?")
    send(mw, "mentor0", group, "Hello group")
    membership_remove(
        actor_membership=world.alpha_owner_membership, membership=mw.members["mentee0"]
    )
    User.objects.filter(pk=world.alpha_manager.pk).update(is_active=False)
    clock.set(minutes=11)

    assert [e.to for e in scan()] == [[user(mw, "mentee1").email]]


# Tenancy ----------------------------------------------------------------------------------------


@pytest.fixture
def bravo_announcements(world):
    """Bravo's announcements channel, with two assigned program managers."""
    owner = world.membership(world.bravo, world.bravo_owner)
    program = program_services.program_create(
        actor_membership=owner, values=ProgramSettings(name="Bravo Sales", purpose="Sell more")
    )
    program_services.cohort_create(
        actor_membership=owner,
        program=program,
        values=CohortSettings(
            name="Bravo autumn",
            enrolment_opens_on=date(2027, 1, 1),
            enrolment_closes_on=date(2027, 1, 31),
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 7, 31),
            target_mentors=1,
            target_mentees=1,
        ),
    )
    managers = []
    for handle in ("paula", "pedro"):
        person = make_user(f"{handle}@bravo.example", f"{handle.title()} Bravo")
        managers.append(_add_member(world.bravo, owner, person, Role.PROGRAM_MANAGER))
        program_services.program_manager_assign(
            actor_membership=owner, program=program, user_id=person.pk
        )
    entries = selectors.conversations_for(managers[0])
    (channel,) = [e.conversation for e in entries if e.conversation.kind == "announcements"]
    return channel, managers


def test_each_batch_holds_one_organisations_conversations(
    chat, world, bravo_announcements, clock, scan
):
    mw, _, conversation = chat
    channel, (paula, pedro) = bravo_announcements
    send(mw, "mentor0", conversation, "Alpha news")
    services.message_send(membership=paula, conversation=channel, body="Bravo news")
    clock.set(minutes=11)

    with patch.object(email_unread_batch, "delay", wraps=email_unread_batch.delay) as enqueued:
        emails = scan()

    batches = {call.args[0]: call.args[1] for call in enqueued.call_args_list}
    assert batches == {
        world.alpha.pk: [[conversation.pk, user(mw, "mentee0").pk]],
        world.bravo.pk: [[channel.pk, pedro.user_id]],
    }
    links = {e.to[0]: e.body for e in emails}
    assert thread_url(conversation) in links[user(mw, "mentee0").email]
    assert thread_url(channel, "bravo") in links[pedro.user.email]


def test_a_batch_ignores_another_organisations_conversations(
    world, bravo_announcements, clock, mailoutbox
):
    channel, (paula, pedro) = bravo_announcements
    services.message_send(membership=paula, conversation=channel, body="Bravo only")
    clock.set(minutes=11)
    mailoutbox.clear()  # the managers' invitations

    email_unread_batch(world.alpha.pk, [[channel.pk, pedro.user_id]])

    assert mailoutbox == []
    assert unread_emails(world.bravo) == []


# Failures and races -----------------------------------------------------------------------------


def test_a_send_failure_leaves_no_claim_so_the_next_run_sends(chat, world, clock, scan):
    mw, _, conversation = chat
    send(mw, "mentor0", conversation, "Are we still on?")
    clock.set(minutes=11)

    with (
        patch.object(EmailBackend, "send_messages", side_effect=OSError("mail server down")),
        pytest.raises(Retry, match="mail server down"),
    ):
        scan()  # the batch asks Celery to retry it later

    assert unread_emails(world.alpha) == []
    clock.set(minutes=16)
    assert [e.to for e in scan()] == [[user(mw, "mentee0").email]]


def test_a_failure_mid_batch_keeps_the_emails_sent_and_the_next_run_sends_the_rest(
    chat, world, clock, scan, mailoutbox
):
    mw, _, _ = chat
    send(mw, "mentee1", group_chat(mw), "Hello everyone")
    clock.set(minutes=11)
    real_send = EmailBackend.send_messages

    def first_only(backend, messages):
        if mailoutbox:
            raise OSError("connection lost")
        return real_send(backend, messages)

    with (
        patch.object(EmailBackend, "send_messages", first_only),
        pytest.raises(Retry, match="connection lost"),
    ):
        scan()
    (first,) = mailoutbox
    (claim,) = unread_emails(world.alpha)
    assert claim.sent_at is not None

    clock.set(minutes=16)
    later = [e.to[0] for e in scan()]
    assert len(later) == 2
    assert first.to[0] not in later


def test_a_refused_address_does_not_hold_up_the_others(chat, world, clock, scan, mailoutbox):
    mw, _, _ = chat
    send(mw, "mentee1", group_chat(mw), "Hello everyone")
    clock.set(minutes=11)
    refused = user(mw, "mentor0").email
    real_send = EmailBackend.send_messages

    def refuse_one(backend, messages):
        if messages[0].to == [refused]:
            raise SMTPRecipientsRefused({refused: (550, b"No such mailbox")})
        return real_send(backend, messages)

    with patch.object(EmailBackend, "send_messages", refuse_one):
        assert len(scan()) == 2
        clock.set(minutes=30)
        assert scan() == []  # not retried within the period
        clock.set(minutes=61)
        assert scan() == []  # retried in the next period, refused again
    clock.set(minutes=121)
    assert [e.to for e in scan()] == [[refused]]


def test_a_claim_lost_to_another_worker_skips_only_that_person(chat, world, clock, mailoutbox):
    mw, _, _ = chat
    group = group_chat(mw)
    send(mw, "mentee1", group, "Hello everyone")
    clock.set(minutes=11)
    mentee, mentor = user(mw, "mentee0"), user(mw, "mentor0")
    claim = offline.emails._claim
    mailoutbox.clear()  # the match announcements

    def another_worker_claims_the_mentee_first(organization, period_start, digests):
        with organization_scope(organization):
            UnreadEmail.objects.create(
                organization=organization, conversation=group, user=mentee,
                period_start=period_start, through_sequence=1, unread_count=1,
            )  # fmt: skip
        return claim(organization, period_start, digests)

    with patch.object(offline.emails, "_claim", another_worker_claims_the_mentee_first):
        email_unread_batch(world.alpha.pk, [[group.pk, mentee.pk], [group.pk, mentor.pk]])

    assert [e.to for e in mailoutbox] == [[mentor.email]]


# Scale ------------------------------------------------------------------------------------------


def test_the_scan_reads_conversations_in_steps_and_enqueues_batches_of_pairs(
    chat, clock, scan, monkeypatch
):
    mw, _, conversation = chat
    monkeypatch.setattr(offline.due, "SCAN_BATCH", 1)
    monkeypatch.setattr(offline.due, "EMAIL_BATCH", 2)
    send(mw, "mentor0", conversation, "Private note")
    send(mw, "mentee1", group_chat(mw), "Group note")
    clock.set(minutes=11)

    with patch.object(email_unread_batch, "delay", wraps=email_unread_batch.delay) as enqueued:
        emails = scan()

    assert [len(call.args[1]) for call in enqueued.call_args_list] == [2, 2]
    assert len(emails) == 4


def test_conversation_members_are_exactly_who_lists_each_conversation(
    chat, world, django_assert_max_num_queries
):
    mw, _, _ = chat
    with organization_scope(world.alpha):
        enrolment = Enrolment.objects.get(pk=mw.mentees["mentee1"].pk)
    enrolment_withdraw(actor=mw.members["mentee1"], enrolment=enrolment)
    memberships = [world.membership(world.alpha, u) for u in (
        world.alpha_owner, world.alpha_admin, world.alpha_manager, world.alpha_member,
    )] + list(mw.members.values())  # fmt: skip
    listed = {
        m.user_id: {e.conversation.pk for e in selectors.conversations_for(m)} for m in memberships
    }
    with organization_scope(world.alpha):
        conversations = list(Conversation.objects.all())

    with django_assert_max_num_queries(5):
        members = offline.conversation_member_ids(
            organization=world.alpha, conversations=conversations
        )

    assert len(conversations) == 3  # the mentorship, the group chat and the announcements
    for user_id, conversation_ids in listed.items():
        assert {pk for pk, people in members.items() if user_id in people} == conversation_ids


@pytest.mark.parametrize("people", [5, 50])
def test_queries_of_the_scan_and_of_a_batch_do_not_grow_with_people_or_messages(
    world, people, django_assert_max_num_queries, django_capture_on_commit_callbacks, mailoutbox
):
    # The cohort is set up today (its enrolment dates are checked), its chat runs at START.
    mw = self_select_cohort(world, mentees=people - 1, mentors=1)
    with Clock().running() as clock:
        group = group_chat(mw)
        # Mentees 0 and 1 take turns; the last one to write has read everything. With a mentor
        # and the assigned manager, everyone else is due: `people` pairs.
        for number in range(people // 5):
            send(mw, f"mentee{number % 2}", group, f"Note {number}")
        clock.set(minutes=11)

        # The scan: the organisations, then for each its stale sockets and its conversations,
        # and for Alpha's one step of conversations a fixed set of reads. The batch: the same
        # reads for its pairs, the people, one insert of the claims, one update once sent.
        with (
            patch.object(email_unread_batch, "delay") as enqueued,
            django_assert_max_num_queries(13),
            django_capture_on_commit_callbacks(execute=True),
        ):
            email_unread_messages()
        ((organization_id, items),) = [call.args for call in enqueued.call_args_list]
        assert len(items) == people

        mailoutbox.clear()
        with django_assert_max_num_queries(15):
            email_unread_batch(organization_id, items)
    assert len(mailoutbox) == people
