"""The load benchmark's data: one organisation with a few programs, each with active cohorts,
`pairs` one-to-one mentorships spread over them, and for each mentorship its agreement, its
conversation with some history, two goals of three milestones, a meeting held and one to come;
program managers (each assigned to one program), report viewers and an owner; today's health of
every pair. Every person can sign in with PASSWORD (a verified email address) and has a
personal API token.

Programs, cohorts and manager assignments go through the services; the many rows in bulk,
shaped as the services shape them (see chat_support/seed.py). Needs Django set up on an empty
database.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import timedelta

DOMAIN = "bench-load.example"
ORG_SLUG = "bench-load"
PASSWORD = "bench-load-password-2026"  # noqa: S105 - throwaway accounts of a throwaway database
PROGRAMS = 3
COHORTS_PER_PROGRAM = 2
MANAGERS_PER_PROGRAM = 2
REPORT_VIEWERS = 4
MESSAGES_PER_CONVERSATION = 20
GOALS_PER_PAIR = 2
MILESTONES_PER_GOAL = 3


@dataclass
class Participant:
    email: str
    token: str
    user_id: int
    mentorship: int
    conversation: int
    milestones: list[int]
    goals: list[int]


@dataclass
class Manager:
    email: str
    token: str
    role: str
    # (program id, cohort id) pairs the manager opens.
    cohorts: list[tuple[int, int]]


@dataclass
class Plan:
    """What the load clients need to know: who signs in, with what, and what they open."""

    org_slug: str
    password: str
    # In pair order: 2k is the mentor of pair k, 2k + 1 its mentee.
    participants: list[Participant] = field(default_factory=list)
    managers: list[Manager] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def seed(pairs: int) -> Plan:
    from allauth.account.models import EmailAddress
    from chat_support.seed import active_cohort, matched_pairs
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import api_token_create
    from goals.models import Goal, GoalStatus, Milestone, PairSide
    from meetings.models import Attendance, Meeting, MeetingStatus
    from messaging.models import Conversation, Message
    from messaging.services import conversations_open_for_mentorships
    from organizations.models import Membership, Organization, Role
    from organizations.scope import organization_scope
    from programs import services as program_services
    from programs.models import EnrolmentRole
    from relationships.services import health_snapshots_take

    today = timezone.localdate()
    now = timezone.now()
    # One hash for everyone: hashing is what a sign-in costs, not what seeding should.
    password_hash = make_password(PASSWORD)

    def person(email: str, name: str) -> User:
        return User(email=email, full_name=name, password=password_hash, timezone="Europe/Berlin")

    with transaction.atomic():
        owner = User.objects.create(
            email=f"owner@{DOMAIN}", full_name="Olga Owner", password=password_hash
        )
        organization = Organization.objects.create(name="Bench load", slug=ORG_SLUG)
        with organization_scope(organization):
            owner_membership = Membership.objects.select_related("organization", "user").get(
                pk=Membership.objects.create(
                    organization=organization, user=owner, role=Role.OWNER
                ).pk
            )
            cohorts = []
            programs = []
            for p in range(PROGRAMS):
                program = program_services.program_create(
                    actor_membership=owner_membership,
                    values=program_services.ProgramSettings(
                        name=f"Program {p + 1}", purpose="Grow the people who grow others"
                    ),
                )
                programs.append(program)
                for c in range(COHORTS_PER_PROGRAM):
                    cohort = active_cohort(
                        owner_membership,
                        program,
                        program_services.CohortSettings(
                            name=f"Cohort {p + 1}.{c + 1}",
                            enrolment_opens_on=today - timedelta(days=60 + 30 * c),
                            enrolment_closes_on=today - timedelta(days=40 + 30 * c),
                            starts_on=today - timedelta(days=30 + 30 * c),
                            ends_on=today + timedelta(days=150 - 30 * c),
                        ),
                    )
                    cohorts.append(cohort)

            staff = [
                (f"manager{p}-{n}@{DOMAIN}", f"Manager {p}.{n}", Role.PROGRAM_MANAGER, p)
                for p in range(PROGRAMS)
                for n in range(MANAGERS_PER_PROGRAM)
            ] + [
                (f"reports{n}@{DOMAIN}", f"Report Viewer {n}", Role.REPORT_VIEWER, None)
                for n in range(REPORT_VIEWERS)
            ]
            staff_users = User.objects.bulk_create([person(e, n) for e, n, _, _ in staff])
            Membership.objects.bulk_create(
                [
                    Membership(organization=organization, user=user, role=role)
                    for user, (_, _, role, _) in zip(staff_users, staff, strict=True)
                ]
            )
            for user, (_, _, _, program_index) in zip(staff_users, staff, strict=True):
                if program_index is not None:
                    program_services.program_manager_assign(
                        actor_membership=owner_membership,
                        program=programs[program_index],
                        user_id=user.pk,
                    )

            # Client index 2k is the mentor of pair k, 2k + 1 its mentee; pair k is in cohort
            # k % len(cohorts).
            people = [
                (role, k)
                for k in range(pairs)
                for role in (EnrolmentRole.MENTOR, EnrolmentRole.MENTEE)
            ]
            users = User.objects.bulk_create(
                [person(f"{role}{k}@{DOMAIN}", f"{role.label} {k}") for role, k in people],
                batch_size=2000,
            )
            enrolments, mentorships = matched_pairs(
                organization,
                cohorts,
                users,
                started_on=lambda cohort: cohort.starts_on,
                ends_on=lambda cohort: cohort.ends_on,
            )
            EmailAddress.objects.bulk_create(
                [
                    EmailAddress(user=user, email=user.email, verified=True, primary=True)
                    for user in [owner, *staff_users, *users]
                ],
                batch_size=2000,
            )

            goals = Goal.objects.bulk_create(
                [
                    Goal(
                        organization=organization,
                        mentorship=mentorship,
                        mentee=enrolments[2 * k + 1],
                        title=title,
                        measure="Two talks given and feedback collected",
                        why="It is what the next role asks for",
                        target_date=today + timedelta(days=60 + 20 * g),
                        status=GoalStatus.ACTIVE,
                        created_by=users[2 * k + 1],
                    )
                    for k, mentorship in enumerate(mentorships)
                    for g, title in enumerate(("Speak at the all-hands", "Lead a project"))
                ][: pairs * GOALS_PER_PAIR],
                batch_size=2000,
            )
            milestones = Milestone.objects.bulk_create(
                [
                    Milestone(
                        organization=organization,
                        goal=goal,
                        title=f"Step {n + 1}",
                        due_on=today + timedelta(days=14 * (n + 1) - 20),
                        owner=PairSide.MENTEE,
                        done_on=today - timedelta(days=3) if n == 0 else None,
                        created_by_id=goal.created_by_id,
                    )
                    for goal in goals
                    for n in range(MILESTONES_PER_GOAL)
                ],
                batch_size=2000,
            )
            # Progress as the services keep it: the share of milestones done.
            Goal.objects.filter(pk__in=[g.pk for g in goals]).update(
                progress=100 // MILESTONES_PER_GOAL
            )

            Meeting.objects.bulk_create(
                [
                    Meeting(
                        organization=organization,
                        mentorship=mentorship,
                        proposed_by=users[2 * k],
                        title=title,
                        agenda="How the goals are going",
                        status=MeetingStatus.SCHEDULED,
                        starts_at=now + timedelta(days=days, hours=k % 8),
                        ends_at=now + timedelta(days=days, hours=k % 8 + 1),
                        uid=f"{uuid.uuid4().hex}@{DOMAIN}",
                        attendance=Attendance.HELD if days < 0 else "",
                    )
                    for k, mentorship in enumerate(mentorships)
                    for days, title in ((-7, "Kick-off"), (7, "Check-in"))
                ],
                batch_size=2000,
            )

    # What messaging does when mentorships start: open each one's conversation.
    conversations_open_for_mentorships(organization.pk, [m.pk for m in mentorships])
    with organization_scope(organization):
        conversation_of = dict(
            Conversation.objects.filter(mentorship__in=mentorships).values_list(
                "mentorship_id", "pk"
            )
        )
        Message.objects.bulk_create(
            [
                Message(
                    organization=organization,
                    conversation_id=conversation_of[mentorship.pk],
                    sequence=n + 1,
                    sender=users[2 * k + n % 2],
                    body=f"Message {n + 1}: shall we go through the plan on Thursday?",
                )
                for k, mentorship in enumerate(mentorships)
                for n in range(MESSAGES_PER_CONVERSATION)
            ],
            batch_size=5000,
        )
        Conversation.objects.filter(pk__in=conversation_of.values()).update(
            last_sequence=MESSAGES_PER_CONVERSATION, last_message_at=now
        )
        health_snapshots_take(organization=organization)

    plan = Plan(org_slug=organization.slug, password=PASSWORD)
    milestones_of: dict[int, list[int]] = {}
    goals_of: dict[int, list[int]] = {}
    for milestone in milestones:
        milestones_of.setdefault(milestone.goal.mentorship_id, []).append(milestone.pk)
    for goal in goals:
        goals_of.setdefault(goal.mentorship_id, []).append(goal.pk)
    for index, user in enumerate(users):
        mentorship = mentorships[index // 2]
        plan.participants.append(
            Participant(
                email=user.email,
                token=api_token_create(user=user, name="Load benchmark")[1],
                user_id=user.pk,
                mentorship=mentorship.pk,
                conversation=conversation_of[mentorship.pk],
                milestones=milestones_of[mentorship.pk],
                goals=goals_of[mentorship.pk],
            )
        )
    all_cohorts = [(cohort.program_id, cohort.pk) for cohort in cohorts]
    for user, (_, _, role, program_index) in zip(staff_users, staff, strict=True):
        plan.managers.append(
            Manager(
                email=user.email,
                token=api_token_create(user=user, name="Load benchmark")[1],
                role=str(role),
                cohorts=[
                    pair
                    for pair in all_cohorts
                    if program_index is None or pair[0] == programs[program_index].pk
                ],
            )
        )
    return plan
