"""API fuzzing: schemathesis generates requests for every operation of /api/schema/ and sends them
over loopback to a live server, authenticated with the personal API token of one of two users of
different organisations (the demo organisation's owner and another organisation's owner). Every
response must be no 5xx and must conform to the schema: its status is documented, its content
type is declared, its body matches the documented shape (errors included, see
mentorship.api.schema).

Bounded inside `make test` (FUZZ_EXAMPLES, 4 per operation and user, derandomised so a CI run is
repeatable); `make fuzz` runs many more, with a fresh seed each time."""

from __future__ import annotations

import json
import os

import pytest
import requests
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from pytest_django.live_server_helper import LiveServer
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# `make fuzz` sets FUZZ_RANDOM=1: a fresh seed each run, so long runs keep finding new inputs.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Each example runs in a test transaction (rolled back); the module's world stays committed.
pytestmark = pytest.mark.django_db
USERS = {
    "demo-owner": ("owner@demo.mentorship.test", "demo"),
    "other-organisation-owner": ("owner@fuzz-other.example", "fuzz-other"),
}


@pytest.fixture(scope="module")
def fuzz_server(django_db_setup, django_db_blocker):
    """A live server on loopback over a committed world: the demo organisation, a second
    organisation with only its owner, and an API token for each of the two owners. The database is
    emptied again when the module ends."""
    from accounts.models import User
    from accounts.services import api_token_create
    from organizations import services as organization_services

    with django_db_blocker.unblock():
        call_command("seed_demo", quiet=True)
        other_owner = User.objects.create_user(
            email=USERS["other-organisation-owner"][0], password="fuzz-only-password-1"
        )
        organization_services.organization_create(
            actor=other_owner, name="Other organisation", slug="fuzz-other"
        )
        tokens = {}
        for who, (email, slug) in USERS.items():
            _, raw = api_token_create(user=User.objects.get(email=email), name="fuzzing")
            tokens[who] = (raw, slug)
        server = LiveServer("127.0.0.1")
    try:
        # The server's thread may still finish a response (and close its connection) between
        # two tests, when no test holds the database open for it.
        with django_db_blocker.unblock():
            yield server.url, tokens
    finally:
        server.stop()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def _served_schema() -> dict:
    """The schema /api/schema/ serves, built as its view builds it (the cases are generated at
    collection, before the live server starts; test_the_live_server_serves_this_schema proves
    the server serves the same one)."""
    generator = SchemaGenerator(patterns=None, urlconf=None)
    return json.loads(json.dumps(generator.get_schema(request=None, public=True)))


SCHEMA = _served_schema()
schema = schemathesis.openapi.from_dict(SCHEMA)


def test_the_live_server_serves_this_schema(fuzz_server) -> None:
    url, _ = fuzz_server
    response = requests.get(f"{url}/api/schema/?format=json", timeout=30)
    assert response.status_code == 200
    assert response.json() == SCHEMA


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _call(case, who: str, fuzz_server) -> None:
    url, tokens = fuzz_server
    token, slug = tokens[who]
    if "org_slug" in (case.path_parameters or {}):
        case.path_parameters["org_slug"] = slug  # under the user's own organisation
    cache.clear()  # the throttles count per minute; the fuzzing is not a flood test
    case.call_and_validate(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
    )


@schema.parametrize()
@FUZZ_SETTINGS
def test_the_demo_owner_gets_answers_within_the_schema(case, fuzz_server) -> None:
    _call(case, "demo-owner", fuzz_server)


@schema.parametrize()
@FUZZ_SETTINGS
def test_another_organisations_owner_gets_answers_within_the_schema(case, fuzz_server) -> None:
    _call(case, "other-organisation-owner", fuzz_server)
