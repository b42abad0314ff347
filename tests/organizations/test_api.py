import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from organizations.models import Membership, Role
from organizations.scope import organization_scope
from tests.conftest import logged_in_api_client


def bearer(user) -> APIClient:
    _, raw = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_bearer_token_lists_my_organisations_paginated(world):
    response = bearer(world.alpha_owner).get("/api/v1/orgs/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["slug"] == "alpha"
    assert body["results"][0]["role"] == "owner"


def test_members_api_with_bounded_queries(world, django_assert_max_num_queries):
    client = bearer(world.alpha_owner)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/orgs/alpha/members/?page_size=2")
    body = response.json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"]


def test_create_organisation_and_field_errors(world):
    client = bearer(world.bravo_owner)
    response = client.post("/api/v1/orgs/", {"name": "Charlie", "slug": "charlie"}, format="json")
    assert response.status_code == 201
    assert response.json()["role"] == "owner"
    response = client.post("/api/v1/orgs/", {"name": "", "slug": "alpha"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert "name" in body["fields"]


def test_service_validation_errors_become_400_with_fields(world):
    response = bearer(world.bravo_owner).post(
        "/api/v1/orgs/", {"name": "X", "slug": "alpha"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"slug": ["That address is taken; choose another."]}


def test_invitation_api(world, mailoutbox, django_capture_on_commit_callbacks):
    client = bearer(world.alpha_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/orgs/alpha/invitations/",
            {"email": "api@example.com", "role": "member"},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert mailoutbox[-1].to == ["api@example.com"]
    bad = client.post(
        "/api/v1/orgs/alpha/invitations/", {"email": "nope", "role": "wizard"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"email", "role"}
    invitation_id = response.json()["id"]
    assert client.delete(f"/api/v1/orgs/alpha/invitations/{invitation_id}/").status_code == 204
    again = client.delete(f"/api/v1/orgs/alpha/invitations/{invitation_id}/")
    assert again.status_code == 400
    assert "already revoked" in again.json()["detail"]


def test_role_change_api_and_permission_errors(world):
    member_id = world.alpha_member_membership.pk
    response = bearer(world.alpha_owner).patch(
        f"/api/v1/orgs/alpha/members/{member_id}/", {"role": "program_manager"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "program_manager"
    forbidden = bearer(world.alpha_member).patch(
        f"/api/v1/orgs/alpha/members/{world.alpha_owner_membership.pk}/",
        {"role": "member"},
        format="json",
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "permission_denied"
    with organization_scope(world.alpha):
        assert Membership.objects.get(pk=world.alpha_owner_membership.pk).role == Role.OWNER


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, 401), ("Bearer mtp_not-a-real-token", 401), ("Bearer", 401)],
)
def test_unauthenticated_requests_get_401_in_the_error_shape(world, header, expected):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/orgs/alpha/members/")
    assert response.status_code == expected
    assert response.json()["status"] == expected
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")


def test_revoked_token_is_refused(world):
    from accounts.services import api_token_revoke

    token, raw = api_token_create(user=world.alpha_owner, name="to revoke")
    api_token_revoke(user=world.alpha_owner, token_id=token.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/").status_code == 401


def test_unknown_api_path_is_json_404(world):
    response = bearer(world.alpha_owner).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "Not found.",
        "fields": {},
    }


def test_throttled_requests_get_429_in_the_error_shape(world, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    original = UserRateThrottle.THROTTLE_RATES
    UserRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "2/min"}
    try:
        client = bearer(world.alpha_owner)
        statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]
        response = client.get("/api/v1/me/")
    finally:
        UserRateThrottle.THROTTLE_RATES = original
    assert statuses[:2] == [200, 200]
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_session_auth_requires_csrf_for_writes(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.alpha_owner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/me/").status_code == 200
    response = client.patch("/api/v1/me/", {"full_name": "X"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_me_api_updates_profile_and_validates(world):
    client = logged_in_api_client(world.alpha_member)
    response = client.patch("/api/v1/me/", {"timezone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert "timezone" in response.json()["fields"]
    response = client.patch(
        "/api/v1/me/", {"timezone": "Europe/Berlin", "locale": "de"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["timezone"] == "Europe/Berlin"


def test_openapi_schema_is_valid_openapi_3(client, db):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/orgs/{org_slug}/members/" in schema["paths"]
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_api_docs_page_uses_local_assets(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn" not in body.lower()
    assert "/static/drf_spectacular_sidecar/" in body
