from datetime import timedelta

import pytest
from django.utils import timezone

from organizations import services as organization_services
from organizations.invitation_links import invitation_token
from organizations.models import Role
from organizations.scope import organization_scope
from programs import services
from programs.models import Program
from programs.program_templates import PROGRAM_TEMPLATES
from programs.services import CohortSettings, ProgramSettings
from tests.conftest import logged_in_api_client
from tests.factories import make_user

PROGRAMS = "/api/v1/orgs/alpha/programs/"


def program_url(program_id: int) -> str:
    return f"{PROGRAMS}{program_id}/"


def cohorts_url(program_id: int) -> str:
    return f"{program_url(program_id)}cohorts/"


def managers_url(program_id: int) -> str:
    return f"{program_url(program_id)}managers/"


def join_alpha(world, email: str, role: str):
    """A new person joins Alpha with `role`, through an invitation as in real life."""
    user = make_user(email)
    invitation = organization_services.invitation_create(
        actor_membership=world.alpha_owner_membership, email=email, role=role
    )
    organization_services.invitation_accept(
        user=user, organization=world.alpha, token=invitation_token(invitation)
    )
    return user


def iso(days_from_today: int) -> str:
    return (timezone.localdate() + timedelta(days=days_from_today)).isoformat()


def cohort_body(**overrides) -> dict:
    """Enrolment opens in 10 days, so opening it today needs `force`."""
    return {
        "name": "Autumn",
        "enrolment_opens_on": iso(10),
        "enrolment_closes_on": iso(20),
        "starts_on": iso(21),
        "ends_on": iso(200),
        **overrides,
    }


# Creating


