"""A mentorship's meetings, one meeting's page, and what the pair does there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from meetings import selectors, services
from meetings.availability import WeeklyAvailability, common_free_time, zone_named
from meetings.calendars import calendar_response, meeting_calendar
from meetings.forms import (
    LOCAL_INPUT_FORMAT,
    AttendanceForm,
    PrivateNoteForm,
    ProposeForm,
    SharedNotesForm,
    SlotsForm,
)
from meetings.models import Meeting, MeetingStatus
from meetings.presentation import MeetingView, present, reader_zone
from meetings.times import Person, times_for
from meetings.views.common import meeting_url
from mentorship.forms import apply_validation_error
from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors as program_selectors

SUGGESTIONS_SHOWN = 8


def _next_quarter_hour(moment: datetime) -> datetime:
    """Suggestions start on a quarter hour, never in the minute already under way."""
    moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment + timedelta(minutes=-moment.minute % 15)


def _suggestions(
    membership: Membership,
    people: list[Person],
    availability: dict[int, WeeklyAvailability],
    scheduled: list[Meeting],
    now: datetime,
) -> dict:
    """When everyone in the mentorship is usually free in the next two weeks and has no meeting
    of theirs planned, in the reader's zone (with the local start for the form), or who has not
    said when they are free."""
    missing = [p.first_name for p in people if p.user_id not in availability]
    if missing:
        return {"missing": missing, "windows": []}
    zone = zone_named(reader_zone(membership))
    others = [p for p in people if p.user_id != membership.user_id]
    windows = common_free_time(
        list(availability.values()),
        _next_quarter_hour(now),
        busy=[(m.starts_at, m.ends_at) for m in scheduled],
    )
    return {
        "missing": [],
        "windows": [
            {
                "times": times_for(
                    start, end, reader_zone=reader_zone(membership), others=others, now=now
                ),
                "local_start": start.astimezone(zone).strftime(LOCAL_INPUT_FORMAT),
            }
            for start, end in windows[:SUGGESTIONS_SHOWN]
        ],
    }


def _groups(views: list[MeetingView], now: datetime) -> dict[str, list[MeetingView]]:
    def when(view: MeetingView) -> datetime:
        return selectors.when_of(view.meeting)

    proposed = [v for v in views if v.meeting.status == MeetingStatus.PROPOSED]
    scheduled = [v for v in views if v.meeting.status == MeetingStatus.SCHEDULED]
    return {
        "waiting_for_you": sorted((v for v in proposed if v.awaiting_reader), key=when),
        "proposed": sorted((v for v in proposed if not v.awaiting_reader), key=when),
        "upcoming": sorted((v for v in scheduled if v.meeting.ends_at > now), key=when),
        "past": sorted((v for v in scheduled if v.meeting.ends_at <= now), key=when, reverse=True),
        "closed": [v for v in views if v.is_closed],
    }


@organization_view()
def mentorship_meetings(
    request: HttpRequest, mentorship_id: int, *, membership: Membership
) -> HttpResponse:
    """A mentorship's meetings, grouped: waiting for the reader's answer, coming up, proposed,
    past (with attendance) and called off. The pair also gets the form to propose one, with the
    times everyone is usually free; POST proposes it. The program's managers see when meetings
    are, their status and attendance, nothing of what they are about."""
    mentorship = program_selectors.get_mentorship_for(membership, mentorship_id)
    in_pair = selectors.in_pair(mentorship, membership.user_id)
    if request.method == "POST" and not in_pair:
        raise PermissionDenied("Only the mentor and mentee of this mentorship propose meetings.")
    form = None
    if in_pair:
        can_generate = bool(selectors.video_link_template_for(membership.organization))
        # Times are typed in the reader's zone; validating inside it makes them aware.
        with timezone.override(zone_named(reader_zone(membership))):
            form = ProposeForm(request.POST or None, can_generate=can_generate)
            if request.method == "POST" and form.is_valid():
                try:
                    meeting = services.meeting_propose(
                        actor=membership,
                        mentorship=mentorship,
                        title=form.cleaned_data["title"],
                        agenda=form.cleaned_data["agenda"],
                        slots=form.slots(),
                        video_link=form.video_link_value(),
                        generate_video_link=form.generate(),
                    )
                except ValidationError as error:
                    apply_validation_error(form, error)
                else:
                    messages.success(
                        request, "Meeting proposed: the other side is asked to choose a time."
                    )
                    return redirect(meeting_url(membership, meeting))
    now = timezone.now()
    people = selectors.people_of(mentorship)
    availability = selectors.availability_of(membership.organization, mentorship)
    meetings = selectors.meetings_for_mentorship(membership, mentorship)
    views = [
        present(m, membership=membership, people=people, availability=availability, now=now)
        for m in meetings
    ]
    scheduled = [m for m in meetings if m.status == MeetingStatus.SCHEDULED]
    return render(
        request,
        "meetings/mentorship_meetings.html",
        {
            "membership": membership,
            "mentorship": mentorship,
            "people": people,
            "in_pair": in_pair,
            "groups": _groups(views, now),
            "form": form,
            "suggestions": _suggestions(membership, people, availability, scheduled, now)
            if in_pair
            else None,
            "zone": reader_zone(membership),
        },
        status=400 if form is not None and form.errors else 200,
    )


@organization_view()
def meeting_detail(
    request: HttpRequest, meeting_id: int, *, membership: Membership
) -> HttpResponse:
    return _page(request, membership, selectors.get_meeting_for(membership, meeting_id))


def _page(
    request: HttpRequest,
    membership: Membership,
    meeting: Meeting,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The meeting's page, with a form sent back (`bound`, by name) showing its errors."""
    mentorship = meeting.mentorship
    people = selectors.people_of(mentorship)
    view = present(
        meeting,
        membership=membership,
        people=people,
        availability=selectors.availability_of(membership.organization, mentorship),
        now=timezone.now(),
    )
    context = {
        "membership": membership,
        "mentorship": mentorship,
        "view": view,
        "meeting": meeting,
        "people": people,
        "zone": reader_zone(membership),
    }
    if view.in_pair:
        note = selectors.private_note_of(membership, meeting)
        context |= {
            "reschedule_form": SlotsForm(),
            "notes_form": SharedNotesForm(initial={"shared_notes": meeting.shared_notes}),
            "note_form": PrivateNoteForm(initial={"body": note.body if note else ""}),
            "attendance_form": AttendanceForm(
                initial={"attendance": meeting.attendance, "outcome": meeting.outcome}
            ),
            **(bound or {}),
        }
    return render(request, "meetings/meeting.html", context, status=status)


