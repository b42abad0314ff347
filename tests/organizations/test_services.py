from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from organizations import services
from organizations.invitation_links import invitation_token
from organizations.models import Invitation, InvitationStatus, Membership, Role
from organizations.scope import organization_scope
from tests.factories import make_user


def test_creating_an_organisation_makes_the_creator_its_owner(db):
    user = make_user("founder@example.com")
    organization = services.organization_create(actor=user, name="Acme Ltd")
    assert organization.slug == "acme-ltd"
    with organization_scope(organization):
        assert Membership.objects.get().role == Role.OWNER


def test_slugs_are_unique_and_reserved_words_refused(db):
    user = make_user("founder@example.com")
    services.organization_create(actor=user, name="Acme")
    assert services.organization_create(actor=user, name="Acme").slug == "acme-2"
    with pytest.raises(ValidationError) as error:
        services.organization_create(actor=user, name="Anything", slug="api")
    assert "reserved" in str(error.value.message_dict["slug"])
    with pytest.raises(ValidationError) as error:
        services.organization_create(actor=user, name="Other", slug="acme")
    assert "taken" in str(error.value.message_dict["slug"])


def test_invitation_is_single_use(world, django_capture_on_commit_callbacks):
    invitee = make_user(world.alpha_invitation.email)
    token = invitation_token(world.alpha_invitation)
    membership = services.invitation_accept(user=invitee, organization=world.alpha, token=token)
    assert membership.role == Role.MEMBER
    with pytest.raises(services.InvitationError, match="already been used"):
        services.invitation_accept(user=invitee, organization=world.alpha, token=token)


def test_expired_invitation_says_so_and_changes_nothing(world):
    invitee = make_user(world.alpha_invitation.email)
    Invitation.all_organizations.filter(pk=world.alpha_invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(services.InvitationError, match="expired"):
        services.invitation_accept(
            user=invitee,
            organization=world.alpha,
            token=invitation_token(world.alpha_invitation),
        )
    with organization_scope(world.alpha):
        assert not Membership.objects.filter(user=invitee).exists()
        assert Invitation.objects.get(pk=world.alpha_invitation.pk).accepted_at is None


def test_invitation_is_only_for_the_invited_email(world):
    with pytest.raises(services.InvitationError, match="was sent to"):
        services.invitation_accept(
            user=world.bravo_owner,
            organization=world.alpha,
            token=invitation_token(world.alpha_invitation),
        )


def test_an_invitation_token_does_not_work_in_another_organisation(world):
    with pytest.raises(services.InvitationNotFoundError):
        services.invitation_from_token(
            organization=world.bravo, token=invitation_token(world.alpha_invitation)
        )


def test_tampered_token_is_not_found(world):
    token = invitation_token(world.alpha_invitation)
    with pytest.raises(services.InvitationNotFoundError):
        services.invitation_from_token(organization=world.alpha, token=token[:-2] + "xx")


def test_reinviting_replaces_the_open_invitation(world):
    again = services.invitation_create(
        actor_membership=world.alpha_owner_membership, email=world.alpha_invitation.email.upper()
    )
    with organization_scope(world.alpha):
        old = Invitation.objects.get(pk=world.alpha_invitation.pk)
    assert old.status == InvitationStatus.REVOKED
    assert again.status == InvitationStatus.PENDING
    with pytest.raises(services.InvitationError, match="withdrawn"):
        services.check_invitation_usable(old, make_user(old.email))


def test_inviting_an_existing_member_is_refused(world):
    with pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(
            actor_membership=world.alpha_owner_membership, email=world.alpha_member.email
        )


def test_members_cannot_invite(world):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor_membership=world.alpha_member_membership, email="new@example.com"
        )


def test_only_an_owner_grants_admin(world):
    admin_membership = world.membership(world.alpha, world.alpha_admin)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(
            actor_membership=admin_membership,
            membership=world.alpha_member_membership,
            role=Role.ADMIN,
        )
    changed = services.membership_change_role(
        actor_membership=admin_membership,
        membership=world.alpha_member_membership,
        role=Role.REPORT_VIEWER,
    )
    assert changed.role == Role.REPORT_VIEWER


def test_the_last_owner_cannot_be_demoted_or_leave(world):
    with pytest.raises(ValidationError, match="at least one owner"):
        services.membership_change_role(
            actor_membership=world.alpha_owner_membership,
            membership=world.alpha_owner_membership,
            role=Role.MEMBER,
        )
    with pytest.raises(ValidationError, match="at least one owner"):
        services.membership_remove(
            actor_membership=world.alpha_owner_membership, membership=world.alpha_owner_membership
        )


def test_a_member_may_leave_but_not_remove_others(world):
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            actor_membership=world.alpha_member_membership, membership=world.alpha_owner_membership
        )
    services.membership_remove(
        actor_membership=world.alpha_member_membership, membership=world.alpha_member_membership
    )
    with organization_scope(world.alpha):
        assert not Membership.objects.filter(user=world.alpha_member).exists()


def test_invitation_email_is_sent_after_commit(db, django_capture_on_commit_callbacks, mailoutbox):
    owner = make_user("owner@example.com")
    organization = services.organization_create(actor=owner, name="Acme")
    with organization_scope(organization):
        membership = Membership.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            actor_membership=membership, email="New.Person@Example.com", role=Role.MEMBER
        )
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@example.com"]
    assert "Acme" in mailoutbox[0].subject
