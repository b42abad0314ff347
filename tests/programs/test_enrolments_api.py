from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.models import Invitation, Role
from organizations.scope import organization_scope
from programs import services
from programs.imports import read_participant_csv
from programs.models import Enrolment, EnrolmentState, ProfileAnswer
from tests.conftest import logged_in_api_client
from tests.programs.test_api import join_alpha, program_url
from tests.programs.test_enrolments import MENTEE_ANSWERS


def enrolments_url(world) -> str:
    return f"{program_url(world.alpha_program.pk)}cohorts/{world.alpha_cohort.pk}/enrolments/"


def import_url(world) -> str:
    return f"{enrolments_url(world)}import/"


MY_ENROLMENTS = "/api/v1/orgs/alpha/my/enrolments/"


def profile_url(enrolment_id: int) -> str:
    return f"{MY_ENROLMENTS}{enrolment_id}/profile/"


def import_people(world, count: int) -> None:
    lines = ["email,name,role,department"] + [
        f"person{n}@example.com,Person {n:02d},{'mentor' if n % 2 else 'mentee'},"
        f"{'Sales' if n % 3 else 'Payments'}"
        for n in range(count)
    ]
    data = "\n".join(lines).encode()
    rows, errors = read_participant_csv([data], len(data))
    assert not errors
    services.enrolment_import(
        actor_membership=world.alpha_owner_membership, cohort=world.alpha_cohort, rows=rows
    )


def enrol_member(world, role: str = "mentee") -> Enrolment:
    return services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership,
        cohort=world.alpha_cohort,
        member=world.alpha_member_membership,
        role=role,
        department="Payments",
    )


def upload(client, world, content: bytes):
    return client.post(
        import_url(world),
        {"file": SimpleUploadedFile("people.csv", content, "text/csv")},
        format="multipart",
    )


# The participant list


def test_the_list_shows_participants_and_filters_them(world):
    import_people(world, 6)
    enrol_member(world)
    client = logged_in_api_client(world.alpha_manager)

    response = client.get(enrolments_url(world))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    member = next(e for e in body["results"] if e["email"] == world.alpha_member.email)
    assert set(member) == {
        "id",
        "email",
        "full_name",
        "role",
        "state",
        "department",
        "manager_email",
        "mentor_capacity",
        "profile_completed_at",
        "created_at",
    }
    assert (member["full_name"], member["role"], member["state"]) == (
        world.alpha_member.full_name,
        "mentee",
        "approved",
    )

    def emails(**params) -> list[str]:
        response = client.get(enrolments_url(world), params)
        assert response.status_code == 200
        return sorted(e["email"] for e in response.json()["results"])

    assert emails(search="PERSON 03") == ["person3@example.com"]
    assert emails(role="mentor") == [
        "person1@example.com",
        "person3@example.com",
        "person5@example.com",
    ]
    assert emails(state="approved") == [world.alpha_member.email]
    assert emails(state="invited", department="payments") == [
        "person0@example.com",
        "person3@example.com",
    ]


def test_the_list_reads_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    import_people(world, 12)
    client = logged_in_api_client(world.alpha_owner)
    # Session, user, organisation, membership, program, cohort, count, page: none per row.
    with django_assert_max_num_queries(8):
        response = client.get(enrolments_url(world))
    assert response.json()["count"] == 12


# Inviting one person


def test_inviting_a_member_enrols_them_approved(world):
    response = logged_in_api_client(world.alpha_owner).post(
        enrolments_url(world),
        {"email": world.alpha_member.email.upper(), "role": "mentor", "mentor_capacity": 2},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["state"], body["mentor_capacity"]) == (
        world.alpha_member.email,
        "approved",
        2,
    )
    with organization_scope(world.alpha):
        assert Enrolment.objects.get(pk=body["id"]).user == world.alpha_member


