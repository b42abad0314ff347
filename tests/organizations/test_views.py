from datetime import timedelta
from urllib.parse import urlparse

from django.urls import reverse
from django.utils import timezone

from organizations import services
from organizations.invitation_links import invitation_accept_path
from organizations.models import Invitation, Membership, Organization, Role
from organizations.scope import organization_scope
from tests.conftest import logged_in_client
from tests.factories import make_user


def test_create_organisation_in_the_browser(db):
    user = make_user("founder@example.com", "Fay Founder")
    client = logged_in_client(user)
    assert client.get(reverse("organizations:create")).status_code == 200
    response = client.post(reverse("organizations:create"), {"name": "Acme Ltd", "slug": ""})
    assert response.status_code == 302
    assert response["Location"] == "/o/acme-ltd/"
    page = client.get("/o/acme-ltd/")
    assert "Acme Ltd" in page.content.decode()
    assert "No programs yet" in page.content.decode()


def test_invalid_organisation_form_rerenders_with_field_errors(db):
    client = logged_in_client(make_user("founder@example.com"))
    response = client.post(reverse("organizations:create"), {"name": "", "slug": "no spaces!"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert "Enter a valid “slug”" in body
    assert Organization.objects.count() == 0


def test_taken_address_is_a_field_error(world):
    client = logged_in_client(world.bravo_owner)
    response = client.post(reverse("organizations:create"), {"name": "Copy", "slug": "alpha"})
    assert "That address is taken" in response.content.decode()


def test_members_page_lists_people_with_bounded_queries(world, django_assert_max_num_queries):
    client = logged_in_client(world.alpha_owner)
    for index in range(10):
        services.invitation_create(
            actor_membership=world.alpha_owner_membership, email=f"extra{index}@example.com"
        )
    with django_assert_max_num_queries(9):  # with the navigation's two unread counts
        response = client.get(reverse("organizations:members", kwargs={"org_slug": "alpha"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.alpha_member.email in body
    assert "extra9@example.com" in body


def test_participants_cannot_open_the_members_page(world):
    response = logged_in_client(world.alpha_member).get(
        reverse("organizations:members", kwargs={"org_slug": "alpha"})
    )
    assert response.status_code == 403


def test_invite_form_errors_are_shown_and_nothing_is_sent(world, mailoutbox):
    mailoutbox.clear()
    client = logged_in_client(world.alpha_owner)
    url = reverse("organizations:invitation_create", kwargs={"org_slug": "alpha"})
    response = client.post(url, {"email": "not-an-email", "role": "member"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    response = client.post(url, {"email": world.alpha_member.email, "role": "member"})
    assert "already a member" in response.content.decode()
    assert mailoutbox == []


def test_invite_then_accept_through_the_link(world, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    client = logged_in_client(world.alpha_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organizations:invitation_create", kwargs={"org_slug": "alpha"}),
            {"email": "newcomer@example.com", "role": "program_manager"},
        )
    assert response.status_code == 302
    link = next(line for line in mailoutbox[0].body.splitlines() if "/join/" in line)
    path = urlparse(link.strip()).path

    # Anonymous: told to sign up or log in with the invited address.
    anonymous_page = logged_in_client(world.alpha_owner).__class__().get(path)
    assert "Sign up or sign in with" in anonymous_page.content.decode()

    newcomer = make_user("newcomer@example.com", "Nina Newcomer")
    newcomer_client = logged_in_client(newcomer)
    assert "Accept and join" in newcomer_client.get(path).content.decode()
    response = newcomer_client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/o/alpha/"
    with organization_scope(world.alpha):
        assert Membership.objects.get(user=newcomer).role == Role.PROGRAM_MANAGER

    # The link is single use: a second visit says so and changes nothing.
    again = newcomer_client.post(path)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()


def test_expired_link_says_so(world):
    invitee = make_user(world.alpha_invitation.email)
    path = invitation_accept_path(world.alpha_invitation)
    Invitation.all_organizations.filter(pk=world.alpha_invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = logged_in_client(invitee).post(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    with organization_scope(world.alpha):
        assert not Membership.objects.filter(user=invitee).exists()


def test_role_change_and_last_owner_rule_in_the_browser(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse(
        "organizations:member_role",
        kwargs={"org_slug": "alpha", "membership_id": world.alpha_member_membership.pk},
    )
    response = client.post(url, {"role": "report_viewer"}, follow=True)
    assert "is now report viewer" in response.content.decode()
    own = reverse(
        "organizations:member_role",
        kwargs={"org_slug": "alpha", "membership_id": world.alpha_owner_membership.pk},
    )
    response = client.post(own, {"role": "member"}, follow=True)
    assert "at least one owner" in response.content.decode()
    with organization_scope(world.alpha):
        assert Membership.objects.get(pk=world.alpha_owner_membership.pk).role == Role.OWNER


def test_switcher_lists_each_organisation_of_the_user(world):
    services.organization_create(actor=world.alpha_owner, name="Second Org", slug="second")
    response = logged_in_client(world.alpha_owner).get("/o/alpha/")
    body = response.content.decode()
    assert 'href="/o/second/"' in body
    assert 'href="/o/alpha/"' in body
    assert "Bravo" not in body
    home = logged_in_client(world.alpha_owner).get("/home/")
    assert home.status_code == 200
    assert "Second Org" in home.content.decode()


def test_single_organisation_user_lands_in_it(world):
    response = logged_in_client(world.bravo_owner).get("/home/")
    assert response.status_code == 302
    assert response["Location"] == "/o/bravo/"


def test_organisation_settings_save_and_validate(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse("organizations:settings", kwargs={"org_slug": "alpha"})
    response = client.post(url, {"name": "", "require_mfa_for_staff": "on"})
    assert "This field is required." in response.content.decode()
    response = client.post(url, {"name": "Alpha Renamed", "require_mfa_for_staff": "on"})
    assert response.status_code == 302
    world.alpha.refresh_from_db()
    assert world.alpha.name == "Alpha Renamed"
    assert world.alpha.require_mfa_for_staff
    assert logged_in_client(world.alpha_member).get(url).status_code == 403


def test_required_mfa_blocks_staff_without_it_until_they_set_it_up(world):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from rest_framework.test import APIClient

    from accounts.services import api_token_create

    world.alpha.require_mfa_for_staff = True
    world.alpha.save()
    owner = logged_in_client(world.alpha_owner)
    response = owner.get("/o/alpha/members/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    _, raw = api_token_create(user=world.alpha_owner, name="bi")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    denied = api.get("/api/v1/orgs/alpha/members/")
    assert denied.status_code == 403 and denied.json()["code"] == "mfa_required"
    # Participants are not affected by the staff policy.
    assert logged_in_client(world.alpha_member).get("/o/alpha/").status_code == 200
    TOTP.activate(world.alpha_owner, generate_totp_secret())
    assert owner.get("/o/alpha/members/").status_code == 200
    assert api.get("/api/v1/orgs/alpha/members/").status_code == 200


def test_home_lists_invitations_waiting_for_the_signed_in_address(
    world, django_assert_max_num_queries
):
    invitee = make_user(world.alpha_invitation.email)
    client = logged_in_client(invitee)
    with django_assert_max_num_queries(6):
        response = client.get("/home/")
    body = response.content.decode()
    assert "Invitations waiting for you" in body
    assert world.alpha.name in body
    assert invitation_accept_path(world.alpha_invitation) in body
    # Nobody else sees it, and Bravo's invitation is not shown to Alpha's invitee.
    assert (
        "Invitations waiting"
        not in logged_in_client(world.alpha_member).get("/home/?choose").content.decode()
    )
    assert "Bravo" not in body
    # Once accepted, it is gone.
    client.post(invitation_accept_path(world.alpha_invitation))
    response = client.get("/home/")
    assert response.status_code == 302


def test_a_member_leaves_from_the_overview_and_the_last_owner_cannot(world):
    member = logged_in_client(world.alpha_member)
    page = member.get("/o/alpha/").content.decode()
    assert "Leave Alpha" in page
    url = reverse(
        "organizations:member_remove",
        kwargs={"org_slug": "alpha", "membership_id": world.alpha_member_membership.pk},
    )
    response = member.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert member.get("/o/alpha/").status_code == 404
    owner = logged_in_client(world.alpha_owner)
    own = reverse(
        "organizations:member_remove",
        kwargs={"org_slug": "alpha", "membership_id": world.alpha_owner_membership.pk},
    )
    response = owner.post(own, follow=True)
    assert "at least one owner" in response.content.decode()


def test_role_change_over_htmx_answers_with_the_updated_row(world):
    client = logged_in_client(world.alpha_owner)
    url = reverse(
        "organizations:member_role",
        kwargs={"org_slug": "alpha", "membership_id": world.alpha_member_membership.pk},
    )
    response = client.post(url, {"role": "program_manager"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith(f'<tr id="member-{world.alpha_member_membership.pk}">')
    assert "is now program manager." in body
    assert '<option value="program_manager" selected>' in body
    refused = client.post(
        reverse(
            "organizations:member_role",
            kwargs={"org_slug": "alpha", "membership_id": world.alpha_owner_membership.pk},
        ),
        {"role": "member"},
        headers={"HX-Request": "true"},
    )
    assert "at least one owner" in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()


def test_changing_your_own_role_over_htmx_reloads_the_page(world):
    services.membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.membership(world.alpha, world.alpha_admin),
        role="owner",
    )
    url = reverse(
        "organizations:member_role",
        kwargs={"org_slug": "alpha", "membership_id": world.alpha_owner_membership.pk},
    )
    response = logged_in_client(world.alpha_owner).post(
        url, {"role": "admin"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/o/alpha/members/"
