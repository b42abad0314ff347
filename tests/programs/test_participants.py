import csv
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from organizations import services as organization_services
from organizations.invitation_links import invitation_token
from organizations.models import Invitation
from organizations.scope import organization_scope
from programs import services
from programs.models import Enrolment, EnrolmentState
from tests.conftest import logged_in_client
from tests.factories import make_user


def _url(world, name="programs:participants"):
    return reverse(
        name,
        kwargs={
            "org_slug": "alpha",
            "program_id": world.alpha_program.pk,
            "cohort_id": world.alpha_cohort.pk,
        },
    )


def _enrol_many(world, count):
    for index in range(count):
        user = make_user(f"person{index}@example.com", f"Person {index}")
        invitation = organization_services.invitation_create(
            actor_membership=world.alpha_owner_membership, email=user.email
        )
        member = organization_services.invitation_accept(
            user=user, organization=world.alpha, token=invitation_token(invitation)
        )
        member.organization = world.alpha
        services.enrolment_add_member(
            actor_membership=world.alpha_owner_membership,
            cohort=world.alpha_cohort,
            member=member,
            role="mentor" if index % 3 == 0 else "mentee",
            department="Sales" if index % 2 else "Finance",
        )


def test_participant_table_filters_and_counts(world, django_assert_max_num_queries):
    _enrol_many(world, 9)
    client = logged_in_client(world.alpha_owner)
    with django_assert_max_num_queries(13):  # +1: the bell's unread notifications
        page = client.get(_url(world))
    body = page.content.decode()
    assert "Approved: 9" in body
    assert "Person 8" in body
    filtered = client.get(_url(world), {"role": "mentor", "department": "Finance"}).content.decode()
    assert "Person 0" in filtered and "Person 6" in filtered and "Person 1" not in filtered
    searched = client.get(_url(world), {"q": "person7@"}).content.decode()
    assert "Person 7" in searched and "Person 8" not in searched


def test_csv_download_streams_the_filtered_table(world, django_assert_max_num_queries):
    _enrol_many(world, 6)
    client = logged_in_client(world.alpha_owner)
    with django_assert_max_num_queries(10):
        response = client.get(_url(world), {"format": "csv", "role": "mentee"})
        content = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:4] == ["Name", "Email", "Role", "State"]
    assert {row[2] for row in rows[1:]} == {"Mentee"}
    assert len(rows) == 1 + 4


def test_adding_a_member_and_its_errors(world):
    client = logged_in_client(world.alpha_owner)
    response = client.post(
        _url(world, "programs:participant_add"),
        {
            "add-membership_id": world.alpha_member_membership.pk,
            "add-role": "mentor",
            "add-mentor_capacity": "3",
            "add-department": "Ops",
        },
        follow=True,
    )
    assert "is enrolled as a mentor" in response.content.decode()
    again = client.post(
        _url(world, "programs:participant_add"),
        {"add-membership_id": world.alpha_member_membership.pk, "add-role": "mentee"},
        follow=True,
    )
    assert "Member:" in again.content.decode()  # no longer among the choices


def test_only_people_who_run_the_program_see_participants(world):
    assert logged_in_client(world.alpha_member).get(_url(world)).status_code == 404
    assert logged_in_client(world.alpha_manager).get(_url(world)).status_code == 200


def test_inviting_someone_new_by_email_holds_their_place_until_they_join(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    manager = logged_in_client(world.alpha_manager)  # program managers invite participants too
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            _url(world, "programs:participant_invite"),
            {
                "invite-email": "Newcomer@Example.com",
                "invite-full_name": "Nia New",
                "invite-role": "mentee",
            },
            follow=True,
        )
    assert "Invitation sent to newcomer@example.com" in response.content.decode()
    assert mailoutbox[-1].to == ["newcomer@example.com"]
    with organization_scope(world.alpha):
        enrolment = Enrolment.objects.get(email="newcomer@example.com")
        invitation = Invitation.objects.get(email="newcomer@example.com")
    assert (enrolment.state, enrolment.user_id) == (EnrolmentState.INVITED, None)
    # The newcomer signs up and accepts: the cohort place becomes theirs.
    newcomer = make_user("newcomer@example.com", "Nia Newcomer")
    organization_services.invitation_accept(
        user=newcomer, organization=world.alpha, token=invitation_token(invitation)
    )
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.user_id) == (EnrolmentState.APPROVED, newcomer.pk)
    assert (
        "Fill in your profile"
        in logged_in_client(newcomer).get("/o/alpha/my-programs/").content.decode()
    )


