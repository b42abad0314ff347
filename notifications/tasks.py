"""Notification tasks: telling both sides of a new mentorship, the reminder and nudge scans,
and the emails (due after quiet hours or a retry, and the daily digests)."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipMentee


def announce_mentorships(organization_id: int, mentorship_ids: list[int]) -> None:
    """Handler of programs.events.mentorships_started (runs on commit)."""
    send_mentorship_announcements.delay(organization_id, mentorship_ids)


@shared_task(acks_late=True)
def send_mentorship_announcements(organization_id: int, mentorship_ids: list[int]) -> int:
    """Tell everyone in each new mentorship, in the app and by email, once: the notification's
    dedupe key (the mentorship and the person) makes a redelivered task tell nobody twice."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    with organization_scope(organization):
        drafts = [
            draft for mentorship_id in mentorship_ids for draft in _announcements(mentorship_id)
        ]
    return send_drafts(organization, drafts, timezone.now())


def _announcements(mentorship_id: int) -> list:
    from notifications.delivery import Draft

    mentorship = (
        Mentorship.objects.select_related("mentor", "cohort__program")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None:
        return []
    mentees = [
        member.mentee
        for member in MentorshipMentee.objects.filter(mentorship=mentorship).select_related(
            "mentee"
        )
    ]
    path = reverse(
        "relationships:mentorship",
        kwargs={"org_slug": mentorship.organization.slug, "mentorship_id": mentorship.pk},
    )
    mentee_names = ", ".join(m.full_name or m.email for m in mentees)
    mentor_name = mentorship.mentor.full_name or mentorship.mentor.email
    people = [(mentorship.mentor, mentee_names, "mentor")] + [
        (mentee, mentor_name, "mentee") for mentee in mentees
    ]
    program = mentorship.cohort.program.name
    return [
        Draft(
            kind="mentorship_started",
            occurrence=f"mentorship:{mentorship.pk}",
            user_id=enrolment.user_id,
            email=enrolment.email,
            title=f"You have been matched with {partner}",
            body=(
                f"You have been matched with {partner} in {program}: "
                + ("they will be your mentor." if role == "mentee" else "you will be their mentor.")
                + "\n\nFirst step: agree together how you will work (how you keep in touch, how "
                "often you meet, what stays between you). Both of you confirm the agreement on "
                "your mentorship's page."
            ),
            url=path,
            action="Open your mentorship",
            mentorship_id=mentorship.pk,
            program_id=mentorship.cohort.program_id,
        )
        for enrolment, partner, role in people
        if enrolment.user_id
    ]


# Reminders, nudges and their emails ------------------------------------------------------------


@shared_task
def run_nudge_scan(rule_key: str) -> int:
    """Beat: run one rule's scan in every organisation and hand each batch it finds to a task.
    Returns how many batches were enqueued."""
    from notifications.rules import RULES

    rule = RULES[rule_key]
    now = timezone.now()
    enqueued = 0
    for organization in Organization.objects.order_by("pk").iterator():
        for items in rule.scan(organization, now):
            notify_batch.delay(rule_key, organization.pk, items)
            enqueued += 1
    return enqueued


@shared_task(acks_late=True)
def notify_batch(rule_key: str, organization_id: int, items: list) -> int:
    """Create a batch's notifications (those that exist are skipped) and send the emails of
    the batch that are due now, each once, however often this task runs."""
    from notifications.rules import RULES

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None or rule_key not in RULES:
        return 0
    now = timezone.now()
    return send_drafts(organization, RULES[rule_key].drafts(organization, items, now), now)


def send_drafts(organization: Organization, drafts: list, now) -> int:
    """Create these notifications (those that exist are skipped) and send the emails that are
    due now, each once, however often this runs. Returns how many emails were sent."""
    from notifications.delivery import notify_and_send

    return notify_and_send(organization, drafts, now=now)


@shared_task(acks_late=True)
def deliver_notification_emails(ids: list[int]) -> int:
    from notifications.delivery import deliver_emails

    return deliver_emails(ids)


@shared_task
def send_due_notification_emails() -> int:
    """Beat, every minute: emails whose quiet hours ended or whose retry is due, in batches."""
    from notifications.delivery import batches, due_email_ids

    ids = due_email_ids(timezone.now())
    for batch in batches(ids):
        deliver_notification_emails.delay(batch)
    return len(ids)


@shared_task(acks_late=True)
def send_notification_digests() -> int:
    """Beat, every 15 minutes: the daily digests whose hour came."""
    from notifications.delivery import send_digests

    return send_digests()
