"""Meetings API: a mentorship's meetings, each meeting's life and notes, its calendar file, the
reader's calendar address and the organisation's meeting settings.

The people of a mentorship and the managers of its program reach its meetings (404 for anyone
else, whatever the method); only the pair acts on them or reads what they wrote (403 for the
managers, who know the meeting exists).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from meetings import selectors, services
from meetings.api.serializers import (
    AcceptSerializer,
    AttendanceSerializer,
    CalendarFeedSerializer,
    FreeTimesSerializer,
    MeetingProposeSerializer,
    MeetingSerializer,
    MeetingSettingsSerializer,
    NewCalendarFeedSerializer,
    PrivateNoteSerializer,
    SharedNotesSerializer,
    SlotsSerializer,
)
from meetings.availability import common_free_time
from meetings.calendars import calendar_response, meeting_calendar
from meetings.models import Meeting, MeetingStatus
from meetings.presentation import present, present_all
from meetings.views.common import feed_path, meeting_url
from organizations.api.base import OrganizationScopedMixin
from organizations.api.permissions import ReadOnlyOrManageMembers
from organizations.models import Membership
from programs.api.views.base import MentorshipScopedMixin

PAIR_ONLY = "Only the mentor and mentee of this mentorship can do this."


def _slots(data: list[dict]) -> list[services.Slot]:
    return [services.Slot(item["starts_at"], item["ends_at"]) for item in data]


def meeting_detail(membership: Membership, meeting_id: int) -> dict:
    """The meeting as the member sees it now (read again: a service may just have changed it)."""
    meeting = selectors.get_meeting_for(membership, meeting_id)
    view = present(
        meeting,
        membership=membership,
        people=selectors.people_of(meeting.mentorship),
        availability=selectors.availability_of(membership.organization, meeting.mentorship),
        now=timezone.now(),
    )
    return MeetingSerializer(view).data


class MentorshipMeetingListView(MentorshipScopedMixin, generics.ListAPIView):
    """GET: the mentorship's meetings, newest first (its people and its program's managers).
    POST: propose a meeting (the pair only) with one to five times to choose from; the other
    side accepts one. All or nothing: an invalid time, title or link stores nothing, and the
    answer names every problem. An ended mentorship takes no new meetings."""

    serializer_class = MeetingSerializer

    def get_queryset(self):
        return present_all(
            selectors.meetings_for_mentorship(self.membership, self.mentorship),
            membership=self.membership,
            mentorship=self.mentorship,
            now=timezone.now(),
        )

    @extend_schema(request=MeetingProposeSerializer, responses={201: MeetingSerializer})
    def post(self, request, org_slug: str, mentorship_id: int):
        self.require_in_pair()
        incoming = MeetingProposeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        meeting = services.meeting_propose(
            actor=self.membership,
            mentorship=self.mentorship,
            title=data["title"],
            agenda=data["agenda"],
            slots=_slots(data["slots"]),
            video_link=data["video_link"],
            generate_video_link=data["generate_video_link"],
        )
        return Response(meeting_detail(self.membership, meeting.pk), status=status.HTTP_201_CREATED)


class MentorshipFreeTimesView(MentorshipScopedMixin, generics.GenericAPIView):
    """When everyone in the mentorship is usually free in the next two weeks (the pair only),
    from the weekly availability on their profiles, each read in its own time zone, less the
    meetings they already have scheduled."""

    serializer_class = FreeTimesSerializer

    def get(self, request, org_slug: str, mentorship_id: int):
        self.require_in_pair()
        availability = selectors.availability_of(self.membership.organization, self.mentorship)
        missing = [
            p.name for p in selectors.people_of(self.mentorship) if p.user_id not in availability
        ]
        scheduled = [
            (m.starts_at, m.ends_at)
            for m in selectors.meetings_for_mentorship(self.membership, self.mentorship)
            if m.status == MeetingStatus.SCHEDULED
        ]
        windows = (
            []
            if missing
            else common_free_time(list(availability.values()), timezone.now(), busy=scheduled)
        )
        return Response(
            FreeTimesSerializer(
                {
                    "free_times": [{"starts_at": s, "ends_at": e} for s, e in windows],
                    "missing_availability": missing,
                }
            ).data
        )


class MeetingScopedMixin(OrganizationScopedMixin):
    """For routes under .../meetings/<meeting_id>/: a meeting of a mentorship you are in or whose
    program you run, or 404 whatever the method."""

    meeting: Meeting

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.meeting = selectors.get_meeting_for(self.membership, kwargs["meeting_id"])

    def require_in_pair(self) -> None:
        if not selectors.in_pair(self.meeting.mentorship, self.membership.user_id):
            raise exceptions.PermissionDenied(PAIR_ONLY)

    def answer(self) -> Response:
        return Response(meeting_detail(self.membership, self.meeting.pk))


class PairOnlyMeetingMixin(MeetingScopedMixin):
    """Routes that act on the meeting or read what the pair wrote: 403 for its managers."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_in_pair()


