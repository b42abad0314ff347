"""A webinar or event of the library as an iCalendar file (RFC 5545) to add to a calendar.

It is published, not an invitation: the platform does not track who goes. Its UID never
changes and SEQUENCE grows with each change, so re-importing after a new time replaces the
event instead of adding a second one. Times are written in UTC.
"""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event

from resources.models import Resource

PRODID = "-//Mentorship platform//Library//EN"


def resource_uid(resource: Resource) -> str:
    return f"resource-{resource.organization_id}-{resource.pk}@mentorship"


def resource_calendar(resource: Resource, *, page_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", resource_uid(resource))
    # Seconds since it was added at its last change: grows with every change.
    event.add("sequence", int((resource.updated_at - resource.created_at).total_seconds()))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", resource.starts_at)
    event.add("dtend", resource.ends_at)
    event.add("summary", resource.title)
    parts = [resource.description.strip()] if resource.description.strip() else []
    parts += [f"Join: {resource.url}", f"In the library: {page_url}"]
    event.add("description", "\n\n".join(parts))
    event.add("location", resource.url)
    event.add("url", resource.url)
    calendar.add_component(event)
    return calendar.to_ical()