def _act(
    request: HttpRequest,
    membership: Membership,
    meeting_id: int,
    action: Callable[[Meeting], object],
    success: str,
) -> HttpResponse:
    meeting = selectors.get_meeting_for(membership, meeting_id)
    try:
        action(meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(meeting_url(membership, meeting))


def _submit(
    request: HttpRequest,
    membership: Membership,
    meeting_id: int,
    *,
    name: str,
    form: forms.Form,
    save: Callable[[Meeting, dict], object],
    success: str,
) -> HttpResponse:
    """A form of the meeting's page: saved and back to the page, or the page again showing the
    form's errors (400)."""
    meeting = selectors.get_meeting_for(membership, meeting_id)
    if form.is_valid():
        try:
            save(meeting, form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(meeting_url(membership, meeting))
        else:
            messages.success(request, success)
            return redirect(meeting_url(membership, meeting))
    return _page(request, membership, meeting, bound={name: form}, status=400)


@organization_view()
@require_POST
def meeting_accept(
    request: HttpRequest, meeting_id: int, *, membership: Membership
) -> HttpResponse:
    slot_id = request.POST.get("slot", "")
    return _act(
        request, membership, meeting_id,
        lambda m: services.meeting_accept(actor=membership, meeting=m, slot_id=slot_id),
        "Accepted: the meeting is scheduled. Add it to your calendar below.",
    )  # fmt: skip


@organization_view()
@require_POST
def meeting_decline(
    request: HttpRequest, meeting_id: int, *, membership: Membership
) -> HttpResponse:
    return _act(
        request, membership, meeting_id,
        lambda m: services.meeting_decline(actor=membership, meeting=m),
        "Declined: the meeting will not take place.",
    )  # fmt: skip


@organization_view()
@require_POST
def meeting_cancel(
    request: HttpRequest, meeting_id: int, *, membership: Membership
) -> HttpResponse:
    return _act(
        request, membership, meeting_id,
        lambda m: services.meeting_cancel(actor=membership, meeting=m),
        "The meeting is cancelled.",
    )  # fmt: skip


@organization_view()
@require_POST
def meeting_reschedule(
    request: HttpRequest, meeting_id: int, *, membership: Membership
) -> HttpResponse:
    with timezone.override(zone_named(reader_zone(membership))):
        form = SlotsForm(request.POST)
        return _submit(
            request, membership, meeting_id, name="reschedule_form", form=form,
            save=lambda m, _: services.meeting_reschedule(
                actor=membership, meeting=m, slots=form.slots()
            ),
            success="New times proposed: the other side is asked to choose one.",
        )  # fmt: skip


@organization_view()
@require_POST
def meeting_notes(request: HttpRequest, meeting_id: int, *, membership: Membership) -> HttpResponse:
    return _submit(
        request, membership, meeting_id, name="notes_form", form=SharedNotesForm(request.POST),
        save=lambda m, data: services.meeting_notes_update(
            actor=membership, meeting=m, shared_notes=data["shared_notes"]
        ),
        success="Shared notes saved.",
    )  # fmt: skip


@organization_view()
@require_POST
def private_note(request: HttpRequest, meeting_id: int, *, membership: Membership) -> HttpResponse:
    return _submit(
        request, membership, meeting_id, name="note_form", form=PrivateNoteForm(request.POST),
        save=lambda m, data: services.private_note_save(
            actor=membership, meeting=m, body=data["body"]
        ),
        success="Your private note is saved. Only you can read it.",
    )  # fmt: skip


@organization_view()
@require_POST
def meeting_attendance(
    request: HttpRequest, meeting_id: int, *, membership: Membership
) -> HttpResponse:
    return _submit(
        request, membership, meeting_id, name="attendance_form", form=AttendanceForm(request.POST),
        save=lambda m, data: services.meeting_attendance_record(
            actor=membership, meeting=m, attendance=data["attendance"], outcome=data["outcome"]
        ),
        success="Thank you: how the meeting went is recorded.",
    )  # fmt: skip


@organization_view()
def meeting_ics(request: HttpRequest, meeting_id: int, *, membership: Membership) -> HttpResponse:
    """The meeting as a calendar file to import (the pair only; it holds their title and
    agenda). A meeting with no time agreed yet has none."""
    meeting = selectors.get_meeting_for(membership, meeting_id)
    if not selectors.in_pair(meeting.mentorship, membership.user_id):
        raise PermissionDenied("The calendar file is for the people of the mentorship.")
    if meeting.starts_at is None:
        messages.error(request, "This meeting has no time agreed yet, so no calendar file.")
        return redirect(meeting_url(membership, meeting))
    return calendar_response(
        meeting_calendar(
            meeting,
            people=selectors.people_of(meeting.mentorship),
            reader_id=membership.user_id,
            page_url=request.build_absolute_uri(meeting_url(membership, meeting)),
            now=timezone.now(),
        ),
        filename=f"meeting-{meeting.pk}.ics",
    )
