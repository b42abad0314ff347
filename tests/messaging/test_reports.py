"""Reported messages: the program managers are emailed once and see that one message."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from messaging import services
from messaging.models import MessageReport
from messaging.tasks import email_report_to_managers
from organizations.scope import organization_scope
from tests.conftest import logged_in_client


@pytest.fixture
def reported(chat, django_capture_on_commit_callbacks):
    mw, _, conversation = chat
    services.message_send(
        membership=mw.members["mentor0"], conversation=conversation, body="Private detail"
    )
    rude, _ = services.message_send(
        membership=mw.members["mentor0"], conversation=conversation, body="You are <b>useless</b>"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.message_report(
            membership=mw.members["mentee0"], message=rude, reason="Insulting me."
        )
    return mw, conversation, report


def test_the_program_managers_are_emailed_once(reported, world):
    _, _, report = reported
    (email,) = mail.outbox
    assert email.to == [world.alpha_manager.email]
    assert "Insulting me." in email.body
    assert "/reported-messages/" in email.body
    email_report_to_managers(report.organization_id, report.pk)
    assert len(mail.outbox) == 1


def test_managers_see_the_reported_message_only_and_mark_it_handled(
    reported, world, django_assert_max_num_queries
):
    mw, _, report = reported
    page = reverse(
        "messaging:reports", kwargs={"org_slug": "alpha", "program_id": mw.cohort.program_id}
    )
    manager = logged_in_client(world.alpha_manager)
    with django_assert_max_num_queries(14):
        body = manager.get(page).content.decode()
    assert "You are &lt;b&gt;useless&lt;/b&gt;" in body
    assert "Private detail" not in body
    assert "Insulting me." in body
    assert (
        f"Private conversation of {mw.mentors['mentor0'].full_name} and {mw.mentees['mentee0'].full_name}"
        in body
    )
    resolve = reverse(
        "messaging:report_resolve",
        kwargs={"org_slug": "alpha", "program_id": mw.cohort.program_id, "report_id": report.pk},
    )
    assert manager.get(resolve).status_code == 405
    response = manager.post(resolve, follow=True)
    assert "Marked as handled." in response.content.decode()
    with organization_scope(world.alpha):
        handled = MessageReport.objects.get(pk=report.pk)
    assert handled.resolved_at is not None
    assert handled.resolved_by_id == world.alpha_manager.pk


def test_participants_and_other_programs_do_not_see_reports(reported, world):
    mw, _, _ = reported
    page = reverse(
        "messaging:reports", kwargs={"org_slug": "alpha", "program_id": mw.cohort.program_id}
    )
    # The mentee who reported cannot open the managers' page (the program is not theirs to see).
    assert logged_in_client(mw.members["mentee0"].user).get(page).status_code == 404
    assert logged_in_client(world.bravo_owner).get(page).status_code == 404
