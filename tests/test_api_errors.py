"""Requests Django refuses before any view runs still answer the API's JSON error shape."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from tests.factories import make_user


@pytest.fixture
def client_of_someone(db) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("someone@example.com", "Some One"))
    return client


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
def test_too_many_form_fields_is_a_json_400_on_the_api(client_of_someone: Client) -> None:
    fields = {f"field{n}": n for n in range(10)}
    response = client_of_someone.patch(
        "/api/v1/me/", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "The request could not be read.",
        "fields": {},
    }


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
def test_too_many_form_fields_is_the_html_400_page_elsewhere(client_of_someone: Client) -> None:
    response = client_of_someone.post("/accounts/login/", {f"f{n}": n for n in range(10)})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
