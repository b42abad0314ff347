"""Reads of meetings: always within the organisation, and for a reader who may see them.

The people of a mentorship and the managers of its program reach its meetings (404 for anyone
else, as for a meeting that does not exist). Managers see that meetings exist, when, their status
and attendance; the title, agenda, video link, notes and outcome are the pair's. A private note
is read by its author alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from meetings.availability import WeeklyAvailability
from meetings.models import (
    DEFAULT_VIDEO_LINK_TEMPLATE,
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingPrivateNote,
    MeetingSettings,
    MeetingSlot,
    MeetingStatus,
    hash_feed_token,
)
from meetings.times import Person
from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipMentee, ProfileAnswer, QuestionKind
from programs.selectors import get_mentorship_for

# A feed holds the meetings of the last three months and everything ahead, up to this many.
FEED_PAST = timedelta(days=90)
FEED_MAX_EVENTS = 500
UPCOMING_LIMIT = 20


def people_of(mentorship: Mentorship) -> list[Person]:
    """The mentor, then the mentees, with their time zones (mentor__user and
    members__mentee__user loaded, as get_mentorship_for does)."""
    enrolments = [mentorship.mentor, *(member.mentee for member in mentorship.members.all())]
    return [
        Person(
            user_id=e.user_id,
            name=e.full_name or e.email,
            email=e.email,
            role=e.role,
            timezone=e.user.timezone if e.user else "UTC",
        )
        for e in enrolments
    ]


def in_pair(mentorship: Mentorship, user_id: int) -> bool:
    """Whether the user is the mentor or a mentee of the mentorship (its people loaded)."""
    return any(p.user_id == user_id for p in people_of(mentorship))


def _with_slots(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.prefetch_related(
        Prefetch("slots", queryset=MeetingSlot.objects.order_by("starts_at", "pk"))
    )


def get_meeting_for(membership: Membership, meeting_id: int) -> Meeting:
    """A meeting of a mentorship the member is in, or of a program they run, with its
    mentorship's people and its slots; 404 otherwise."""
    with organization_scope(membership.organization):
        meeting = (
            _with_slots(Meeting.objects.filter(pk=meeting_id)).first()
            if str(meeting_id).isdigit()
            else None
        )
    if meeting is None:
        raise Http404("No such meeting.")
    try:
        meeting.mentorship = get_mentorship_for(membership, meeting.mentorship_id)
    except Http404:
        raise Http404("No such meeting.") from None
    meeting.organization = membership.organization
    return meeting


def meetings_for_mentorship(membership: Membership, mentorship: Mentorship) -> list[Meeting]:
    """Every meeting of a mentorship the reader reached through get_mentorship_for, newest
    first, with their slots: two queries, however many meetings."""
    with organization_scope(membership.organization):
        meetings = list(_with_slots(Meeting.objects.filter(mentorship=mentorship)))
    for meeting in meetings:
        meeting.mentorship = mentorship
    return meetings


def _not_over(now: datetime) -> Q:
    return Q(status=MeetingStatus.SCHEDULED, ends_at__gt=now)


def next_meeting_for(membership: Membership, mentorship: Mentorship) -> Meeting | None:
    """The mentorship's next scheduled meeting that is not over yet (one under way counts);
    None when there is none. One query."""
    with organization_scope(membership.organization):
        return (
            Meeting.objects.filter(_not_over(timezone.now()), mentorship=mentorship)
            .order_by("starts_at", "pk")
            .first()
        )


def last_held_at_by_mentorship(
    organization: Organization, mentorship_ids: Iterable[int]
) -> dict[int, datetime]:
    """Mentorship id -> when its latest meeting that took place started, in one query.

    A meeting took place when someone marked it held, or when it was scheduled and is over with
    no attendance recorded yet (people often do not record it). Meetings marked as missed by
    anyone, cancelled or declined do not count. Mentorships with none are left out.
    """
    now = timezone.now()
    with organization_scope(organization):
        rows = (
            Meeting.objects.filter(mentorship_id__in=list(mentorship_ids))
            .filter(
                Q(status=MeetingStatus.SCHEDULED, attendance=Attendance.HELD)
                | Q(status=MeetingStatus.SCHEDULED, attendance="", ends_at__lte=now)
            )
            .order_by()
            .values_list("mentorship_id")
            .annotate(latest=Max("starts_at"))
        )
        return dict(rows)


def next_scheduled_by_mentorship(
    organization: Organization, mentorship_ids: Iterable[int]
) -> dict[int, Meeting]:
    """Mentorship id -> its next scheduled meeting not over yet, in one query. Mentorships
    with none are left out. The meetings carry the pair's title: show people outside the pair
    only their time and status."""
    now = timezone.now()
    with organization_scope(organization):
        first = (
            Meeting.objects.filter(_not_over(now), mentorship_id=OuterRef("mentorship_id"))
            .order_by("starts_at", "pk")
            .values("pk")[:1]
        )
        meetings = Meeting.objects.filter(
            _not_over(now),
            mentorship_id__in=list(mentorship_ids),
            pk=Subquery(first),
        )
        return {meeting.mentorship_id: meeting for meeting in meetings}


