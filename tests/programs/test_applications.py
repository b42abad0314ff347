import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import Membership
from organizations.scope import organization_scope
from programs import services
from programs.models import CohortStatus, Enrolment, EnrolmentState
from tests.conftest import logged_in_client
from tests.factories import make_user


@pytest.fixture
def open_cohort(world):
    cohort = services.cohort_transition(
        actor_membership=world.alpha_owner_membership,
        cohort=world.alpha_cohort,
        to_status=CohortStatus.ENROLLING,
        force=True,
    )
    return services.cohort_set_applications(
        actor_membership=world.alpha_owner_membership, cohort=cohort, open_=True, need_approval=True
    )


def _apply_url(cohort, key=None):
    return reverse(
        "programs:apply",
        kwargs={"org_slug": "alpha", "cohort_id": cohort.pk, "key": key or cohort.application_key},
    )


def test_someone_new_applies_joins_and_waits_for_approval(world, open_cohort):
    outsider = make_user("outsider@example.com", "Olu Outsider")
    client = logged_in_client(outsider)
    page = client.get(_apply_url(open_cohort)).content.decode()
    assert (
        world.alpha_program.purpose in page
        and "A program manager reviews each application." in page
    )
    response = client.post(_apply_url(open_cohort), {"role": "mentee"}, follow=True)
    assert "Your application to" in response.content.decode()
    with organization_scope(world.alpha):
        assert Membership.objects.get(user=outsider).role == "member"
        enrolment = Enrolment.objects.get(user=outsider)
    assert enrolment.state == EnrolmentState.APPLIED
    again = client.post(_apply_url(open_cohort), {"role": "mentee"})
    assert "already in" in again.content.decode()
    # The program manager approves from the participant table.
    manager = logged_in_client(world.alpha_manager)
    bulk = reverse(
        "programs:participants_bulk",
        kwargs={
            "org_slug": "alpha",
            "program_id": world.alpha_program.pk,
            "cohort_id": open_cohort.pk,
        },
    )
    response = manager.post(bulk, {"action": "approve", "enrolment": [enrolment.pk]}, follow=True)
    assert "1 application approved." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.APPROVED


def test_without_approval_applicants_are_in_at_once(world, open_cohort):
    services.cohort_set_applications(
        actor_membership=world.alpha_owner_membership,
        cohort=open_cohort,
        open_=True,
        need_approval=False,
    )
    member = logged_in_client(world.alpha_member)
    member.post(_apply_url(open_cohort), {"role": "mentor"})
    with organization_scope(world.alpha):
        assert Enrolment.objects.get(user=world.alpha_member).state == EnrolmentState.APPROVED


def test_a_replaced_or_closed_link_does_not_work(world, open_cohort):
    old_key = open_cohort.application_key
    services.cohort_set_applications(
        actor_membership=world.alpha_owner_membership,
        cohort=open_cohort,
        open_=True,
        need_approval=True,
        new_link=True,
    )
    client = logged_in_client(make_user("late@example.com"))
    assert client.get(_apply_url(open_cohort, key=old_key)).status_code == 404
    open_cohort.refresh_from_db()
    services.cohort_set_applications(
        actor_membership=world.alpha_owner_membership,
        cohort=open_cohort,
        open_=False,
        need_approval=True,
    )
    response = client.post(_apply_url(open_cohort), {"role": "mentee"})
    assert response.status_code == 400
    assert "not taking applications right now" in response.content.decode()
    with organization_scope(world.alpha):
        assert not Enrolment.objects.filter(email="late@example.com").exists()


def test_anonymous_visitors_are_asked_to_sign_in(world, open_cohort):
    page = Client().get(_apply_url(open_cohort)).content.decode()
    assert "Sign in, or create an account, to apply" in page


def test_managers_open_the_link_from_the_cohort_page(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse(
        "programs:cohort_applications",
        kwargs={
            "org_slug": "alpha",
            "program_id": world.alpha_program.pk,
            "cohort_id": world.alpha_cohort.pk,
        },
    )
    response = client.post(url, {"applications_open": "on"}, follow=True)
    assert "Applications are open." in response.content.decode()
    world.alpha_cohort.refresh_from_db()
    assert world.alpha_cohort.applications_open
    assert not world.alpha_cohort.applications_need_approval
    assert f"/o/alpha/apply/{world.alpha_cohort.pk}/" in response.content.decode()
    assert (
        logged_in_client(world.alpha_member).post(url, {"applications_open": "on"}).status_code
        == 404
    )
