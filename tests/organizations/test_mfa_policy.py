"""The organisation's two-factor requirement: owners, admins and report viewers cannot act
without it (pages, API, live sockets); participants and program managers are not affected; only
owners turn it on or off."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from accounts.services import api_token_create
from mentorship.asgi import application
from organizations import services
from organizations.models import Role
from tests.conftest import _add_member, logged_in_client
from tests.factories import make_user


@pytest.fixture
def viewer(world):
    user = make_user("viewer@example.com", "Val Viewer")
    _add_member(world.alpha, world.alpha_owner_membership, user, Role.REPORT_VIEWER)
    world.alpha.require_mfa_for_staff = True
    world.alpha.save()
    return user


def test_a_report_viewer_without_mfa_reaches_no_report_until_they_set_it_up(world, viewer):
    client = logged_in_client(viewer)
    for path in ("/o/alpha/reports/", "/o/alpha/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    _, raw = api_token_create(user=viewer, name="bi")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    denied = api.get("/api/v1/orgs/alpha/reports/dashboard/")
    assert denied.status_code == 403 and denied.json()["code"] == "mfa_required"

    TOTP.activate(viewer, generate_totp_secret())
    assert client.get("/o/alpha/reports/").status_code == 200
    assert api.get("/api/v1/orgs/alpha/reports/dashboard/").status_code == 200


def test_program_managers_and_participants_are_not_asked(world, viewer):
    assert logged_in_client(world.alpha_manager).get("/o/alpha/").status_code == 200
    assert logged_in_client(world.alpha_member).get("/o/alpha/").status_code == 200


@pytest.mark.django_db(transaction=True)
async def test_a_report_viewer_without_mfa_gets_no_live_socket(world, viewer):
    @database_sync_to_async
    def cookie() -> bytes:
        return f"sessionid={logged_in_client(viewer).cookies['sessionid'].value}".encode()

    headers = [(b"origin", b"http://testserver"), (b"cookie", await cookie())]
    socket = WebsocketCommunicator(application, "/ws/o/alpha/notifications/", headers=headers)
    connected, code = await socket.connect(timeout=5)
    assert not connected and code == 4404

    await database_sync_to_async(TOTP.activate)(viewer, generate_totp_secret())
    socket = WebsocketCommunicator(application, "/ws/o/alpha/notifications/", headers=headers)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    await socket.disconnect()


def test_only_owners_turn_the_requirement_on_or_off(world):
    admin = world.membership(world.alpha, world.alpha_admin)
    with pytest.raises(PermissionDenied, match="owners"):
        services.organization_update(
            actor_membership=admin, name="Alpha", require_mfa_for_staff=True
        )
    world.alpha.refresh_from_db()
    assert not world.alpha.require_mfa_for_staff
    # The admin still renames the organisation; the requirement stays as it was.
    services.organization_update(
        actor_membership=admin, name="Alpha Co", require_mfa_for_staff=False
    )
    world.alpha.refresh_from_db()
    assert world.alpha.name == "Alpha Co"


def test_the_settings_page_shows_admins_the_requirement_without_letting_them_change_it(world):
    client = logged_in_client(world.alpha_admin)
    page = client.get("/o/alpha/settings/").content.decode()
    assert "Only the organisation&#x27;s owners turn this on or off." in page
    response = client.post("/o/alpha/settings/", {"name": "Alpha", "require_mfa_for_staff": "on"})
    assert response.status_code == 302
    world.alpha.refresh_from_db()
    assert not world.alpha.require_mfa_for_staff
    owner = logged_in_client(world.alpha_owner)
    owner.post("/o/alpha/settings/", {"name": "Alpha", "require_mfa_for_staff": "on"})
    world.alpha.refresh_from_db()
    assert world.alpha.require_mfa_for_staff


def test_the_api_refuses_an_admin_turning_it_off(world):
    world.alpha.require_mfa_for_staff = True
    world.alpha.save()
    TOTP.activate(world.alpha_admin, generate_totp_secret())
    _, raw = api_token_create(user=world.alpha_admin, name="ops")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.patch("/api/v1/orgs/alpha/", {"require_mfa_for_staff": False}, format="json")
    assert response.status_code == 403
    world.alpha.refresh_from_db()
    assert world.alpha.require_mfa_for_staff
