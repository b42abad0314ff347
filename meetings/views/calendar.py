"""The personal calendar address: the page to make, replace and revoke it, and the address
itself, which calendar apps read without signing in (the token in it is the credential)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from meetings import selectors, services
from meetings.calendars import calendar_response, feed_calendar
from meetings.presentation import present, reader_zone
from meetings.views.common import feed_path, meeting_path
from organizations.access import organization_view
from organizations.models import Membership
from organizations.selectors import get_organization_by_slug


def _calendar_page(
    request: HttpRequest, membership: Membership, *, new_token: str | None = None
) -> HttpResponse:
    now = timezone.now()
    upcoming = [
        present(
            meeting,
            membership=membership,
            people=selectors.people_of(meeting.mentorship),
            availability={},
            now=now,
        )
        for meeting in selectors.upcoming_meetings_of_member(membership)
    ]
    context = {
        "membership": membership,
        "feed": selectors.active_calendar_feed(membership),
        "upcoming": upcoming,
        "zone": reader_zone(membership),
    }
    if new_token:
        address = request.build_absolute_uri(feed_path(membership.organization.slug, new_token))
        context |= {
            "feed_url": address,
            "webcal_url": "webcal://" + address.split("://", 1)[1],
        }
    return render(request, "meetings/calendar.html", context)


@organization_view()
def calendar(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """The member's meetings still to come, in all their mentorships here, and their calendar
    address: whether they have one, and the buttons to make, replace or revoke it."""
    return _calendar_page(request, membership)


@organization_view()
@require_POST
def calendar_create(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """A new address, shown this once (only its hash is kept); the previous one stops working."""
    _, token = services.calendar_feed_create(actor=membership)
    messages.success(request, "Your calendar address is ready. Copy it now: it is shown once.")
    return _calendar_page(request, membership, new_token=token)


@organization_view()
@require_POST
def calendar_revoke(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    if services.calendar_feed_revoke(actor=membership) is None:
        messages.info(request, "You had no calendar address.")
    else:
        messages.success(request, "Revoked: calendar apps can no longer read that address.")
    return redirect("meetings:calendar", org_slug=membership.organization.slug)


def calendar_feed(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """The member's meetings as a calendar to subscribe to (see selectors.feed_meetings). No
    session: a wrong, revoked or foreign token answers 404 like a missing organisation, and
    the address is only read, so anything but GET or HEAD is refused and changes nothing."""
    organization = get_organization_by_slug(org_slug)
    feed = selectors.get_feed_by_token(organization, token)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseBadRequest(
            "A calendar address is only read.", content_type="text/plain; charset=utf-8"
        )
    body = feed_calendar(
        selectors.feed_meetings(feed),
        name=f"Mentoring meetings · {organization.name}",
        people_of=lambda meeting: selectors.people_of(meeting.mentorship),
        reader_id=feed.user_id,
        page_url_of=lambda meeting: request.build_absolute_uri(
            meeting_path(organization.slug, meeting.pk)
        ),
    )
    response = calendar_response(body, filename="meetings.ics", attachment=False)
    # The address is a secret: search engines that ever meet it leave it out.
    response["X-Robots-Tag"] = "noindex"
    return response
