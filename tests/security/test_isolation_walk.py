"""Walk every URL pattern and prove that another organisation's data is unreachable."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mentorship.asgi import application
from mentorship.routing import websocket_urlpatterns
from organizations.models import Invitation, Membership
from tests.conftest import CANARY, logged_in_client
from tests.security.routes import (
    GLOBAL_PREFIXES,
    GLOBAL_ROUTES,
    TENANT_ROUTES,
    WEBSOCKET_ROUTES,
    TenantRoute,
)

METHODS = ("get", "post", "patch", "delete")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def all_routes() -> list[tuple[str, str | None]]:
    return list(_walk(get_resolver().url_patterns))


def test_every_route_is_declared_for_the_walk():
    undeclared = []
    for route, name in all_routes():
        if any(route.startswith(prefix) for prefix in GLOBAL_PREFIXES):
            continue
        if name in TENANT_ROUTES:
            assert "<slug:org_slug>" in route, (
                f"{name} is declared a tenant route but has no org_slug: {route}"
            )
            continue
        if name in GLOBAL_ROUTES:
            assert "org_slug" not in route, (
                f"{name} takes an organisation; declare it in TENANT_ROUTES"
            )
            continue
        undeclared.append(f"{name or '(unnamed)'}: /{route}")
    assert not undeclared, (
        "Routes missing from tests/security/routes.py (declare how the isolation walk builds their "
        "arguments):\n" + "\n".join(undeclared)
    )


def test_declared_routes_exist():
    names = {name for _, name in all_routes()}
    stale = (set(TENANT_ROUTES) | set(GLOBAL_ROUTES)) - names
    assert not stale, f"Declared but no longer routed: {sorted(stale)}"


def _tenant_url(name: str, route: TenantRoute, world, org_slug: str) -> str:
    return reverse(name, kwargs={"org_slug": org_slug, **route.object_kwargs(world)})


def _state():
    rows = Membership.all_organizations.order_by("pk").values_list(
        "pk", "organization_id", "user_id", "role"
    )
    invitations = Invitation.all_organizations.order_by("pk").values_list(
        "pk", "accepted_at", "revoked_at"
    )
    return list(rows), list(invitations)


def _request(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    body = json.dumps({"role": "owner", "email": "x@y.example", "name": "Hijacked"})
    return getattr(client, method)(url, data=body, content_type="application/json")


@pytest.mark.parametrize("name", sorted(TENANT_ROUTES))
def test_tenant_route_positive_control(world, name):
    """Alpha's owner reaches the URL the walk builds (so the 404s below are not an artefact)."""
    route = TENANT_ROUTES[name]
    url = _tenant_url(name, route, world, world.alpha.slug)
    response = logged_in_client(world.alpha_owner).get(url)
    assert response.status_code != 404, (
        f"{name}: the walk builds a URL Alpha's owner cannot reach: {url}"
    )


@pytest.mark.parametrize("name", sorted(TENANT_ROUTES))
def test_another_organisation_gets_404_for_every_method(world, name):
    route = TENANT_ROUTES[name]
    attacker = logged_in_client(world.bravo_owner)
    before = _state()
    object_kwargs = route.object_kwargs(world)
    if object_kwargs:
        # Alpha's object under Bravo's slug answers exactly as a missing object does: 404, or 405
        # for a method the route does not have (the same for every id, so no existence oracle).
        url = _tenant_url(name, route, world, world.bravo.slug)
        missing = {
            key: 987654321 if isinstance(value, int) else "missing"
            for key, value in object_kwargs.items()
        }
        missing_url = reverse(name, kwargs={"org_slug": world.bravo.slug, **missing})
        for method in METHODS:
            response = _request(attacker, method, url)
            assert response.status_code in (404, 405), (
                f"{method.upper()} {url} answered {response.status_code}"
            )
            assert response.status_code == _request(attacker, method, missing_url).status_code
            assert CANARY not in response.content.decode(errors="replace"), (
                f"{method.upper()} {url} leaked Alpha data"
            )
    if not route.secret_link:
        # Alpha's slug: a non-member gets 404 whatever the method, as for an unknown organisation.
        url = _tenant_url(name, route, world, world.alpha.slug)
        for method in METHODS:
            response = _request(attacker, method, url)
            assert response.status_code == 404, (
                f"{method.upper()} {url} answered {response.status_code}"
            )
            assert CANARY not in response.content.decode(errors="replace"), (
                f"{method.upper()} {url} leaked Alpha data"
            )
    if route.secret_link:
        # The invitee link is for its invitee: another user holding it changes nothing.
        url = _tenant_url(name, route, world, world.alpha.slug)
        response = attacker.post(url)
        assert response.status_code == 400
    assert _state() == before, f"{name}: a request from another organisation changed data"


@pytest.mark.parametrize("name", sorted(n for n, r in TENANT_ROUTES.items() if r.is_list))
def test_lists_contain_no_foreign_rows(world, name):
    route = TENANT_ROUTES[name]
    url = reverse(name, kwargs={"org_slug": world.bravo.slug, **route.bravo_list_kwargs(world)})
    response = logged_in_client(world.bravo_owner).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert CANARY not in body
    if name.startswith("api_"):
        assert "results" in response.json(), f"{name} is a list but is not paginated"
    # Positive control: the same list read by Alpha's owner does show Alpha's rows.
    own = logged_in_client(world.alpha_owner).get(_tenant_url(name, route, world, world.alpha.slug))
    assert CANARY in own.content.decode()


def test_anonymous_visitors_are_sent_to_login_or_refused(world):
    anonymous = Client()
    for name, route in TENANT_ROUTES.items():
        if route.secret_link:
            continue
        url = _tenant_url(name, route, world, world.alpha.slug)
        response = anonymous.get(url)
        assert response.status_code in (302, 401, 403), f"{url}: {response.status_code}"
        assert CANARY not in response.content.decode()


def test_every_websocket_route_is_declared():
    names = {pattern.name for pattern in websocket_urlpatterns}
    assert names == set(WEBSOCKET_ROUTES), "Declare websocket routes in tests/security/routes.py"
    for pattern in websocket_urlpatterns:
        assert str(pattern.pattern).startswith("ws/o/<slug:org_slug>/"), (
            f"{pattern.name} is not under /ws/o/<slug>/"
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(WEBSOCKET_ROUTES))
async def test_websocket_routes_refuse_anonymous_foreign_and_bad_origin(world, name):
    @database_sync_to_async
    def cookie_for(user) -> bytes:
        return f"sessionid={logged_in_client(user).cookies['sessionid'].value}".encode()

    async def connects(path: str, cookie: bytes | None, origin: bytes | None) -> bool:
        headers = [(b"origin", origin)] if origin else []
        if cookie:
            headers.append((b"cookie", cookie))
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        if connected:
            await communicator.disconnect()
        return connected

    alpha_path = WEBSOCKET_ROUTES[name].format(org_slug=world.alpha.slug)
    good_origin = b"http://testserver"
    member = await cookie_for(world.alpha_member)
    assert await connects(alpha_path, member, good_origin), "positive control: a member connects"
    assert not await connects(alpha_path, None, good_origin), "anonymous connected"
    assert not await connects(alpha_path, await cookie_for(world.bravo_owner), good_origin), (
        "foreign org"
    )
    assert not await connects(alpha_path, member, b"https://evil.example"), "bad origin connected"
    assert not await connects(alpha_path, member, None), "no origin connected"