class MeetingDetailView(MeetingScopedMixin, generics.GenericAPIView):
    """One meeting as you see it, with what you can do now. The program's managers read when
    it is, its status and attendance; its title, agenda, link, notes and outcome are null."""

    serializer_class = MeetingSerializer

    def get(self, request, org_slug: str, meeting_id: int):
        return self.answer()


class MeetingAcceptView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """Accept one of the proposed times (someone other than who proposed them): the meeting is
    scheduled. A time that has passed is refused."""

    serializer_class = AcceptSerializer

    @extend_schema(request=AcceptSerializer, responses=MeetingSerializer)
    def post(self, request, org_slug: str, meeting_id: int):
        incoming = AcceptSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.meeting_accept(
            actor=self.membership, meeting=self.meeting, slot_id=incoming.validated_data["slot"]
        )
        return self.answer()


class MeetingDeclineView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """None of the proposed times works (someone other than who proposed them): the meeting
    will not take place; one that had a time is cancelled in calendars."""

    serializer_class = MeetingSerializer

    @extend_schema(request=None, responses=MeetingSerializer)
    def post(self, request, org_slug: str, meeting_id: int):
        services.meeting_decline(actor=self.membership, meeting=self.meeting)
        return self.answer()


class MeetingRescheduleView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """Propose new times for a meeting that has not started (or answer a proposal with times of
    your own): it is proposed again, by you, and keeps its calendar UID; SEQUENCE goes up."""

    serializer_class = SlotsSerializer

    @extend_schema(request=SlotsSerializer, responses=MeetingSerializer)
    def post(self, request, org_slug: str, meeting_id: int):
        incoming = SlotsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.meeting_reschedule(
            actor=self.membership,
            meeting=self.meeting,
            slots=_slots(incoming.validated_data["slots"]),
        )
        return self.answer()


class MeetingCancelView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """Call off a meeting that has not started: the calendars that hold it are told."""

    serializer_class = MeetingSerializer

    @extend_schema(request=None, responses=MeetingSerializer)
    def post(self, request, org_slug: str, meeting_id: int):
        services.meeting_cancel(actor=self.membership, meeting=self.meeting)
        return self.answer()


class MeetingNotesView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """The pair's shared notes: GET reads them, PATCH replaces them (the pair only)."""

    serializer_class = SharedNotesSerializer

    def get(self, request, org_slug: str, meeting_id: int):
        return Response(SharedNotesSerializer(self.meeting).data)

    @extend_schema(request=SharedNotesSerializer, responses=SharedNotesSerializer)
    def patch(self, request, org_slug: str, meeting_id: int):
        incoming = SharedNotesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        meeting = services.meeting_notes_update(
            actor=self.membership,
            meeting=self.meeting,
            shared_notes=incoming.validated_data["shared_notes"],
        )
        return Response(SharedNotesSerializer(meeting).data)


