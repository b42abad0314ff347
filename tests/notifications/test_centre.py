"""The notification centre of an organisation, and the bell with its unread count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.delivery import Draft, notify
from notifications.models import Notification
from notifications.views import local_path
from tests.conftest import logged_in_client

pytestmark = pytest.mark.django_db


def _notify(org, user, occurrence: str, *, title: str = "", url: str = "", kind="manual_nudge"):
    ids = notify(
        org,
        [
            Draft(
                kind=kind,
                occurrence=occurrence,
                title=title or f"Note {occurrence}",
                url=url,
                user_id=user.pk,
            )
        ],
    )
    return Notification.all_organizations.get(pk=ids[0])


def _centre(org) -> str:
    return reverse("notifications:centre", args=[org.slug])


def test_centre_lists_only_the_members_own_notifications_in_the_app_newest_first(world):
    _notify(world.alpha, world.alpha_member, "first", title="Your first note")
    _notify(world.alpha, world.alpha_member, "second", title="Your second note")
    _notify(world.alpha, world.alpha_owner, "owner", title="The owner's note")
    hidden = _notify(world.alpha, world.alpha_member, "hidden", title="Not in the app")
    Notification.all_organizations.filter(pk=hidden.pk).update(in_app=False)
    # The same person in another organisation: not shown in Alpha's centre.
    member_in_bravo = world.alpha_member
    _notify(world.bravo, member_in_bravo, "bravo", title="Bravo's note")

    response = logged_in_client(world.alpha_member).get(_centre(world.alpha))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Your first note" in body and "Your second note" in body
    assert body.index("Your second note") < body.index("Your first note")
    assert "The owner's note" not in body
    assert "Not in the app" not in body
    assert "Bravo's note" not in body
    assert body.count("notification--unread") == 2
    assert "Mark all as read" in body


def test_centre_paginates_by_25(world):
    notify(
        world.alpha,
        [
            Draft(kind="manual_nudge", occurrence=f"n{i}", title=f"Note number {i:02d}",
                  user_id=world.alpha_member.pk)
            for i in range(30)
        ],
    )  # fmt: skip
    client = logged_in_client(world.alpha_member)
    first = client.get(_centre(world.alpha)).content.decode()
    second = client.get(_centre(world.alpha) + "?page=2").content.decode()
    assert first.count('class="notification ') == 25
    assert second.count('class="notification ') == 5
    assert "Page 1 of 2" in first


def test_centre_query_count_does_not_grow_with_rows(world):
    client = logged_in_client(world.alpha_member)
    _notify(world.alpha, world.alpha_member, "one")
    client.get(_centre(world.alpha))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(_centre(world.alpha)).status_code == 200
    notify(
        world.alpha,
        [
            Draft(kind="meeting_reminder", occurrence=f"m{i}", title=f"Meeting {i}",
                  user_id=world.alpha_member.pk)
            for i in range(40)
        ],
    )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert client.get(_centre(world.alpha)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_empty_centre_explains_itself(world):
    response = logged_in_client(world.alpha_member).get(_centre(world.alpha))
    body = response.content.decode()
    assert "Nothing here yet." in body
    assert "Mark all as read" not in body
    assert reverse("notifications:preferences") in body


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(world):
    row = _notify(world.alpha, world.alpha_member, "open", url="/o/alpha/my-programs/")
    client = logged_in_client(world.alpha_member)
    response = client.post(reverse("notifications:read", args=["alpha", row.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/o/alpha/my-programs/"
    row.refresh_from_db()
    assert row.read_at is not None
    # Opening it again keeps the first reading time.
    first_read = row.read_at
    client.post(reverse("notifications:read", args=["alpha", row.pk]))
    row.refresh_from_db()
    assert row.read_at == first_read


def test_a_notification_without_a_link_goes_back_to_the_centre(world):
    row = _notify(world.alpha, world.alpha_member, "nolink")
    response = logged_in_client(world.alpha_member).post(
        reverse("notifications:read", args=["alpha", row.pk])
    )
    assert response["Location"] == _centre(world.alpha)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_open_redirects_are_refused(world, url):
    row = _notify(world.alpha, world.alpha_member, "evil", url=url)
    response = logged_in_client(world.alpha_member).post(
        reverse("notifications:read", args=["alpha", row.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == _centre(world.alpha)


def test_local_path():
    assert local_path("/o/a/meetings/1/") == "/o/a/meetings/1/"
    assert local_path("/o/a/?x=//evil") == "/o/a/?x=//evil"
    assert local_path("//evil.example") is None
    assert local_path("") is None


def test_reading_is_post_only(world):
    row = _notify(world.alpha, world.alpha_member, "get")
    response = logged_in_client(world.alpha_member).get(
        reverse("notifications:read", args=["alpha", row.pk])
    )
    assert response.status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


def test_another_users_or_organisations_notification_is_404(world):
    owners = _notify(world.alpha, world.alpha_owner, "owners")
    bravos = _notify(world.bravo, world.bravo_owner, "bravos")
    client = logged_in_client(world.alpha_member)
    assert client.post(reverse("notifications:read", args=["alpha", owners.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=["alpha", bravos.pk])).status_code == 404
    bravo_client = logged_in_client(world.bravo_owner)
    # Under Bravo's own slug, Alpha's id is as missing as any other.
    assert (
        bravo_client.post(reverse("notifications:read", args=["bravo", owners.pk])).status_code
        == 404
    )
    assert Notification.all_organizations.filter(read_at__isnull=False).count() == 0


def test_mark_all_as_read_marks_only_the_members_own_in_this_organisation(world):
    mine = [_notify(world.alpha, world.alpha_member, f"m{i}") for i in range(3)]
    owners = _notify(world.alpha, world.alpha_owner, "o")
    elsewhere = _notify(world.bravo, world.alpha_member, "b")
    client = logged_in_client(world.alpha_member)
    response = client.post(reverse("notifications:read_all", args=["alpha"]), follow=True)
    assert response.redirect_chain[-1][0] == _centre(world.alpha)
    assert "Marked 3 notifications as read." in response.content.decode()
    for row in mine:
        row.refresh_from_db()
        assert row.read_at is not None
    for row in (owners, elsewhere):
        row.refresh_from_db()
        assert row.read_at is None
    assert client.get(reverse("notifications:read_all", args=["alpha"])).status_code == 405


def test_the_bell_shows_the_unread_count_on_the_organisations_pages(world):
    client = logged_in_client(world.alpha_member)
    overview = client.get(reverse("overview", args=["alpha"])).content.decode()
    assert "data-notification-bell" in overview
    assert 'data-notification-count aria-hidden="true" hidden' in overview
    first = _notify(world.alpha, world.alpha_member, "1")
    _notify(world.alpha, world.alpha_member, "2")
    _notify(world.alpha, world.alpha_owner, "not mine")
    overview = client.get(reverse("overview", args=["alpha"])).content.decode()
    assert "Notifications, 2 unread</span>" in overview
    assert 'data-notification-count aria-hidden="true">2</span>' in overview
    assert 'src="/static/js/notifications.js"' in overview
    assert 'class="toasts" data-notification-toasts role="status"' in overview
    client.post(reverse("notifications:read", args=["alpha", first.pk]))
    overview = client.get(reverse("overview", args=["alpha"])).content.decode()
    assert ", 1 unread" in overview


def test_no_bell_outside_an_organisation(world):
    body = logged_in_client(world.alpha_member).get(reverse("accounts:settings")).content.decode()
    assert "data-notification-bell" not in body
    assert "notifications.js" not in body
    # The account menu links the settings everywhere.
    assert reverse("notifications:preferences") in body


def test_the_bell_costs_one_count_query(world, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from notifications.context_processors import unread_notifications

    _notify(world.alpha, world.alpha_member, "1")
    request = RequestFactory().get("/")
    request.membership = world.alpha_member_membership
    request.membership.organization = world.alpha
    context = unread_notifications(request)
    with django_assert_num_queries(1) as captured:
        rendered = Template("{{ n }} {% if n %}yes{% endif %}").render(
            Context({"n": context["nav_unread_notifications"]})
        )
    assert rendered == "1 yes"
    assert "COUNT(" in captured.captured_queries[0]["sql"].upper()


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(_centre(world.alpha))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
async def test_notify_pushes_the_frame_the_bell_reads(world):
    """notify() → the member's socket gets {"type": "notification", "notification": {id, kind,
    title, url}}: what static/js/notifications.js counts and shows as a toast."""
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from mentorship.asgi import application

    @database_sync_to_async
    def cookie() -> bytes:
        return (
            f"sessionid={logged_in_client(world.alpha_member).cookies['sessionid'].value}".encode()
        )

    communicator = WebsocketCommunicator(
        application,
        "/ws/o/alpha/notifications/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", await cookie())],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"

    @database_sync_to_async
    def send() -> int:
        from django.db import transaction

        with transaction.atomic():
            ids = notify(
                world.alpha,
                [
                    Draft(kind="manual_nudge", occurrence="live", title="Hello from your manager",
                          url="/o/alpha/", user_id=world.alpha_member.pk),
                    Draft(kind="manual_nudge", occurrence="live", title="Not for you",
                          user_id=world.alpha_owner.pk),
                ],
            )  # fmt: skip
        return Notification.all_organizations.get(pk__in=ids, user=world.alpha_member).pk

    first_id = await send()
    frame = await communicator.receive_json_from(timeout=5)
    assert frame == {
        "type": "notification",
        "notification": {
            "id": first_id,
            "kind": "manual_nudge",
            "title": "Hello from your manager",
            "url": "/o/alpha/",
        },
    }
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()
