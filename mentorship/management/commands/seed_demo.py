"""Create (or refresh) the demo organisation "Demo Corp" and print its logins. Idempotent.

It lives in the project package because it draws on every app: each app seeds its own part.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from matching.demo import seed_demo_matching
from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.demo import DEMO_COHORT, seed_demo_programs
from relationships.demo import seed_demo_relationships
from relationships.services import health_snapshots_take
from resources.demo import seed_demo_library
from surveys.demo import seed_demo_surveys

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Corp"
DEMO_PASSWORD = "demo-mentorship-2026"  # noqa: S105 - published on purpose: these are demo logins
DEMO_DOMAIN = "demo.mentorship.test"

STAFF = [
    ("owner", "Olivia Owner", Role.OWNER, "Europe/London"),
    ("manager", "Priya Manager", Role.PROGRAM_MANAGER, "Europe/Berlin"),
    ("reports", "Rafael Reports", Role.REPORT_VIEWER, "America/New_York"),
]
MENTORS = [
    ("Amara Okafor", "Africa/Lagos"),
    ("Ben Carter", "Europe/London"),
    ("Chen Wei", "Asia/Singapore"),
    ("Diana Rossi", "Europe/Rome"),
    ("Erik Lindqvist", "Europe/Stockholm"),
    ("Fatima Haddad", "Asia/Dubai"),
]
MENTEES = [
    ("Gabriel Silva", "America/Sao_Paulo"),
    ("Hana Kobayashi", "Asia/Tokyo"),
    ("Isaac Mensah", "Africa/Accra"),
    ("Julia Nowak", "Europe/Warsaw"),
    ("Kofi Asante", "Europe/London"),
    ("Lena Fischer", "Europe/Berlin"),
    ("Mateo García", "Europe/Madrid"),
    ("Nadia Petrova", "Europe/Sofia"),
    ("Omar Farouk", "Africa/Cairo"),
    ("Paula Jensen", "Europe/Copenhagen"),
    ("Quinn Murphy", "Europe/Dublin"),
    ("Ravi Sharma", "Asia/Kolkata"),
]


class Command(BaseCommand):
    help = "Create the demo organisation (slug 'demo') with its people, and print their logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    @transaction.atomic
    def handle(self, *args, quiet: bool = False, **options) -> None:
        organization, _ = Organization.objects.get_or_create(
            slug=DEMO_SLUG, defaults={"name": DEMO_NAME}
        )
        people: list[tuple[str, str, str, str]] = [
            (f"{handle}@{DEMO_DOMAIN}", name, role, tz) for handle, name, role, tz in STAFF
        ]
        people += [
            (f"mentor{i}@{DEMO_DOMAIN}", name, Role.MEMBER, tz)
            for i, (name, tz) in enumerate(MENTORS, 1)
        ]
        people += [
            (f"mentee{i}@{DEMO_DOMAIN}", name, Role.MEMBER, tz)
            for i, (name, tz) in enumerate(MENTEES, 1)
        ]
        # One hash for every demo login keeps reseeding fast; these accounts are public anyway.
        password_hash = make_password(DEMO_PASSWORD)
        with organization_scope(organization):
            for email, name, role, tz in people:
                user = self._demo_user(email, name, tz, password_hash)
                Membership.objects.update_or_create(
                    organization=organization, user=user, defaults={"role": role}
                )
            staff = Membership.objects.select_related("organization", "user")
            manager = staff.get(user__email=f"manager@{DEMO_DOMAIN}")
            program = seed_demo_programs(
                owner=staff.get(user__email=f"owner@{DEMO_DOMAIN}"), manager=manager
            )
            cohort = program.cohorts.get(name=DEMO_COHORT)
            seed_demo_matching(manager=manager, cohort=cohort)
            seed_demo_relationships(cohort=cohort)
            seed_demo_library(manager=manager, program=program)
            seed_demo_surveys(manager=manager, program=program)
            # Today's health of every pair, as the daily beat keeps it: the dashboard's health
            # section and its trend start from it.
            health_snapshots_take(organization=organization)
        if not quiet:
            self._print_logins(people)

    def _demo_user(self, email: str, name: str, tz: str, password_hash: str) -> User:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": name,
                "timezone": tz,
                "is_active": True,
                "password": password_hash,
            },
        )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _print_logins(self, people: list[tuple[str, str, str, str]]) -> None:
        out = self.stdout
        out.write(
            self.style.SUCCESS(f"\nDemo organisation “{DEMO_NAME}” is ready at /o/{DEMO_SLUG}/")
        )
        out.write(f"Every demo login uses the password: {DEMO_PASSWORD}\n")
        width = max(len(email) for email, *_ in people)
        for email, name, role, _ in people:
            label = (
                Role(role).label
                if role != Role.MEMBER
                else ("Mentor" if email.startswith("mentor") else "Mentee")
            )
            out.write(f"  {email.ljust(width)}  {label:<16} {name}")
        out.write("")