def test_create_from_a_template_fills_the_settings_not_given(world):
    client = logged_in_api_client(world.alpha_owner)
    response = client.post(
        PROGRAMS,
        {"name": "Circles", "template": "career_circles", "default_mentor_capacity": 3},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    template = PROGRAM_TEMPLATES["career_circles"]
    assert body["name"] == "Circles"
    assert body["template"] == "career_circles"
    assert body["purpose"] == template.purpose
    assert (body["format"], body["matching_mode"]) == ("group", "self_select")
    assert (body["default_mentor_capacity"], body["relationship_length_weeks"]) == (3, 24)
    assert body["meeting_cadence"] == "monthly"
    assert body["status"] == "draft"
    assert body["can_manage"] is True
    assert body["managers"] == []
    with organization_scope(world.alpha):
        assert Program.objects.get(pk=body["id"]).created_by == world.alpha_owner


def test_templates_are_listed_paginated_for_any_member(world):
    response = logged_in_api_client(world.alpha_member).get("/api/v1/orgs/alpha/program-templates/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(PROGRAM_TEMPLATES)
    buddies = next(t for t in body["results"] if t["key"] == "onboarding_buddies")
    assert buddies["label"] == "Onboarding buddies"
    assert buddies["summary"]
    assert buddies["defaults"] == PROGRAM_TEMPLATES["onboarding_buddies"].initial()


def test_invalid_programs_are_refused_with_field_messages(world):
    client = logged_in_api_client(world.alpha_owner)
    response = client.post(
        PROGRAMS,
        {"name": "", "format": "triangle", "default_mentor_capacity": 0, "template": "nope"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"name", "format", "default_mentor_capacity", "template"}

    # The rules of the service come back the same way: a taken name, a missing purpose.
    response = client.post(PROGRAMS, {"name": world.alpha_program.name.upper()}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"name", "purpose"}
    assert "already has a program called" in fields["name"][0]
    with organization_scope(world.alpha):
        assert Program.objects.count() == 1


# Reading and changing a program


def test_program_detail_lists_managers_and_whether_you_can_manage(world):
    response = logged_in_api_client(world.alpha_manager).get(program_url(world.alpha_program.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["can_manage"] is True
    assert [(m["id"], m["email"], m["full_name"]) for m in body["managers"]] == [
        (world.alpha_manager.pk, world.alpha_manager.email, world.alpha_manager.full_name)
    ]


def test_patch_changes_settings_and_status_together(world):
    client = logged_in_api_client(world.alpha_admin)
    response = client.patch(
        program_url(world.alpha_program.pk),
        {"description": "Now with a description.", "status": "active"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["description"] == "Now with a description."
    assert body["status"] == "active"
    assert body["name"] == world.alpha_program.name  # not given, so unchanged
    response = client.patch(
        program_url(world.alpha_program.pk), {"relationship_length_weeks": 200}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"relationship_length_weeks"}


def test_archiving_with_a_running_cohort_is_refused_and_changes_nothing(world):
    client = logged_in_api_client(world.alpha_owner)
    transition = client.post(
        f"{cohorts_url(world.alpha_program.pk)}{world.alpha_cohort.pk}/transition/",
        {"status": "enrolling", "force": True},
        format="json",
    )
    assert transition.status_code == 200, transition.json()
    response = client.patch(
        program_url(world.alpha_program.pk),
        {"description": "Archived soon", "status": "archived"},
        format="json",
    )
    assert response.status_code == 400
    assert "Complete these cohorts" in response.json()["fields"]["status"][0]
    with organization_scope(world.alpha):
        program = Program.objects.get(pk=world.alpha_program.pk)
    assert (program.status, program.description) == ("active", "")


# Who may do what


def test_owner_and_admin_see_and_run_every_program(world):
    for user in (world.alpha_owner, world.alpha_admin):
        client = logged_in_api_client(user)
        listed = client.get(PROGRAMS).json()
        assert [p["id"] for p in listed["results"]] == [world.alpha_program.pk]
        assert client.get(program_url(world.alpha_program.pk)).json()["can_manage"] is True
        response = client.post(
            cohorts_url(world.alpha_program.pk), cohort_body(name=f"By {user.pk}"), format="json"
        )
        assert response.status_code == 201


def test_an_assigned_program_manager_runs_the_program_but_assigns_no_managers(world):
    client = logged_in_api_client(world.alpha_manager)
    program_id = world.alpha_program.pk
    assert client.get(PROGRAMS).json()["count"] == 1
    response = client.patch(program_url(program_id), {"purpose": "Sharper"}, format="json")
    assert response.status_code == 200
    assert client.post(cohorts_url(program_id), cohort_body(), format="json").status_code == 201
    response = client.post(managers_url(program_id), {"user_id": 1}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only owners and admins assign program managers."
    response = client.delete(f"{managers_url(program_id)}{world.alpha_manager.pk}/")
    assert response.status_code == 403


def test_an_unassigned_program_manager_sees_only_the_programs_they_create(world):
    other = join_alpha(world, "second.manager@example.com", Role.PROGRAM_MANAGER)
    client = logged_in_api_client(other)
    assert client.get(PROGRAMS).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    program_id = world.alpha_program.pk
    assert client.get(program_url(program_id)).status_code == 404
    assert client.patch(program_url(program_id), {"name": "Mine"}, format="json").status_code == (
        404
    )
    assert client.get(cohorts_url(program_id)).status_code == 404
    assert client.get(f"{cohorts_url(program_id)}{world.alpha_cohort.pk}/").status_code == 404

    created = client.post(PROGRAMS, {"name": "Own", "purpose": "P"}, format="json")
    assert created.status_code == 201
    assert created.json()["can_manage"] is True
    assert [m["id"] for m in created.json()["managers"]] == [other.pk]
    assert [p["name"] for p in client.get(PROGRAMS).json()["results"]] == ["Own"]


def test_report_viewers_read_everything_and_change_nothing(world):
    viewer = join_alpha(world, "viewer@example.com", Role.REPORT_VIEWER)
    client = logged_in_api_client(viewer)
    program_id, cohort_id = world.alpha_program.pk, world.alpha_cohort.pk
    assert client.get(PROGRAMS).json()["count"] == 1
    detail = client.get(program_url(program_id))
    assert detail.status_code == 200
    assert detail.json()["can_manage"] is False
    assert client.get(managers_url(program_id)).json()["count"] == 1
    assert client.get(cohorts_url(program_id)).json()["count"] == 1
    assert client.get(f"{cohorts_url(program_id)}{cohort_id}/").status_code == 200

    refused = [
        client.post(PROGRAMS, {"name": "X", "purpose": "Y"}, format="json"),
        # An empty or invalid body is still refused for who is asking, not for the body.
        client.patch(program_url(program_id), {}, format="json"),
        client.patch(program_url(program_id), {"status": "nonsense"}, format="json"),
        client.post(cohorts_url(program_id), cohort_body(), format="json"),
        client.patch(f"{cohorts_url(program_id)}{cohort_id}/", {"name": "X"}, format="json"),
        client.post(
            f"{cohorts_url(program_id)}{cohort_id}/transition/",
            {"status": "enrolling", "force": True},
            format="json",
        ),
        client.post(managers_url(program_id), {"user_id": viewer.pk}, format="json"),
        client.delete(f"{managers_url(program_id)}{world.alpha_manager.pk}/"),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert all(response.json()["code"] == "permission_denied" for response in refused)
    with organization_scope(world.alpha):
        assert Program.objects.count() == 1
        assert Program.objects.get(pk=program_id).cohorts.count() == 1


def test_participants_see_no_programs(world):
    client = logged_in_api_client(world.alpha_member)
    assert client.get(PROGRAMS).json()["count"] == 0
    program_id = world.alpha_program.pk
    assert client.get(program_url(program_id)).status_code == 404
    assert client.get(managers_url(program_id)).status_code == 404
    assert client.get(cohorts_url(program_id)).status_code == 404
    response = client.post(PROGRAMS, {"name": "X", "purpose": "Y"}, format="json")
    assert response.status_code == 403


# Managers


def test_owners_assign_and_unassign_program_managers(world):
    second = join_alpha(world, "second.manager@example.com", Role.PROGRAM_MANAGER)
    client = logged_in_api_client(world.alpha_owner)
    url = managers_url(world.alpha_program.pk)

    response = client.post(url, {"user_id": second.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["email"] == "second.manager@example.com"
    assert {m["id"] for m in client.get(url).json()["results"]} == {
        world.alpha_manager.pk,
        second.pk,
    }
    assert logged_in_api_client(second).get(program_url(world.alpha_program.pk)).status_code == 200

    again = client.post(url, {"user_id": second.pk}, format="json")
    assert again.status_code == 400
    assert "already manages" in again.json()["fields"]["user_id"][0]
    participant = client.post(url, {"user_id": world.alpha_member.pk}, format="json")
    assert participant.status_code == 400
    assert "program manager role first" in participant.json()["fields"]["user_id"][0]
    assert client.post(url, {"user_id": "abc"}, format="json").json()["fields"].keys() == {
        "user_id"
    }

    assert client.delete(f"{url}{second.pk}/").status_code == 204
    assert [m["id"] for m in client.get(url).json()["results"]] == [world.alpha_manager.pk]
    assert logged_in_api_client(second).get(program_url(world.alpha_program.pk)).status_code == 404


# Cohorts


def test_cohort_create_validates_dates(world):
    client = logged_in_api_client(world.alpha_owner)
    url = cohorts_url(world.alpha_program.pk)
    response = client.post(
        url, cohort_body(enrolment_opens_on="2027-02-30", starts_on="soon"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"enrolment_opens_on", "starts_on"}

    response = client.post(url, cohort_body(ends_on=iso(21)), format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"ends_on": ["The cohort ends after it starts."]}

    response = client.post(url, cohort_body(name=world.alpha_cohort.name), format="json")
    assert response.status_code == 400
    assert "already has a cohort called" in response.json()["fields"]["name"][0]


def test_cohort_create_read_and_update(world):
    client = logged_in_api_client(world.alpha_manager)
    url = cohorts_url(world.alpha_program.pk)
    created = client.post(url, cohort_body(target_mentees=12), format="json")
    assert created.status_code == 201
    cohort = created.json()
    assert cohort["status"] == "draft"
    assert cohort["next_statuses"] == ["enrolling"]
    assert cohort["program"] == world.alpha_program.pk
    assert (cohort["target_mentors"], cohort["target_mentees"]) == (0, 12)
    assert client.get(url).json()["count"] == 2

    response = client.patch(f"{url}{cohort['id']}/", {"name": "Autumn intake"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Autumn intake"
    assert response.json()["target_mentees"] == 12  # not given, so unchanged
    response = client.patch(f"{url}{cohort['id']}/", {"ends_on": "2020-01-01"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"ends_on"}


def test_a_cohort_is_found_only_under_its_own_program(world):
    other = services.program_create(
        actor_membership=world.alpha_owner_membership,
        values=ProgramSettings(name="Other", purpose="P"),
    )
    client = logged_in_api_client(world.alpha_owner)
    assert client.get(f"{cohorts_url(other.pk)}{world.alpha_cohort.pk}/").status_code == 404


def test_cohort_transitions_refuse_with_reasons_unless_forced(world):
    client = logged_in_api_client(world.alpha_owner)
    created = client.post(cohorts_url(world.alpha_program.pk), cohort_body(), format="json")
    url = f"{cohorts_url(world.alpha_program.pk)}{created.json()['id']}/transition/"

    early = client.post(url, {"status": "enrolling"}, format="json")
    assert early.status_code == 400
    opens = (timezone.localdate() + timedelta(days=10)).strftime("%-d %B %Y")
    assert early.json()["fields"] == {
        "status": [f"Enrolment is set to open on {opens}. Confirm to do it anyway."]
    }

    forced = client.post(url, {"status": "enrolling", "force": True}, format="json")
    assert forced.status_code == 200
    assert forced.json()["status"] == "enrolling"
    assert forced.json()["next_statuses"] == ["draft", "matching"]
    # Opening enrolment activates the draft program.
    assert client.get(program_url(world.alpha_program.pk)).json()["status"] == "active"

    skipping = client.post(url, {"status": "completed", "force": True}, format="json")
    assert skipping.status_code == 400
    assert skipping.json()["fields"]["status"] == ["An enrolling cohort cannot move to completed."]
    unknown = client.post(url, {"status": "paused"}, format="json")
    assert unknown.status_code == 400
    assert set(unknown.json()["fields"]) == {"status"}


def test_reopening_enrolment_after_it_closed_cannot_be_forced(world):
    client = logged_in_api_client(world.alpha_owner)
    created = client.post(
        cohorts_url(world.alpha_program.pk),
        cohort_body(enrolment_opens_on=iso(-30), enrolment_closes_on=iso(-10), starts_on=iso(-9)),
        format="json",
    )
    url = f"{cohorts_url(world.alpha_program.pk)}{created.json()['id']}/transition/"
    response = client.post(url, {"status": "enrolling", "force": True}, format="json")
    assert response.status_code == 400
    assert "Move the closing date first" in response.json()["fields"]["status"][0]


def test_no_cohorts_are_added_to_an_archived_program(world):
    program = services.program_create(
        actor_membership=world.alpha_owner_membership,
        values=ProgramSettings(name="Old", purpose="P"),
    )
    client = logged_in_api_client(world.alpha_owner)
    assert (
        client.patch(program_url(program.pk), {"status": "archived"}, format="json").status_code
        == 200
    )
    response = client.post(cohorts_url(program.pk), cohort_body(), format="json")
    assert response.status_code == 400
    assert "archived" in response.json()["detail"]


# Lists: bounded queries and pagination


@pytest.fixture
def ten_more_programs(world):
    for number in range(10):
        program = services.program_create(
            actor_membership=world.alpha_owner_membership,
            values=ProgramSettings(name=f"Program {number:02}", purpose="P"),
        )
        services.program_manager_assign(
            actor_membership=world.alpha_owner_membership,
            program=program,
            user_id=world.alpha_manager.pk,
        )
        services.cohort_create(
            actor_membership=world.alpha_owner_membership,
            program=program,
            values=CohortSettings(
                name="Only",
                enrolment_opens_on=timezone.localdate(),
                enrolment_closes_on=timezone.localdate() + timedelta(days=1),
                starts_on=timezone.localdate() + timedelta(days=2),
                ends_on=timezone.localdate() + timedelta(days=3),
            ),
        )


@pytest.mark.parametrize("reader", ["alpha_owner", "alpha_manager"])
@pytest.mark.usefixtures("ten_more_programs")
def test_program_list_queries_do_not_grow_with_programs(
    world, reader, django_assert_max_num_queries
):
    client = logged_in_api_client(getattr(world, reader))
    # Session, user, organisation, membership, count, page: however many programs there are.
    with django_assert_max_num_queries(6):
        response = client.get(PROGRAMS)
    body = response.json()
    assert body["count"] == 11
    assert all(program["cohort_count"] == 1 for program in body["results"])


@pytest.mark.usefixtures("ten_more_programs")
def test_program_list_is_paginated_in_name_order(world):
    client = logged_in_api_client(world.alpha_owner)
    first = client.get(f"{PROGRAMS}?page_size=4").json()
    assert first["count"] == 11
    assert [p["name"] for p in first["results"]] == [
        world.alpha_program.name,
        "Program 00",
        "Program 01",
        "Program 02",
    ]
    assert first["next"]
    last = client.get(f"{PROGRAMS}?page_size=4&page=3").json()
    assert [p["name"] for p in last["results"]] == ["Program 07", "Program 08", "Program 09"]
    assert last["next"] is None
    assert client.get(f"{PROGRAMS}?page=9").status_code == 404
