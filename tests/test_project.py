from io import StringIO

import pytest
from django.core.management import call_command

from matching.models import MatchRun, MatchRunStatus, MentorshipRequest, MentorshipRequestStatus
from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    Mentorship,
    ProfileAnswer,
    ProfileQuestion,
    Program,
    ProgramManager,
)


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_working_logins(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    organization = Organization.objects.get(slug="demo")
    assert organization.name == "Demo Corp"
    with organization_scope(organization):
        roles = list(Membership.objects.values_list("role", flat=True))
        mentors = Membership.objects.filter(user__email__startswith="mentor").count()
        mentees = Membership.objects.filter(user__email__startswith="mentee").count()
    assert len(roles) == 21
    assert (
        roles.count(Role.OWNER)
        == roles.count(Role.PROGRAM_MANAGER)
        == roles.count(Role.REPORT_VIEWER)
        == 1
    )
    assert (mentors, mentees) == (6, 12)
    printed = out.getvalue()
    assert "owner@demo.mentorship.test" in printed
    assert "mentee12@demo.mentorship.test" in printed
    password = next(line.split(": ")[1] for line in printed.splitlines() if "password" in line)
    response = client.post(
        "/accounts/login/", {"login": "owner@demo.mentorship.test", "password": password}
    )
    assert response.status_code == 302
    assert client.get("/home/", follow=True).redirect_chain[-1][0] == "/o/demo/"


def test_landing_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Create a free account" in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_runs_a_program_with_an_enrolling_cohort():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    organization = Organization.objects.get(slug="demo")
    with organization_scope(organization):
        program = Program.objects.get()
        assert program.name == "Leadership mentoring"
        assert (
            ProgramManager.objects.get(program=program).user.email == "manager@demo.mentorship.test"
        )
        cohort = Cohort.objects.get(program=program)
        assert cohort.status == CohortStatus.MATCHING
        states = list(Enrolment.objects.filter(cohort=cohort).values_list("role", "state"))
        # A published run matched 11 mentees with the 6 mentors; one mentee chooses their own
        # mentor and waits for an answer.
        assert states.count(("mentor", "matched")) == 6
        assert states.count(("mentee", "matched")) == 11
        assert states.count(("mentee", "profile_complete")) == 1
        run = MatchRun.objects.get(cohort=cohort)
        assert run.status == MatchRunStatus.PUBLISHED
        assert Mentorship.objects.filter(cohort=cohort, status="active").count() == 11
        (request,) = MentorshipRequest.objects.filter(cohort=cohort)
        assert request.status == MentorshipRequestStatus.PENDING
        assert request.mentee.email == "mentee12@demo.mentorship.test"
        # Varied answers: several functions and time zones among the mentees.
        functions = set(
            ProfileAnswer.objects.filter(question_key="function").values_list("value", flat=True)
        )
        assert len(functions) >= 6
        assert ProfileQuestion.objects.filter(program=program).count() == 15