class MyPrivateNoteView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """Your own note on the meeting, which nobody else ever reads: GET reads it (empty when you
    have none), PATCH replaces it (empty deletes it)."""

    serializer_class = PrivateNoteSerializer

    def _note(self, note) -> Response:
        empty = {"body": "", "updated_at": None}
        return Response(PrivateNoteSerializer(note).data if note else empty)

    def get(self, request, org_slug: str, meeting_id: int):
        return self._note(selectors.private_note_of(self.membership, self.meeting))

    @extend_schema(request=PrivateNoteSerializer, responses=PrivateNoteSerializer)
    def patch(self, request, org_slug: str, meeting_id: int):
        incoming = PrivateNoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self._note(
            services.private_note_save(
                actor=self.membership, meeting=self.meeting, body=incoming.validated_data["body"]
            )
        )


class MeetingAttendanceView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """Once the meeting has started: whether it took place (and who did not come) and what came
    of it. Recording again replaces it."""

    serializer_class = AttendanceSerializer

    @extend_schema(request=AttendanceSerializer, responses=MeetingSerializer)
    def post(self, request, org_slug: str, meeting_id: int):
        incoming = AttendanceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.meeting_attendance_record(
            actor=self.membership,
            meeting=self.meeting,
            attendance=incoming.validated_data["attendance"],
            outcome=incoming.validated_data["outcome"],
        )
        return self.answer()


class MeetingCalendarFileView(PairOnlyMeetingMixin, generics.GenericAPIView):
    """The meeting as an iCalendar file (text/calendar) to import: METHOD:REQUEST, or CANCEL
    once it will not take place; the same UID for life, SEQUENCE raised by every change. A
    meeting with no time agreed yet has none (400)."""

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    def get(self, request, org_slug: str, meeting_id: int):
        if self.meeting.starts_at is None:
            raise exceptions.ValidationError(
                "This meeting has no time agreed yet, so no calendar file."
            )
        body = meeting_calendar(
            self.meeting,
            people=selectors.people_of(self.meeting.mentorship),
            reader_id=self.membership.user_id,
            page_url=request.build_absolute_uri(meeting_url(self.membership, self.meeting)),
            now=timezone.now(),
        )
        return calendar_response(body, filename=f"meeting-{self.meeting.pk}.ics")


class MyCalendarFeedView(OrganizationScopedMixin, generics.GenericAPIView):
    """Your calendar address in this organisation, for calendar apps to subscribe to. GET: whether
    you have one. POST: a new one, whose address is answered this once (only its hash is kept);
    the one you had stops working. DELETE: revoke it; it answers 404 from then on."""

    serializer_class = CalendarFeedSerializer

    def get(self, request, org_slug: str):
        feed = selectors.active_calendar_feed(self.membership)
        return Response(
            CalendarFeedSerializer(
                {"active": feed is not None, "created_at": feed.created_at if feed else None}
            ).data
        )

    @extend_schema(request=None, responses={201: NewCalendarFeedSerializer})
    def post(self, request, org_slug: str):
        feed, token = services.calendar_feed_create(actor=self.membership)
        url = request.build_absolute_uri(feed_path(self.membership.organization.slug, token))
        return Response(
            NewCalendarFeedSerializer(
                {
                    "url": url,
                    "webcal_url": "webcal://" + url.split("://", 1)[1],
                    "created_at": feed.created_at,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Revoked.")})
    def delete(self, request, org_slug: str):
        services.calendar_feed_revoke(actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeetingSettingsView(OrganizationScopedMixin, generics.GenericAPIView):
    """The organisation's meeting settings: every member reads them (whether links can be
    generated); owners and admins change them."""

    serializer_class = MeetingSettingsSerializer
    permission_classes = [IsAuthenticated, ReadOnlyOrManageMembers]

    def get(self, request, org_slug: str):
        template = selectors.video_link_template_for(self.membership.organization)
        return Response(MeetingSettingsSerializer({"video_link_template": template}).data)

    @extend_schema(request=MeetingSettingsSerializer, responses=MeetingSettingsSerializer)
    def patch(self, request, org_slug: str):
        incoming = MeetingSettingsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        settings = services.meeting_settings_update(
            actor=self.membership,
            video_link_template=incoming.validated_data["video_link_template"],
        )
        return Response(MeetingSettingsSerializer(settings).data)
