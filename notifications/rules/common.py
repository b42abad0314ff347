"""What the rules share: the people of many mentorships at once (who may still be told), the
program managers of many programs, links and times in words.

Every read here costs a fixed number of queries, whatever the number of mentorships.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.program_settings import NudgeSettings, nudge_settings_for
from notifications.timing import zone_of
from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.models import (
    Mentorship,
    MentorshipMentee,
    MentorshipStatus,
    Program,
    ProgramManager,
)

# How far back a scan looks for something it may have missed (a worker down for a while):
# the dedupe keys make looking again harmless.
LOOKBACK_DAYS = 7
MENTOR, MENTEE, MANAGER = "mentor", "mentee", "manager"


@dataclass(frozen=True)
class Person:
    """Someone a rule may tell something: `reachable` when they have an account that is
    active and still belongs to the organisation."""

    enrolment_id: int | None
    user_id: int | None
    name: str
    zone: str
    role: str
    reachable: bool


@dataclass
class Pair:
    """A mentorship with its people as they are now."""

    id: int
    program_id: int
    cohort_id: int
    status: str
    started_on: datetime.date
    ends_on: datetime.date
    program_name: str
    cohort_name: str
    mentor: Person
    mentees: list[Person] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        return [self.mentor, *self.mentees]

    @property
    def reachable(self) -> list[Person]:
        """Those who can be told, each once."""
        seen: set[int] = set()
        found = []
        for person in self.people:
            if person.reachable and person.user_id not in seen:
                seen.add(person.user_id)
                found.append(person)
        return found

    def person(self, user_id: int) -> Person | None:
        """The reachable person of the pair with this account (None if they left the pair)."""
        return next((p for p in self.reachable if p.user_id == user_id), None)

    def partners_of(self, user_id: int | None) -> str:
        """The others' names, "Ana and Ben"."""
        return names([p.name for p in self.people if p.user_id != user_id or user_id is None])

    @property
    def names(self) -> str:
        """Everyone, the mentor first: "Maria with Ana and Ben"."""
        mentees = names([p.name for p in self.mentees])
        return f"{self.mentor.name} with {mentees}" if mentees else self.mentor.name


def _member(user_field: str) -> Exists:
    # Scoped: built inside the organisation's scope, so "a member of this organisation".
    return Exists(Membership.objects.filter(user_id=OuterRef(user_field)))


def _person(enrolment_id, user_id, enrolment_name, email, user_name, zone, active, member, role):
    return Person(
        enrolment_id=enrolment_id,
        user_id=user_id,
        name=enrolment_name or user_name or email,
        zone=zone or "UTC",
        role=role,
        reachable=bool(user_id and active and member),
    )


def pairs_of(
    organization: Organization, mentorship_ids: Iterable[int] | None = None, *,
    active_only: bool = True, where: Q | None = None,
) -> dict[int, Pair]:  # fmt: skip
    """Mentorship id -> Pair, in two queries: the given mentorships (or every one matching
    `where`), active ones only unless told, with their mentor and mentees as they are now."""
    with organization_scope(organization):
        mentorships = Mentorship.objects.filter(where or Q())
        if mentorship_ids is not None:
            mentorships = mentorships.filter(pk__in=list(mentorship_ids))
        if active_only:
            mentorships = mentorships.filter(status=MentorshipStatus.ACTIVE)
        rows = list(
            mentorships.annotate(mentor_member=_member("mentor__user_id"))
            .order_by("pk")
            .values_list(
                "pk", "cohort__program_id", "cohort_id", "status", "started_on", "ends_on",
                "cohort__program__name", "cohort__name", "mentor_id", "mentor__user_id",
                "mentor__full_name", "mentor__email", "mentor__user__full_name",
                "mentor__user__timezone", "mentor__user__is_active", "mentor_member",
            )
        )  # fmt: skip
        pairs = {
            row[0]: Pair(
                id=row[0],
                program_id=row[1],
                cohort_id=row[2],
                status=row[3],
                started_on=row[4],
                ends_on=row[5],
                program_name=row[6],
                cohort_name=row[7],
                mentor=_person(*row[8:], MENTOR),
            )
            for row in rows
        }
        if not pairs:
            return {}
        members = (
            MentorshipMentee.objects.filter(mentorship_id__in=list(pairs))
            .annotate(mentee_member=_member("mentee__user_id"))
            .order_by("mentorship_id", "pk")
            .values_list(
                "mentorship_id", "mentee_id", "mentee__user_id", "mentee__full_name",
                "mentee__email", "mentee__user__full_name", "mentee__user__timezone",
                "mentee__user__is_active", "mentee_member",
            )
        )  # fmt: skip
        for row in members:
            pairs[row[0]].mentees.append(_person(*row[1:], MENTEE))
    return pairs