def test_inviting_someone_new_sends_the_invitation_email(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_api_client(world.alpha_manager).post(
            enrolments_url(world),
            {
                "email": "new.person@example.com",
                "full_name": "New Person",
                "role": "mentee",
                "department": "Sales",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["full_name"], body["state"], body["department"]) == (
        "New Person",
        "invited",
        "Sales",
    )
    assert [m.to for m in mailoutbox] == [["new.person@example.com"]]


def test_invalid_invitations_are_refused_with_field_messages(world):
    client = logged_in_api_client(world.alpha_owner)
    response = client.post(enrolments_url(world), {"email": "nope", "role": "boss"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email", "role"}
    # The service's rules come back the same way: a mentee has no capacity.
    response = client.post(
        enrolments_url(world),
        {"email": "x@example.com", "role": "mentee", "mentor_capacity": 3},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"mentor_capacity"}
    with organization_scope(world.alpha):
        assert not Enrolment.objects.exists()


# Importing a file


def test_import_enrols_members_and_invites_the_rest(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    content = (
        f"email,name,role\n{world.alpha_member.email},Max,mentee\n"
        "new1@example.com,New One,mentor\nnew2@example.com,New Two,mentee\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(logged_in_api_client(world.alpha_owner), world, content.encode())
    assert response.status_code == 201, response.json()
    assert response.json() == {"imported": 3, "enrolled_members": 1, "invited": 2}
    with organization_scope(world.alpha):
        states = dict(Enrolment.objects.values_list("email", "state"))
    assert states == {
        world.alpha_member.email: EnrolmentState.APPROVED,
        "new1@example.com": EnrolmentState.INVITED,
        "new2@example.com": EnrolmentState.INVITED,
    }
    assert sorted(m.to[0] for m in mailoutbox) == ["new1@example.com", "new2@example.com"]


def test_a_bad_row_imports_nothing_and_lists_the_problems(world):
    content = b"email,name,role\ngood@example.com,Good,mentor\nbad,Bad,mentor\n,,boss\n"
    response = upload(logged_in_api_client(world.alpha_owner), world, content)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"], body["fields"]) == (400, "invalid", {})
    assert body["detail"] == "4 problems in the file; nothing was imported."
    assert body["rows"][0] == {
        "line": 3,
        "column": "email",
        "message": "“bad” is not an email address.",
    }
    assert [(row["line"], row["column"]) for row in body["rows"]] == [
        (3, "email"),
        (4, "email"),
        (4, "name"),
        (4, "role"),
    ]
    with organization_scope(world.alpha):
        assert not Enrolment.objects.exists()
        assert not Invitation.objects.filter(email="good@example.com").exists()


def test_rows_already_enrolled_reject_the_file(world):
    enrol_member(world)
    content = (
        f"email,name,role\nfresh@example.com,Fresh,mentor\n{world.alpha_member.email},Max,mentee\n"
    )
    response = upload(logged_in_api_client(world.alpha_owner), world, content.encode())
    assert response.status_code == 400
    assert response.json()["rows"] == [
        {
            "line": 3,
            "column": "email",
            "message": f"{world.alpha_member.email} is already enrolled in {world.alpha_cohort.name}.",
        }
    ]
    with organization_scope(world.alpha):
        assert Enrolment.objects.count() == 1


def test_an_unreadable_file_is_a_file_error(world):
    client = logged_in_api_client(world.alpha_owner)
    response = upload(client, world, b"email,name\nx@example.com,X\n")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert list(fields) == ["file"]
    assert "missing column: role" in fields["file"][0]
    response = client.post(import_url(world), {}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]


# Who may


def test_only_those_who_run_the_program_see_and_change_participants(world):
    enrol_member(world)
    viewer = join_alpha(world, "viewer@example.com", Role.REPORT_VIEWER)
    other_manager = join_alpha(world, "pm2@example.com", Role.PROGRAM_MANAGER)
    content = b"email,name,role\nnew@example.com,New,mentor\n"
    invite = {"email": "new@example.com", "role": "mentor"}

    # A report viewer sees the program but does not run it: 403, before the body is read.
    client = logged_in_api_client(viewer)
    assert client.get(enrolments_url(world)).status_code == 403
    assert client.post(enrolments_url(world), invite, format="json").status_code == 403
    assert upload(client, world, content).status_code == 403
    # A participant, or a program manager of other programs, does not see it: 404.
    for user in (world.alpha_member, other_manager):
        client = logged_in_api_client(user)
        assert client.get(enrolments_url(world)).status_code == 404
        assert client.post(enrolments_url(world), invite, format="json").status_code == 404
        assert upload(client, world, content).status_code == 404
    with organization_scope(world.alpha):
        assert Enrolment.objects.count() == 1


# My enrolments and profile


def test_my_enrolments_list_only_mine(world):
    own = enrol_member(world)
    import_people(world, 2)
    response = logged_in_api_client(world.alpha_member).get(MY_ENROLMENTS)
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [
        {
            "id": own.pk,
            "program": {"id": world.alpha_program.pk, "name": world.alpha_program.name},
            "cohort": {
                "id": world.alpha_cohort.pk,
                "name": world.alpha_cohort.name,
                "status": "draft",
            },
            "role": "mentee",
            "state": "approved",
        }
    ]
    assert logged_in_api_client(world.alpha_admin).get(MY_ENROLMENTS).json()["count"] == 0


def test_my_profile_shows_my_questions_and_saves_my_answers(world):
    enrolment = enrol_member(world)
    client = logged_in_api_client(world.alpha_member)

    response = client.get(profile_url(enrolment.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["answers"] == {}
    by_key = {q["key"]: q for q in body["questions"]}
    assert set(MENTEE_ANSWERS) <= set(by_key)
    assert "skills_offered" not in by_key  # a mentor question
    assert set(by_key["goals"]) == {"key", "label", "kind", "required", "choices", "help_text"}
    assert by_key["skills_wanted"]["choices"] == world.alpha_program.skills
    assert "English" in by_key["languages"]["choices"]

    response = client.put(profile_url(enrolment.pk), {"answers": MENTEE_ANSWERS}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["answers"]["skills_wanted"] == ["Leadership", "Public speaking"]
    assert client.get(profile_url(enrolment.pk)).json()["answers"] == response.json()["answers"]
    with organization_scope(world.alpha):
        assert Enrolment.objects.get(pk=enrolment.pk).state == EnrolmentState.PROFILE_COMPLETE


def test_invalid_answers_store_nothing_and_are_keyed_by_question(world):
    enrolment = enrol_member(world)
    client = logged_in_api_client(world.alpha_member)
    answers = {**MENTEE_ANSWERS, "function": "Astronaut", "goals": ""}
    response = client.put(profile_url(enrolment.pk), {"answers": answers}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"function", "goals"}
    assert all(isinstance(message, str) for message in body["fields"]["function"])
    response = client.put(profile_url(enrolment.pk), {"answers": ["no"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"answers"}
    with organization_scope(world.alpha):
        assert not ProfileAnswer.objects.filter(enrolment=enrolment).exists()
        assert Enrolment.objects.get(pk=enrolment.pk).state == EnrolmentState.APPROVED


def test_someone_elses_profile_is_not_found(world):
    enrolment = enrol_member(world)
    client = logged_in_api_client(world.alpha_owner)  # runs the program, but it is not theirs
    assert client.get(profile_url(enrolment.pk)).status_code == 404
    response = client.put(profile_url(enrolment.pk), {"answers": MENTEE_ANSWERS}, format="json")
    assert response.status_code == 404
    assert client.get(profile_url(987654321)).status_code == 404
    with organization_scope(world.alpha):
        assert not ProfileAnswer.objects.filter(enrolment=enrolment).exists()