def _member_mentorships(user_id: int) -> QuerySet[Mentorship]:
    """The mentorships the user is in. Unevaluated; build it inside the organisation's scope."""
    as_mentee = MentorshipMentee.objects.filter(mentee__user_id=user_id).values("mentorship_id")
    return Mentorship.objects.filter(Q(mentor__user_id=user_id) | Q(pk__in=as_mentee))


def _with_people(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each meeting's mentorship with everyone in it, in two more queries. Build it inside the
    organisation's scope."""
    return meetings.select_related("mentorship__mentor__user").prefetch_related(
        Prefetch(
            "mentorship__members",
            queryset=MentorshipMentee.objects.select_related("mentee__user"),
        )
    )


def upcoming_meetings_of_member(membership: Membership) -> list[Meeting]:
    """The member's meetings still to come, in any of their mentorships, soonest first: the
    scheduled ones not over yet, and those whose proposed times wait for an answer (theirs or
    the other side's). A fixed number of queries."""
    now = timezone.now()
    with organization_scope(membership.organization):
        meetings = _with_people(
            _with_slots(
                Meeting.objects.filter(
                    _not_over(now) | Q(status=MeetingStatus.PROPOSED),
                    mentorship__in=_member_mentorships(membership.user_id),
                )
            )
        )
        # Those waiting for an answer (no time agreed yet) first: they need someone to act.
        found = list(
            meetings.order_by(F("starts_at").asc(nulls_first=True), "created_at", "pk")[
                :UPCOMING_LIMIT
            ]
        )
    return sorted(found, key=when_of)


def when_of(meeting: Meeting) -> datetime:
    """When a meeting is, to put meetings in order: the time agreed, else the first time
    proposed (slots prefetched)."""
    slots = list(meeting.slots.all())
    return meeting.starts_at or (slots[0].starts_at if slots else meeting.created_at)


def availability_of(
    organization: Organization, mentorship: Mentorship
) -> dict[int, WeeklyAvailability]:
    """User id -> weekly availability, for the people of the mentorship who gave one, in one
    query. The windows are read in the time zone their profile names, or their account's when
    it names none: as the matching engine reads them (matching.services.pool)."""
    people = [mentorship.mentor, *(member.mentee for member in mentorship.members.all())]
    by_enrolment = {e.pk: e for e in people}
    windows: dict[int, list] = {}
    zones: dict[int, str] = {}
    with organization_scope(organization):
        answers = ProfileAnswer.objects.filter(
            enrolment_id__in=list(by_enrolment),
            question_kind__in=[QuestionKind.AVAILABILITY, QuestionKind.TIMEZONE],
        ).order_by("question_key")
        for enrolment_id, kind, value in answers.values_list(
            "enrolment_id", "question_kind", "value"
        ):
            if kind == QuestionKind.AVAILABILITY and isinstance(value, list):
                windows.setdefault(enrolment_id, []).extend(value)
            elif kind == QuestionKind.TIMEZONE and isinstance(value, str) and value:
                zones.setdefault(enrolment_id, value)
    found = {}
    for enrolment_id, given in windows.items():
        enrolment = by_enrolment[enrolment_id]
        if enrolment.user_id is None or not given:
            continue
        zone = zones.get(enrolment_id) or (enrolment.user.timezone if enrolment.user else "UTC")
        found[enrolment.user_id] = WeeklyAvailability(zone=zone, windows=given)
    return found


def private_note_of(membership: Membership, meeting: Meeting) -> MeetingPrivateNote | None:
    """The member's own note on the meeting: the only private note anyone reads."""
    with organization_scope(membership.organization):
        return MeetingPrivateNote.objects.filter(
            meeting=meeting, user_id=membership.user_id
        ).first()


def video_link_template_for(organization: Organization) -> str:
    """The organisation's video link template; empty when it turned generated links off."""
    with organization_scope(organization):
        settings = MeetingSettings.objects.first()
    return DEFAULT_VIDEO_LINK_TEMPLATE if settings is None else settings.video_link_template


def active_calendar_feed(membership: Membership) -> CalendarFeed | None:
    with organization_scope(membership.organization):
        return CalendarFeed.objects.filter(
            user_id=membership.user_id, revoked_at__isnull=True
        ).first()


def get_feed_by_token(organization: Organization, token: str) -> CalendarFeed:
    """The active feed the token opens, of someone still in the organisation; 404 for a wrong,
    revoked or foreign token, all alike. Only the token's hash is compared, so the lookup
    learns nothing of a stored token from timing."""
    with organization_scope(organization):
        feed = (
            CalendarFeed.objects.filter(
                token_hash=hash_feed_token(token),
                revoked_at__isnull=True,
                user__is_active=True,
                user_id__in=Membership.objects.values("user_id"),
            )
            .select_related("user")
            .first()
        )
    if feed is None:
        raise Http404("No such calendar.")
    feed.organization = organization
    return feed


def feed_meetings(feed: CalendarFeed) -> list[Meeting]:
    """The feed owner's meetings that have a time, from three months back, soonest first, at
    most FEED_MAX_EVENTS, with everyone in them: three queries, however many meetings."""
    since = timezone.now() - FEED_PAST
    with organization_scope(feed.organization):
        return list(
            _with_people(
                Meeting.objects.filter(
                    mentorship__in=_member_mentorships(feed.user_id),
                    starts_at__gte=since,
                )
            ).order_by("starts_at", "pk")[:FEED_MAX_EVENTS]
        )