def test_inviting_a_member_enrols_them_and_bad_input_is_explained(world):
    client = logged_in_client(world.alpha_owner)
    response = client.post(
        _url(world, "programs:participant_invite"),
        {"invite-email": world.alpha_member.email, "invite-role": "mentor"},
        follow=True,
    )
    assert "is a member already and is now enrolled" in response.content.decode()
    bad = client.post(
        _url(world, "programs:participant_invite"), {"invite-email": "nope", "invite-role": "boss"}
    )
    assert bad.status_code == 400
    errors = bad.context["invite_form"].errors
    assert set(errors) == {"email", "role"}
    again = client.post(
        _url(world, "programs:participant_invite"),
        {"invite-email": world.alpha_member.email, "invite-role": "mentee"},
    )
    assert "already enrolled" in again.content.decode()


def test_bulk_resend_and_remove(world, mailoutbox, django_capture_on_commit_callbacks):
    client = logged_in_client(world.alpha_owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url(world, "programs:participant_import"),
            {
                "import-file": SimpleUploadedFile(
                    "p.csv", b"email,name,role\na@example.com,A,mentor\nb@example.com,B,mentee\n"
                )
            },
        )
    with organization_scope(world.alpha):
        invited = list(Enrolment.objects.order_by("email"))
        Enrolment.objects.filter(email="a@example.com").update(
            invitation_sent_at=timezone.now() - timedelta(days=2)
        )
    mailoutbox.clear()
    bulk = _url(world, "programs:participants_bulk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            bulk, {"action": "resend", "enrolment": [e.pk for e in invited]}, follow=True
        )
    body = response.content.decode()
    assert "Invitation sent again to 1. 1 skipped" in body  # b@ was invited minutes ago
    assert [m.to for m in mailoutbox] == [["a@example.com"]]
    response = client.post(bulk, {"action": "remove", "enrolment": [invited[1].pk]}, follow=True)
    assert "1 removed from" in response.content.decode()
    with organization_scope(world.alpha):
        assert Enrolment.objects.get(pk=invited[1].pk).state == EnrolmentState.WITHDRAWN
    nothing = client.post(bulk, {"action": "remove"}, follow=True)
    assert "Tick at least one person" in nothing.content.decode()


def test_edit_a_participant_in_place_or_on_its_own_page(world):
    enrolment = services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership,
        cohort=world.alpha_cohort,
        member=world.alpha_member_membership,
        role="mentor",
    )
    client = logged_in_client(world.alpha_owner)
    url = reverse(
        "programs:participant_edit",
        kwargs={
            "org_slug": "alpha",
            "program_id": world.alpha_program.pk,
            "cohort_id": world.alpha_cohort.pk,
            "enrolment_id": enrolment.pk,
        },
    )
    prefix = f"p{enrolment.pk}"
    row = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert row.startswith(f'<tr id="participant-{enrolment.pk}" class="row--editing">')
    saved = client.post(
        url,
        {f"{prefix}-department": "Risk", f"{prefix}-mentor_capacity": "4"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Risk" in saved and "takes 4" in saved and "Saved" in saved
    bad = client.post(url, {f"{prefix}-mentor_capacity": "99"}, headers={"HX-Request": "true"})
    assert bad.status_code == 400
    assert "row--editing" in bad.content.decode()
    # Without JavaScript: its own page, then back to the table.
    assert "<h1>" in client.get(url).content.decode()
    response = client.post(url, {f"{prefix}-department": "Audit", f"{prefix}-mentor_capacity": ""})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.department, enrolment.mentor_capacity) == ("Audit", None)
