from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from organizations.models import Role
from organizations.scope import organization_scope
from organizations.services import membership_change_role
from programs import services
from programs.models import Cohort, CohortStatus, Program
from programs.services import ProgramSettings
from tests.conftest import logged_in_client


def test_create_a_program_from_a_template_in_the_browser(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse("programs:create", kwargs={"org_slug": "alpha"})
    choose = client.get(url).content.decode()
    assert "Onboarding buddies" in choose and "Start from scratch" in choose
    form = client.get(url + "?template=onboarding_buddies")
    assert form.context["form"].initial["relationship_length_weeks"] == 12
    data = {
        **form.context["form"].initial,
        "name": "Buddies 2027",
        "template": "onboarding_buddies",
    }
    response = client.post(url, data)
    with organization_scope(world.alpha):
        program = Program.objects.get(name="Buddies 2027")
    assert response.status_code == 302
    assert response["Location"] == f"/o/alpha/programs/{program.pk}/"
    assert (program.template, program.meeting_cadence) == ("onboarding_buddies", "weekly")
    page = client.get(response["Location"]).content.decode()
    assert "No cohorts yet" in page and "Set up the first cohort" in page


def test_invalid_program_form_shows_field_errors_and_saves_nothing(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse("programs:create", kwargs={"org_slug": "alpha"}) + "?template=blank"
    response = client.post(
        url,
        {
            "template": "blank",
            "name": world.alpha_program.name,
            "purpose": "",
            "format": "triangle",
            "matching_mode": "admin_led",
            "default_mentor_capacity": "0",
            "relationship_length_weeks": "12",
            "meeting_cadence": "weekly",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"purpose", "format", "default_mentor_capacity"} <= set(errors)
    with organization_scope(world.alpha):
        assert Program.objects.count() == 1


def test_duplicate_name_is_a_field_error(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse("programs:create", kwargs={"org_slug": "alpha"})
    data = {
        "template": "blank",
        "name": world.alpha_program.name.upper(),
        "purpose": "Same again",
        "format": "one_to_one",
        "matching_mode": "admin_led",
        "default_mentor_capacity": "1",
        "relationship_length_weeks": "12",
        "meeting_cadence": "weekly",
    }
    response = client.post(url, data)
    assert "already has a program called" in str(response.context["form"].errors["name"])


def test_program_list_has_bounded_queries(world, django_assert_max_num_queries):
    for index in range(8):
        services.program_create(
            actor_membership=world.alpha_owner_membership,
            values=ProgramSettings(name=f"Program {index}", purpose="Grow"),
        )
    client = logged_in_client(world.alpha_owner)
    # (+1 everywhere: the unread messages count in the navigation)
    with django_assert_max_num_queries(8):  # +1: the bell's unread notifications
        response = client.get(reverse("programs:list", kwargs={"org_slug": "alpha"}))
    assert response.status_code == 200
    assert "Program 7" in response.content.decode()
    with django_assert_max_num_queries(13):
        overview = client.get(reverse("overview", kwargs={"org_slug": "alpha"}))
    assert "All programs" in overview.content.decode()


def test_roles_on_program_pages(world):
    detail = reverse(
        "programs:detail", kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk}
    )
    edit = reverse(
        "programs:edit", kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk}
    )
    # The assigned program manager runs it.
    manager = logged_in_client(world.alpha_manager)
    assert "Edit settings" in manager.get(detail).content.decode()
    assert manager.get(edit).status_code == 200
    # A participant does not see programs here at all.
    member = logged_in_client(world.alpha_member)
    assert member.get(detail).status_code == 404
    assert member.get(reverse("programs:list", kwargs={"org_slug": "alpha"})).status_code == 404


def test_an_unassigned_program_manager_gets_404(world):
    services.program_manager_unassign(
        actor_membership=world.alpha_owner_membership,
        program=world.alpha_program,
        user_id=world.alpha_manager.pk,
    )
    detail = reverse(
        "programs:detail", kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk}
    )
    assert logged_in_client(world.alpha_manager).get(detail).status_code == 404


def test_cohort_setup_and_its_date_errors(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse(
        "programs:cohort_create", kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk}
    )
    bad = client.post(
        url,
        {
            "name": "Autumn",
            "enrolment_opens_on": "2027-09-30",
            "enrolment_closes_on": "2027-09-01",
            "starts_on": "2027-10-01",
            "ends_on": "2027-09-01",
            "target_mentors": "3",
            "target_mentees": "6",
        },
    )
    assert bad.status_code == 400
    assert {"enrolment_closes_on", "ends_on"} <= set(bad.context["form"].errors)
    good = client.post(
        url,
        {
            "name": "Autumn",
            "enrolment_opens_on": "2027-09-01",
            "enrolment_closes_on": "2027-09-30",
            "starts_on": "2027-10-01",
            "ends_on": "2028-03-31",
            "target_mentors": "3",
            "target_mentees": "6",
        },
    )
    assert good.status_code == 302
    page = client.get(good["Location"]).content.decode()
    assert "Open enrolment" in page
    assert "Do it anyway, before the date" in page  # enrolment opens in the future


def test_cohort_transition_needs_confirmation_before_its_date(world):
    client = logged_in_client(world.alpha_owner)
    cohort = world.alpha_cohort
    with organization_scope(world.alpha):
        today = timezone.localdate()
        Cohort.objects.filter(pk=cohort.pk).update(
            enrolment_opens_on=today - timedelta(days=1),
            enrolment_closes_on=today + timedelta(days=10),
            starts_on=today + timedelta(days=20),
            ends_on=today + timedelta(days=200),
        )
    url = reverse(
        "programs:cohort_status",
        kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk, "cohort_id": cohort.pk},
    )
    response = client.post(url, {"status": "enrolling"}, follow=True)
    assert "is now enrolling" in response.content.decode()
    response = client.post(url, {"status": "matching"}, follow=True)
    assert "Enrolment is open until" in response.content.decode()
    with organization_scope(world.alpha):
        assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.ENROLLING
    response = client.post(url, {"status": "matching", "force": "on"}, follow=True)
    assert "is now matching" in response.content.decode()


def test_report_viewers_read_but_do_not_run_programs(world):
    membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.alpha_member_membership,
        role=Role.REPORT_VIEWER,
    )
    viewer = logged_in_client(world.alpha_member)
    detail = reverse(
        "programs:detail", kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk}
    )
    page = viewer.get(detail).content.decode()
    assert world.alpha_program.name in page and "Edit settings" not in page
    edit = reverse(
        "programs:edit", kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk}
    )
    assert viewer.get(edit).status_code == 403
    assert viewer.get(reverse("programs:create", kwargs={"org_slug": "alpha"})).status_code == 403


def test_assigning_a_program_manager_in_the_browser(world):
    membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.alpha_member_membership,
        role=Role.PROGRAM_MANAGER,
    )
    client = logged_in_client(world.alpha_owner)
    url = reverse(
        "programs:manager_assign",
        kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk},
    )
    response = client.post(url, {"user_id": world.alpha_member.pk}, follow=True)
    assert "now runs" in response.content.decode()
    detail = reverse(
        "programs:detail", kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk}
    )
    assert world.alpha_member.email in client.get(detail).content.decode()
    forbidden = logged_in_client(world.alpha_manager).post(url, {"user_id": world.alpha_member.pk})
    assert forbidden.status_code == 403
