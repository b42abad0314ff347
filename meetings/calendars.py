"""iCalendar files (RFC 5545): one meeting to import, and a person's feed to subscribe to.

A meeting is the same event in every file: its UID never changes and SEQUENCE counts its
revisions, so a calendar app replaces what it holds with a newer version (a new time, a
cancellation) instead of adding a second event. Times are written in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.http import HttpResponse
from icalendar import Calendar, Event, vCalAddress, vDuration

from meetings.models import Meeting, MeetingStatus
from meetings.times import Person

PRODID = "-//Mentorship platform//Meetings//EN"
PRODUCT_NAME = "Mentorship"
# Calendar apps poll a subscription about this often.
FEED_REFRESH = timedelta(hours=1)

EVENT_STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    # Being rescheduled: the time last agreed may still move.
    MeetingStatus.PROPOSED: "TENTATIVE",
    MeetingStatus.DECLINED: "CANCELLED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    return calendar


def _organizer() -> vCalAddress:
    """The platform organises every meeting: both people are attendees, and neither is asked by
    their calendar app to send updates to the other."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = PRODUCT_NAME
    return organizer


def _description(meeting: Meeting, page_url: str) -> str:
    parts = [meeting.agenda.strip()] if meeting.agenda.strip() else []
    if meeting.video_link:
        parts.append(f"Video call: {meeting.video_link}")
    parts.append(f"Meeting page: {page_url}")
    return "\n\n".join(parts)


def meeting_event(
    meeting: Meeting, *, people: Sequence[Person], reader_id: int, page_url: str, stamp: datetime
) -> Event:
    """The meeting as a VEVENT, titled for the reader with the names of the others in it."""
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    others = [p.name or p.email for p in people if p.user_id != reader_id]
    event.add("summary", f"{meeting.title} · {', '.join(others)}" if others else meeting.title)
    event.add("description", _description(meeting, page_url))
    event.add("url", meeting.video_link or page_url)
    if meeting.video_link:
        event.add("location", meeting.video_link)
    event.add("status", EVENT_STATUS[meeting.status])
    event.add("organizer", _organizer())
    for person in people:
        event.add(
            "attendee",
            vCalAddress(f"mailto:{person.email}"),
            parameters={
                "cn": person.name or person.email,
                "role": "REQ-PARTICIPANT",
                "partstat": "ACCEPTED"
                if meeting.status == MeetingStatus.SCHEDULED
                else "NEEDS-ACTION",
            },
        )
    return event


def meeting_calendar(
    meeting: Meeting, *, people: Sequence[Person], reader_id: int, page_url: str, now: datetime
) -> bytes:
    """One meeting to import (it has a time): METHOD:REQUEST, or METHOD:CANCEL once it will not
    take place, which removes it from the calendar that imported it."""
    calendar = _calendar()
    closed = EVENT_STATUS[meeting.status] == "CANCELLED"
    calendar.add("method", "CANCEL" if closed else "REQUEST")
    calendar.add_component(
        meeting_event(meeting, people=people, reader_id=reader_id, page_url=page_url, stamp=now)
    )
    return calendar.to_ical()


def feed_calendar(
    meetings: Sequence[Meeting],
    *,
    name: str,
    people_of: Callable[[Meeting], Sequence[Person]],
    reader_id: int,
    page_url_of: Callable[[Meeting], str],
) -> bytes:
    """A person's meetings as a subscribed calendar: every meeting with a time, cancelled ones
    marked so. Each event is stamped with its last change."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"value": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH).to_ical().decode())
    for meeting in meetings:
        calendar.add_component(
            meeting_event(
                meeting,
                people=people_of(meeting),
                reader_id=reader_id,
                page_url=page_url_of(meeting),
                stamp=meeting.updated_at,
            )
        )
    return calendar.to_ical()


def calendar_response(body: bytes, *, filename: str, attachment: bool = True) -> HttpResponse:
    """A calendar file over HTTP: a download, or (for a feed) the calendar itself."""
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Personal data: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response
