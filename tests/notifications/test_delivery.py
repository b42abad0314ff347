"""Creating notifications and sending their emails: once each, on the person's terms."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery, preferences
from notifications.delivery import Draft, deliver_emails, notify, send_digests
from notifications.models import EmailState, Notification
from organizations.realtime import user_group_name

T = datetime.time
NOW = datetime.datetime(2027, 3, 3, 12, 0, tzinfo=datetime.UTC)  # a Wednesday


def draft(user, **overrides) -> Draft:
    values = {
        "kind": "milestone_due", "occurrence": "milestone:1:soon", "user_id": user.pk,
        "title": "“Draft the slides” is due on Friday", "body": "Your milestone is due soon.",
        "url": "/o/alpha/goals/1/", "action": "Open the goal",
    }  # fmt: skip
    return Draft(**{**values, **overrides})


@pytest.fixture(autouse=True)
def outbox(world):
    """The world's invitation emails are not this test's."""
    mail.outbox.clear()


def rows(world):
    return list(Notification.all_organizations.filter(organization=world.alpha).order_by("pk"))


def test_a_notification_is_created_once_and_emailed_once(world):
    member = world.alpha_member
    first = notify(world.alpha, [draft(member)], now=NOW)
    again = notify(world.alpha, [draft(member), draft(member)], now=NOW)
    assert len(first) == 1 and again == []
    assert deliver_emails(first, now=NOW) == 1
    assert deliver_emails(first, now=NOW) == 0  # a second delivery finds it sent
    (row,) = rows(world)
    assert (row.email_state, row.in_app, row.email_attempts) == (EmailState.SENT, True, 1)
    (email,) = mail.outbox
    assert email.to == [member.email] and email.subject == row.title
    assert "Open the goal: http" in email.body and "Stop these emails:" in email.body
    html = email.alternatives[0][0]
    assert "Open the goal</a>" in html and "/notifications/unsubscribe/" in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["Message-ID"] == delivery.message_id(row.dedupe_key)


def test_the_same_thing_for_two_people_or_two_occurrences_are_two_notifications(world):
    created = notify(
        world.alpha,
        [draft(world.alpha_member), draft(world.alpha_owner),
         draft(world.alpha_member, occurrence="milestone:1:overdue")],
        now=NOW,
    )  # fmt: skip
    assert len(created) == 3


def test_email_off_keeps_it_in_the_app_and_in_app_off_keeps_the_email(world):
    preferences.preferences_update(
        user=world.alpha_member,
        channels={"milestone_due": {"email": False}, "check_in_due": {"in_app": False}},
    )
    notify(world.alpha, [draft(world.alpha_member),
                         draft(world.alpha_member, kind="check_in_due")], now=NOW)  # fmt: skip
    milestone, check_in = rows(world)
    assert (milestone.in_app, milestone.email_state) == (True, EmailState.NONE)
    assert (check_in.in_app, check_in.email_state) == (False, EmailState.PENDING)


def test_quiet_hours_hold_the_email_until_they_end_in_the_persons_time_zone(world):
    member = world.alpha_member
    member.timezone = "Asia/Tokyo"  # 21:00 there at NOW
    member.save(update_fields=["timezone"])
    preferences.preferences_update(user=member, quiet_start=T(20), quiet_end=T(7, 30))
    (pk,) = notify(world.alpha, [draft(member)], now=NOW)
    (row,) = rows(world)
    assert row.email_state == EmailState.PENDING and row.in_app
    assert row.email_due_at == datetime.datetime(2027, 3, 3, 22, 30, tzinfo=datetime.UTC)
    assert deliver_emails([pk], now=NOW) == 0 and mail.outbox == []
    assert delivery.due_email_ids(NOW) == []
    later = row.email_due_at + datetime.timedelta(minutes=1)
    assert delivery.due_email_ids(later) == [pk]
    assert deliver_emails([pk], now=later) == 1


def test_a_reminder_that_quiet_hours_would_make_late_is_not_emailed(world):
    member = world.alpha_member
    preferences.preferences_update(user=member, quiet_start=T(11), quiet_end=T(14))
    meeting = NOW + datetime.timedelta(hours=1)
    notify(world.alpha, [draft(member, kind="meeting_reminder", occurrence="meeting:1:1h",
                               expires_at=meeting)], now=NOW)  # fmt: skip
    (row,) = rows(world)
    assert (row.in_app, row.email_state) == (True, EmailState.NONE)


def test_a_user_with_an_unknown_time_zone_gets_quiet_hours_in_utc(world):
    member = world.alpha_member
    type(member).objects.filter(pk=member.pk).update(timezone="")
    preferences.preferences_update(user=member, quiet_start=T(11), quiet_end=T(13))
    notify(world.alpha, [draft(member)], now=NOW)
    assert rows(world)[0].email_due_at == NOW.replace(hour=13)


def test_the_daily_digest_gathers_the_days_emails_into_one(world):
    member = world.alpha_member
    preferences.preferences_update(user=member, digest="daily", digest_hour=8)
    notify(world.alpha, [draft(member), draft(member, occurrence="milestone:2:soon",
                                              title="Another milestone")], now=NOW)  # fmt: skip
    reminder = notify(world.alpha, [draft(member, kind="meeting_reminder",
                                          occurrence="meeting:1:24h")], now=NOW)  # fmt: skip
    states = [r.email_state for r in rows(world)]
    assert states == [EmailState.DIGEST, EmailState.DIGEST, EmailState.PENDING]  # urgent
    assert send_digests(now=NOW) == 0  # 08:00 UTC tomorrow
    tomorrow = datetime.datetime(2027, 3, 4, 8, 1, tzinfo=datetime.UTC)
    assert send_digests(now=tomorrow) == 1 and send_digests(now=tomorrow) == 0
    (email,) = mail.outbox
    assert "2 updates" in email.subject and "Another milestone" in email.body
    assert [r.email_state for r in rows(world)][:2] == [EmailState.DIGESTED] * 2
    assert deliver_emails(reminder, now=NOW) == 1


def test_a_bounced_address_is_not_emailed(world):
    preferences.email_bounced(world.alpha_member.email, "550 No such mailbox")
    notify(world.alpha, [draft(world.alpha_member)], now=NOW)
    assert rows(world)[0].email_state == EmailState.BOUNCED


def test_an_invitee_without_an_account_gets_the_email_only(world):
    created = notify(
        world.alpha,
        [Draft(kind="invitation_reminder", occurrence="invitation:1:day3",
               email="New.Person@example.com", title="A reminder")],
        now=NOW,
    )  # fmt: skip
    assert deliver_emails(created, now=NOW) == 1
    assert mail.outbox[0].to == ["New.Person@example.com"]
    assert "Stop these emails" not in mail.outbox[0].body
    assert rows(world)[0].in_app is False


def test_a_failed_send_is_retried_later_with_a_growing_wait_then_shown_as_failed(world, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.DownBackend"
    (pk,) = notify(world.alpha, [draft(world.alpha_member)], now=NOW)
    now = NOW
    waits = []
    for _ in range(delivery.MAX_ATTEMPTS):
        assert deliver_emails([pk], now=now) == 0
        row = Notification.all_organizations.get(pk=pk)
        if row.email_state == EmailState.FAILED:
            break
        waits.append(row.email_due_at - now)
        assert delivery.due_email_ids(now) == []
        now = row.email_due_at
    assert waits == [datetime.timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert (row.email_state, row.email_attempts) == (EmailState.FAILED, 5)
    assert "ConnectionRefusedError" in row.email_error


def test_a_refused_address_fails_at_once(world, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    (pk,) = notify(world.alpha, [draft(world.alpha_member)], now=NOW)
    deliver_emails([pk], now=NOW)
    row = Notification.all_organizations.get(pk=pk)
    assert (row.email_state, row.email_attempts) == (EmailState.FAILED, 1)
    assert "refused" in row.email_error


def test_an_email_past_its_moment_is_not_sent_late(world):
    (pk,) = notify(world.alpha, [draft(world.alpha_member, kind="meeting_reminder",
                                       expires_at=NOW + datetime.timedelta(hours=1))],
                   now=NOW)  # fmt: skip
    assert deliver_emails([pk], now=NOW + datetime.timedelta(hours=2)) == 0
    assert Notification.all_organizations.get(pk=pk).email_state == EmailState.NONE


def test_new_in_app_notifications_are_pushed_live_once_committed(
    world, django_capture_on_commit_callbacks
):
    with (
        mock.patch("notifications.delivery.group_send_now") as pushed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(world.alpha, [draft(world.alpha_member)], now=NOW)
        notify(world.alpha, [draft(world.alpha_member)], now=NOW)
    (sends,) = pushed.call_args_list
    ((group, message),) = sends.args[0]
    assert group == user_group_name(world.alpha.pk, world.alpha_member.pk)
    assert message["notification"]["title"] == "“Draft the slides” is due on Friday"


def test_creating_and_sending_costs_the_same_queries_for_1_or_30_people(
    world, django_assert_max_num_queries
):
    from accounts.models import User

    people = [User.objects.create_user(email=f"p{n}@example.com", password=None) for n in range(30)]
    with django_assert_max_num_queries(6):
        one = notify(world.alpha, [draft(people[0])], now=NOW)
    with django_assert_max_num_queries(6):
        many = notify(world.alpha, [draft(p) for p in people[1:]], now=NOW)
    assert len(one) == 1 and len(many) == 29


def test_a_sweep_sends_what_is_due(world):
    from notifications import tasks

    notify(world.alpha, [draft(world.alpha_member)], now=timezone.now())
    assert tasks.send_due_notification_emails() == 1
    assert len(mail.outbox) == 1
    assert tasks.send_due_notification_emails() == 0


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"body": "", "url": ""},
        {"title": 'Tom & "Jerry" <b>', "body": "Line one\nline <two> & 'three'\r\n\nfour"},
        {"url": "https://elsewhere.example/"},  # not the platform's: left out
        {"action": "", "body": "A body with a mark \ue000body\ue000 in it"},
        {"title": "José\u2019s milestone: “Draft”", "body": "Ça va?\nOui."},
    ],
)
def test_an_email_rendered_once_for_many_is_the_email_rendered_alone(world, values):
    """The batch renders each shape of email once and fills in each person's words; the result
    is exactly what rendering the templates for that person gives, escaping and all."""
    from notifications.kinds import KINDS

    notify(world.alpha, [draft(world.alpha_member, **values)], now=NOW)
    invitee = {**draft(world.alpha_member, **values).__dict__, "user_id": None}
    invitee.update(email="guest@example.com", kind="invitation_reminder", occurrence="inv:1:3")
    notify(world.alpha, [Draft(**invitee)], now=NOW)
    templates = delivery._Templates()
    for row in rows(world):
        email = delivery.build_email(row, templates, world.alpha)
        email = delivery.build_email(row, templates, world.alpha)  # the second: filled in
        context = {
            "title": row.title, "body": row.body,
            "url": templates.site + row.url if row.url.startswith("/") else "",
            "action": row.action or "Open", "organization": world.alpha.name,
            "kind": KINDS[row.kind],
            "unsubscribe_url": templates.unsubscribe_url(row.user_id, row.kind),
            "preferences_url": templates.preferences_url,
        }  # fmt: skip
        assert email.body == templates.text.render(context)
        assert email.alternatives[0][0] == templates.html.render(context)
        assert row.title in email.body


# Creating and sending at once (the scans' batches) -------------------------------------------


def _people(count: int):
    from accounts.models import User

    return [
        User.objects.create_user(email=f"batch{n}@example.com", password=None) for n in range(count)
    ]


def test_a_batch_creates_its_rows_already_sent_and_sends_each_once(world, settings):
    settings.NOTIFICATION_EMAIL_CHUNK = 3
    people = _people(7)
    drafts = [draft(person) for person in people]
    assert delivery.notify_and_send(world.alpha, drafts, now=NOW) == 7
    assert delivery.notify_and_send(world.alpha, drafts, now=NOW) == 0  # it ran again
    found = rows(world)
    assert len(found) == 7 and len(mail.outbox) == 7
    assert {(r.email_state, r.email_attempts, r.email_sent_at) for r in found} == {
        (EmailState.SENT, 1, NOW)
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    by_key = {r.dedupe_key: r for r in found}
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {
        delivery.message_id(key) for key in by_key
    }


def test_a_batch_leaves_quiet_hours_digests_and_email_off_to_their_own_time(world):
    quiet, digest, off, now_ = _people(4)
    preferences.preferences_update(user=quiet, quiet_start=T(11), quiet_end=T(13))
    preferences.preferences_update(user=digest, digest="daily")
    preferences.preferences_update(user=off, channels={"milestone_due": {"email": False}})
    sent = delivery.notify_and_send(
        world.alpha, [draft(p) for p in (quiet, digest, off, now_)], now=NOW
    )
    assert sent == 1 and [m.to for m in mail.outbox] == [[now_.email]]
    states = {r.user_id: r.email_state for r in rows(world)}
    assert states == {
        quiet.pk: EmailState.PENDING, digest.pk: EmailState.DIGEST, off.pk: EmailState.NONE,
        now_.pk: EmailState.SENT,
    }  # fmt: skip


def test_a_batch_whose_mail_server_goes_down_keeps_every_email_for_the_retry(world, settings):
    """The first chunk goes; the server fails in the second: the failed email waits for its
    retry, the untried ones of that chunk and the chunks after are created waiting, and the
    sweep later sends each of them once."""
    from tests.notifications.backends import DownBackend

    settings.NOTIFICATION_EMAIL_CHUNK = 2
    people = _people(5)
    calls = {"n": 0}
    real_send = delivery.get_connection().__class__.send_messages

    def down_after_two(self, messages):
        calls["n"] += 1
        if calls["n"] > 2:
            return DownBackend().send_messages(messages)
        return real_send(self, messages)

    with mock.patch.object(delivery.get_connection().__class__, "send_messages", down_after_two):
        assert delivery.notify_and_send(world.alpha, [draft(p) for p in people], now=NOW) == 2
    found = {r.user_id: r for r in rows(world)}
    assert len(found) == 5 and len(mail.outbox) == 2
    failed = found[people[2].pk]
    assert (failed.email_state, failed.email_attempts) == (EmailState.PENDING, 1)
    assert failed.email_due_at == NOW + delivery.RETRY_BASE and failed.email_sent_at is None
    assert "ConnectionRefusedError" in failed.email_error
    for person in people[3:]:
        row = found[person.pk]
        assert (row.email_state, row.email_attempts, row.email_sent_at) == (
            EmailState.PENDING, 0, None,
        )  # fmt: skip
        assert row.email_due_at == NOW
    later = NOW + delivery.RETRY_BASE
    assert delivery.deliver_emails(delivery.due_email_ids(later), now=later) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert {r.email_state for r in rows(world)} == {EmailState.SENT}


def test_a_refused_address_in_a_batch_fails_alone(world, settings):
    from smtplib import SMTPRecipientsRefused

    people = _people(3)
    real_send = delivery.get_connection().__class__.send_messages

    def refuse_one(self, messages):
        if messages[0].to == [people[1].email]:
            raise SMTPRecipientsRefused({people[1].email: (550, b"No such user")})
        return real_send(self, messages)

    with mock.patch.object(delivery.get_connection().__class__, "send_messages", refuse_one):
        assert delivery.notify_and_send(world.alpha, [draft(p) for p in people], now=NOW) == 2
    found = {r.user_id: r for r in rows(world)}
    refused = found[people[1].pk]
    assert (refused.email_state, refused.email_attempts) == (EmailState.FAILED, 1)
    assert "refused" in refused.email_error and refused.email_sent_at is None
    assert found[people[0].pk].email_state == found[people[2].pk].email_state == EmailState.SENT


def test_a_batch_pushes_each_new_in_app_row_live_once(
    world, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAIL_CHUNK = 2
    people = _people(5)
    with (
        mock.patch("notifications.delivery.group_send_now") as pushed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        delivery.notify_and_send(world.alpha, [draft(p) for p in people], now=NOW)
        delivery.notify_and_send(world.alpha, [draft(p) for p in people], now=NOW)
    groups = [group for call in pushed.call_args_list for group, _ in call.args[0]]
    assert sorted(groups) == sorted(user_group_name(world.alpha.pk, p.pk) for p in people)


def test_a_batch_costs_the_same_queries_for_2_or_40_people(
    world, settings, django_assert_max_num_queries
):
    settings.NOTIFICATION_EMAIL_CHUNK = 1000
    people = _people(42)
    with django_assert_max_num_queries(6):
        delivery.notify_and_send(world.alpha, [draft(p) for p in people[:2]], now=NOW)
    with django_assert_max_num_queries(6):
        assert delivery.notify_and_send(world.alpha, [draft(p) for p in people[2:]], now=NOW) == 40
