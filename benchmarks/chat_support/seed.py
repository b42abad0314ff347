"""The chat benchmark's data: one organisation with an active one-to-one cohort of `pairs`
mentorships, each with its conversation, and a logged-in browser session per person.

Plain rows in bulk where the services would take minutes (users, memberships, enrolments,
mentorships with their agreements and mentees, sessions), shaped as the services shape them:
enrolments matched, mentorships active with their draft agreement, the conversation opened by
messaging's own handler of "mentorships started". Needs Django set up on an empty database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

DOMAIN = "bench-chat.example"
ORG_SLUG = "bench-chat"


@dataclass
class Seeded:
    org_slug: str
    # One per client socket: the session key of the person behind it.
    session_keys: list[str]
    # One per mentorship: (mentor's client index, mentee's client index, conversation id).
    pairs: list[tuple[int, int, int]]


def seed(pairs: int) -> Seeded:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import User
    from messaging.models import Conversation
    from messaging.services import conversations_open_for_mentorships
    from organizations.models import Membership, Organization, Role
    from organizations.scope import organization_scope
    from programs import services as program_services
    from programs.models import EnrolmentRole

    today = timezone.localdate()
    now = timezone.now()
    unusable_password = make_password(None)
    with transaction.atomic():
        owner = User.objects.create_user(email=f"owner@{DOMAIN}", full_name="Bench Owner")
        organization = Organization.objects.create(name="Bench chat", slug=ORG_SLUG)
        with organization_scope(organization):
            owner_membership = Membership.objects.create(
                organization=organization, user=owner, role=Role.OWNER
            )
            owner_membership = Membership.objects.select_related("organization", "user").get(
                pk=owner_membership.pk
            )
            program = program_services.program_create(
                actor_membership=owner_membership,
                values=program_services.ProgramSettings(
                    name="Bench chat mentoring", purpose="Benchmark"
                ),
            )
            cohort = active_cohort(
                owner_membership,
                program,
                program_services.CohortSettings(
                    name="Bench cohort",
                    enrolment_opens_on=today - timedelta(days=40),
                    enrolment_closes_on=today - timedelta(days=20),
                    starts_on=today - timedelta(days=14),
                    ends_on=today + timedelta(days=180),
                ),
            )

            # Client index 2k is the mentor of pair k, 2k + 1 its mentee.
            people = [
                (role, k)
                for k in range(pairs)
                for role in (EnrolmentRole.MENTOR, EnrolmentRole.MENTEE)
            ]
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"{role}{k}@{DOMAIN}",
                        full_name=f"Bench {role.label} {k}",
                        password=unusable_password,
                    )
                    for role, k in people
                ],
                batch_size=2000,
            )
            _, mentorships = matched_pairs(
                organization,
                [cohort],
                users,
                started_on=lambda cohort: today,
                ends_on=lambda cohort: max(cohort.ends_on, today),
            )
    # What messaging does when mentorships start: open each one's conversation.
    conversations_open_for_mentorships(organization.pk, [m.pk for m in mentorships])
    with organization_scope(organization):
        conversation_of = dict(
            Conversation.objects.filter(mentorship__in=mentorships).values_list(
                "mentorship_id", "pk"
            )
        )

    # A logged-in browser session per person, as django.contrib.auth.login leaves it.
    store = SessionStore()
    expire_date = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    session_keys = [get_random_string(32, VALID_KEY_CHARS) for _ in users]
    Session.objects.bulk_create(
        [
            Session(
                session_key=key,
                session_data=store.encode(
                    {
                        SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                        HASH_SESSION_KEY: user.get_session_auth_hash(),
                    }
                ),
                expire_date=expire_date,
            )
            for key, user in zip(session_keys, users, strict=True)
        ],
        batch_size=2000,
    )
    return Seeded(
        org_slug=organization.slug,
        session_keys=session_keys,
        pairs=[(2 * k, 2 * k + 1, conversation_of[m.pk]) for k, m in enumerate(mentorships)],
    )


def active_cohort(owner_membership, program, settings):
    """A cohort created with `settings` and taken through its lifecycle as its owner would:
    enrolment opened on its day, then matching and the start today."""
    from django.utils import timezone

    from programs import services as program_services
    from programs.models import CohortStatus

    today = timezone.localdate()
    cohort = program_services.cohort_create(
        actor_membership=owner_membership, program=program, values=settings
    )
    for status, day in (
        (CohortStatus.ENROLLING, cohort.enrolment_opens_on),
        (CohortStatus.MATCHING, today),
        (CohortStatus.ACTIVE, today),
    ):
        cohort = program_services.cohort_transition(
            actor_membership=owner_membership, cohort=cohort, to_status=status, today=day
        )
    return cohort


def matched_pairs(organization, cohorts, users, *, started_on, ends_on) -> tuple[list, list]:
    """Pair k of `users` (2k the mentor, 2k + 1 the mentee) as the services leave a match in
    cohort k % len(cohorts): memberships, enrolments (matched, profile complete), the
    mentorship (dates from `started_on(cohort)` and `ends_on(cohort)`) with its default
    agreement and its mentee. Returns (enrolments, mentorships), in the users' and pairs' order.
    Run in the organisation's scope."""
    from django.utils import timezone

    from organizations.models import Membership
    from programs.models import (
        Agreement,
        Enrolment,
        EnrolmentRole,
        EnrolmentState,
        Mentorship,
        MentorshipMentee,
        MentorshipOrigin,
    )
    from programs.services.mentorships import _agreement_defaults

    now = timezone.now()
    pairs = len(users) // 2
    cohort_of = [cohorts[k % len(cohorts)] for k in range(pairs)]
    roles = (EnrolmentRole.MENTOR, EnrolmentRole.MENTEE)
    Membership.objects.bulk_create(
        [Membership(organization=organization, user=user) for user in users], batch_size=2000
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                organization=organization,
                cohort=cohort_of[index // 2],
                user=user,
                email=user.email,
                full_name=user.full_name,
                role=roles[index % 2],
                state=EnrolmentState.MATCHED,
                profile_completed_at=now,
            )
            for index, user in enumerate(users)
        ],
        batch_size=2000,
    )
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                organization=organization,
                cohort=cohort,
                mentor=enrolments[2 * k],
                origin=MentorshipOrigin.MATCH_RUN,
                started_on=started_on(cohort),
                ends_on=ends_on(cohort),
            )
            for k, cohort in enumerate(cohort_of)
        ],
        batch_size=2000,
    )
    agreements = {cohort.pk: _agreement_defaults(cohort) for cohort in cohorts}
    Agreement.objects.bulk_create(
        [
            Agreement(organization=organization, mentorship=mentorship, **agreements[cohort.pk])
            for mentorship, cohort in zip(mentorships, cohort_of, strict=True)
        ],
        batch_size=2000,
    )
    MentorshipMentee.objects.bulk_create(
        [
            MentorshipMentee(
                organization=organization, mentorship=mentorship, mentee=enrolments[2 * k + 1]
            )
            for k, mentorship in enumerate(mentorships)
        ],
        batch_size=2000,
    )
    return enrolments, mentorships