def program_settings(organization: Organization) -> dict[int, NudgeSettings]:
    """Every program's nudge settings (two small queries): a scan reads them first, to leave
    out in SQL the programs that switched its kind off and to bound its windows."""
    with organization_scope(organization):
        ids = list(Program.objects.values_list("pk", flat=True))
    return nudge_settings_for(organization, ids)


def running(settings: dict[int, NudgeSettings], *kinds: str) -> list[int]:
    """The programs that run any of these kinds."""
    return sorted(pk for pk, found in settings.items() if any(found.runs(k) for k in kinds))


def managers_of_programs(
    organization: Organization, program_ids: Iterable[int]
) -> dict[int, list[Person]]:
    """Program id -> who hears about its pairs, in two queries: its program managers (those who
    still have the role, as programs.selectors.program_managers_of reads them); for a program
    without any, the organisation's owners and admins."""
    ids = set(program_ids)
    if not ids:
        return {}
    found: dict[int, list[Person]] = defaultdict(list)
    with organization_scope(organization):
        still_managers = Membership.objects.filter(role=Role.PROGRAM_MANAGER).values("user_id")
        for program_id, user_id, name, email, zone in (
            ProgramManager.objects.filter(
                program_id__in=ids, user_id__in=still_managers, user__is_active=True
            )
            .order_by("user__full_name", "user_id")
            .values_list(
                "program_id", "user_id", "user__full_name", "user__email", "user__timezone"
            )
        ):
            found[program_id].append(Person(None, user_id, name or email, zone, MANAGER, True))
        if any(pk not in found for pk in ids):
            admins = [
                Person(None, user_id, name or email, zone, MANAGER, True)
                for user_id, name, email, zone in User.objects.filter(
                    pk__in=Membership.objects.filter(role__in=[Role.OWNER, Role.ADMIN]).values(
                        "user_id"
                    ),
                    is_active=True,
                )
                .order_by("full_name", "pk")
                .values_list("pk", "full_name", "email", "timezone")
            ]
            for pk in ids:
                found.setdefault(pk, admins)
    return dict(found)


# Words ------------------------------------------------------------------------------------------


def names(items: Iterable[str]) -> str:
    """The names in words: "Ana", "Ana and Ben", "Ana, Ben and Carl"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def zone_label(zone_name: str) -> str:
    """A zone in words: "London time", "New York time", "UTC"."""
    zone, known = zone_of(zone_name)
    if not known or zone.key in ("UTC", "Etc/UTC"):
        return "UTC"
    return zone.key.split("/")[-1].replace("_", " ") + " time"


def day_label(day: datetime.date) -> str:
    """A day in words: "Friday 14 March"."""
    return f"{day:%A} {day.day} {day:%B}"


def when_label(moment: datetime.datetime, zone_name: str, now: datetime.datetime) -> str:
    """The moment on the reader's clock: "today at 14:00 London time", "tomorrow at 09:30
    Tokyo time", "Friday 14 March at 18:00 UTC"."""
    zone, _ = zone_of(zone_name)
    local = moment.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        day = "today"
    elif local.date() == today + datetime.timedelta(days=1):
        day = "tomorrow"
    else:
        day = day_label(local.date())
    return f"{day} at {local:%H:%M} {zone_label(zone_name)}"


def link(name: str, organization: Organization, **kwargs) -> str:
    """The site-relative path of a page of the organisation (the email adds the site)."""
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def links(name: str, organization: Organization, key: str) -> Callable[[int], str]:
    """link() for many objects of one page: reversed once (a batch's reverses add up), then
    filled in with each object's id."""
    marker = 987654321987
    before, after = link(name, organization, **{key: marker}).split(str(marker), 1)
    return lambda value: f"{before}{int(value)}{after}"


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    """The date of a moment as the platform's dates (milestones, check-ins) count days."""
    return timezone.localdate(moment) if moment is not None else None
