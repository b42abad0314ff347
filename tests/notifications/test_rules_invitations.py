"""Invitation reminders: 3 and 10 days after the invitation email, by email only, with the
invitation's own link; once each; never for an invitation accepted, revoked or expired."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from notifications.models import EmailState
from notifications.rules import RULES
from organizations.invitation_links import read_invitation_token
from organizations.models import Invitation, Role
from organizations.scope import organization_scope
from tests.notifications import test_rules_helpers as h

KEY, KIND = "invitations", "invitation_reminder"
DAY = datetime.timedelta(days=1)


def emailed(world, invitation: Invitation, days_ago: float) -> Invitation:
    with organization_scope(invitation.organization):
        Invitation.objects.filter(pk=invitation.pk).update(
            email_sent_at=h.NOON - DAY * days_ago - datetime.timedelta(minutes=5),
            expires_at=h.NOON + DAY * 11,
        )
        return Invitation.objects.get(pk=invitation.pk)


def test_day_three_reminds_the_invitee_by_email_with_the_invitations_link(world):
    invitation = emailed(world, world.alpha_invitation, 3)
    mail.outbox.clear()
    h.run(KEY, world.alpha, h.NOON)
    (row,) = h.rows(KIND)
    assert row.user_id is None and row.email == invitation.email and not row.in_app
    assert row.email_state == EmailState.SENT
    assert row.title == (
        f"A reminder: {world.alpha_owner.full_name} invited you to {world.alpha.name} on Mentorship"
    )
    assert row.action == "Accept the invitation"
    assert row.dedupe_key.endswith(f":invitation:{invitation.pk}:day3:e{invitation.email}")
    token = row.url.removeprefix("/o/alpha/join/").rstrip("/")
    assert read_invitation_token(organization_id=world.alpha.pk, token=token) == (
        invitation.pk, invitation.key,
    )  # fmt: skip
    (email,) = mail.outbox
    assert email.to == [invitation.email] and email.subject == row.title
    assert row.url in email.body and "as a member" in email.body


def test_day_three_and_day_ten_once_each(world):
    emailed(world, world.alpha_invitation, 0)
    mail.outbox.clear()
    for day in (1, 2, 3, 3.5, 4, 9, 10, 10.5, 11, 16):
        h.run(KEY, world.alpha, h.NOON + DAY * day)
    assert [r.dedupe_key.split(":")[-2] for r in h.rows(KIND)] == ["day3", "day10"]
    assert len(mail.outbox) == 2


def test_an_invitation_found_late_gets_only_its_latest_reminder(world):
    emailed(world, world.alpha_invitation, 11)
    h.run(KEY, world.alpha, h.NOON)
    assert [r.dedupe_key.split(":")[-2] for r in h.rows(KIND)] == ["day10"]


@pytest.mark.parametrize("change", ["accepted", "revoked", "expired", "never_emailed", "early"])
def test_nothing_for_an_invitation_that_is_not_waiting(world, change):
    invitation = emailed(world, world.alpha_invitation, 2 if change == "early" else 3)
    with organization_scope(world.alpha):
        invitations = Invitation.objects.filter(pk=invitation.pk)
        if change == "accepted":
            invitations.update(accepted_at=h.NOON - DAY)
        elif change == "revoked":
            invitations.update(revoked_at=h.NOON - DAY)
        elif change == "expired":
            invitations.update(expires_at=h.NOON - datetime.timedelta(minutes=1))
        elif change == "never_emailed":
            invitations.update(email_sent_at=None)
    assert h.run(KEY, world.alpha, h.NOON) == []


def test_accepted_since_the_scan_tells_nobody(world):
    invitation = emailed(world, world.alpha_invitation, 3)
    (items,) = list(RULES[KEY].scan(world.alpha, h.NOON))
    with organization_scope(world.alpha):
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=h.NOON)
    assert RULES[KEY].drafts(world.alpha, items, h.NOON) == []


def test_each_organisation_reminds_its_own_invitees(world):
    emailed(world, world.alpha_invitation, 3)
    emailed(world, world.bravo_invitation, 3)
    h.run(KEY, world.bravo, h.NOON)
    (row,) = h.rows(KIND)
    assert row.organization_id == world.bravo.pk and row.email == world.bravo_invitation.email
    assert world.bravo_owner.full_name in row.title


def test_a_scan_costs_the_same_queries_for_one_invitation_and_for_thirty(
    world, django_assert_max_num_queries
):
    emailed(world, world.alpha_invitation, 3)

    def more():
        with organization_scope(world.alpha):
            Invitation.objects.bulk_create(
                Invitation(
                    organization=world.alpha, email=f"guest{n}@example.com", role=Role.MEMBER,
                    invited_by=world.alpha_admin if n % 2 else None,
                    email_sent_at=h.NOON - DAY * (3 if n % 2 else 10), expires_at=h.NOON + DAY,
                )
                for n in range(29)
            )  # fmt: skip

    h.check_fixed_queries(KEY, world.alpha, h.NOON, more, django_assert_max_num_queries)
