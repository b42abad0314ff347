"""Telling people about new mentorships: an email and a live notification, once each."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization
from organizations.realtime import group_send_now, user_group_name
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipMentee


def announce_mentorships(organization_id: int, mentorship_ids: list[int]) -> None:
    """Handler of programs.events.mentorships_started (runs on commit)."""
    send_mentorship_announcements.delay(organization_id, mentorship_ids)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_mentorship_announcements(organization_id: int, mentorship_ids: list[int]) -> None:
    """Email everyone in each new mentorship and push a live notification. Each mentorship is
    claimed (announced_at) before anyone is told, so a redelivered task tells nobody twice."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    with organization_scope(organization):
        for mentorship_id in mentorship_ids:
            claimed = Mentorship.objects.filter(pk=mentorship_id, announced_at__isnull=True).update(
                announced_at=timezone.now()
            )
            if claimed:
                try:
                    _announce(organization, mentorship_id)
                except OSError:
                    Mentorship.objects.filter(pk=mentorship_id).update(announced_at=None)
                    raise


def _announce(organization: Organization, mentorship_id: int) -> None:
    mentorship = Mentorship.objects.select_related("mentor__user", "cohort__program").get(
        pk=mentorship_id
    )
    mentees = [
        member.mentee
        for member in MentorshipMentee.objects.filter(mentorship=mentorship).select_related(
            "mentee__user"
        )
    ]
    path = reverse(
        "relationships:mentorship",
        kwargs={"org_slug": organization.slug, "mentorship_id": mentorship.pk},
    )
    url = settings.SITE_URL.rstrip("/") + path
    mentee_names = ", ".join(m.full_name or m.email for m in mentees)
    mentor_name = mentorship.mentor.full_name or mentorship.mentor.email
    people = [(mentorship.mentor, mentee_names, "mentor")] + [
        (mentee, mentor_name, "mentee") for mentee in mentees
    ]
    for enrolment, partner, role in people:
        context = {
            "name": enrolment.full_name or enrolment.email,
            "partner": partner,
            "role": role,
            "mentorship": mentorship,
            "program": mentorship.cohort.program,
            "organization": organization,
            "url": url,
        }
        send_mail(
            subject=f"You have been matched with {partner}",
            message=render_to_string("notifications/email/mentorship_started.txt", context),
            from_email=None,
            recipient_list=[enrolment.email],
        )
        if enrolment.user_id:
            group_send_now(
                [
                    (
                        user_group_name(organization.pk, enrolment.user_id),
                        {
                            "type": "notification.message",
                            "notification": {
                                "kind": "mentorship_started",
                                "title": f"You have been matched with {partner}",
                                "url": path,
                            },
                        },
                    )
                ]
            )
