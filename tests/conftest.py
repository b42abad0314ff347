from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date

import pytest
from asgiref.sync import SyncToAsync
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from organizations import services
from organizations.invitation_links import invitation_token
from organizations.models import Invitation, Membership, Organization, Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import Cohort, Program
from programs.services import CohortSettings, ProgramSettings
from tests.factories import make_user

# Every row of organisation Alpha carries this marker, so a page or response that leaks Alpha's
# data into another organisation's view is caught by looking for it.
CANARY = "alphacanary"


def require_service(name: str, available: bool, how: str) -> None:
    """Skip when a service is missing, or fail when REQUIRE_SERVICES=1 (as in CI)."""
    if available:
        return
    message = f"{name} is not available: {how}"
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1 turns this skip into a failure)")
    pytest.skip(message)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require_service("Redis", bool(url), "set REDIS_URL to run this test against Redis")
    return url


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require_service("Chromium", os.path.exists(path), "apt-get install -y chromium")
    return path


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _close_connections_of_the_async_thread():
    """Async tests run ORM calls on asgiref's shared thread; close its connection after each test
    so the test database can be dropped at the end of the run (PostgreSQL refuses while in use)."""
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@dataclass
class World:
    """Two organisations. Alpha is the victim, Bravo's people are the attackers."""

    alpha: Organization
    bravo: Organization
    alpha_owner: User
    alpha_admin: User
    alpha_manager: User
    alpha_member: User
    bravo_owner: User
    alpha_owner_membership: Membership
    alpha_member_membership: Membership
    alpha_invitation: Invitation
    bravo_invitation: Invitation
    alpha_program: Program
    alpha_cohort: Cohort

    def membership(self, organization: Organization, user: User) -> Membership:
        with organization_scope(organization):
            return Membership.objects.get(user=user)


def _add_member(
    organization: Organization, owner_membership: Membership, user: User, role: str
) -> Membership:
    invitation = services.invitation_create(
        actor_membership=owner_membership, email=user.email, role=role
    )
    token = invitation_token(invitation)
    return services.invitation_accept(user=user, organization=organization, token=token)


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    alpha_owner = make_user(f"owner@{CANARY}.example", f"Olga {CANARY} Owner")
    alpha_admin = make_user(f"admin@{CANARY}.example", f"Adam {CANARY} Admin")
    alpha_manager = make_user(f"manager@{CANARY}.example", f"Mia {CANARY} Manager")
    alpha_member = make_user(f"member@{CANARY}.example", f"Max {CANARY} Member")
    bravo_owner = make_user("owner@bravo.example", "Bruno Bravo")

    with django_capture_on_commit_callbacks(execute=True):
        alpha = services.organization_create(
            actor=alpha_owner, name=f"Alpha {CANARY} Corp", slug="alpha"
        )
        bravo = services.organization_create(actor=bravo_owner, name="Bravo Ltd", slug="bravo")
        with organization_scope(alpha):
            alpha_owner_membership = Membership.objects.get(user=alpha_owner)
        with organization_scope(bravo):
            bravo_owner_membership = Membership.objects.get(user=bravo_owner)
        _add_member(alpha, alpha_owner_membership, alpha_admin, Role.ADMIN)
        _add_member(alpha, alpha_owner_membership, alpha_manager, Role.PROGRAM_MANAGER)
        alpha_member_membership = _add_member(
            alpha, alpha_owner_membership, alpha_member, Role.MEMBER
        )
        alpha_invitation = services.invitation_create(
            actor_membership=alpha_owner_membership,
            email=f"invitee@{CANARY}.example",
            role=Role.MEMBER,
        )
        bravo_invitation = services.invitation_create(
            actor_membership=bravo_owner_membership, email="invitee@bravo.example", role=Role.MEMBER
        )
    alpha_program = program_services.program_create(
        actor_membership=alpha_owner_membership,
        values=ProgramSettings(name=f"Alpha {CANARY} Leadership", purpose=f"Grow {CANARY} leaders"),
    )
    program_services.program_manager_assign(
        actor_membership=alpha_owner_membership, program=alpha_program, user_id=alpha_manager.pk
    )
    alpha_cohort = program_services.cohort_create(
        actor_membership=alpha_owner_membership,
        program=alpha_program,
        values=CohortSettings(
            name=f"Spring {CANARY}",
            enrolment_opens_on=date(2027, 1, 1),
            enrolment_closes_on=date(2027, 1, 31),
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 7, 31),
            target_mentors=5,
            target_mentees=10,
        ),
    )
    return World(
        alpha=alpha,
        bravo=bravo,
        alpha_owner=alpha_owner,
        alpha_admin=alpha_admin,
        alpha_manager=alpha_manager,
        alpha_member=alpha_member,
        bravo_owner=bravo_owner,
        alpha_owner_membership=alpha_owner_membership,
        alpha_member_membership=alpha_member_membership,
        alpha_invitation=alpha_invitation,
        bravo_invitation=bravo_invitation,
        alpha_program=alpha_program,
        alpha_cohort=alpha_cohort,
    )


def logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def logged_in_api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
