"""A cohort ready for matching, built through the services like a program manager would."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from matching.synthetic import profile_answers
from organizations.models import Membership, Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import Cohort, CohortStatus, Enrolment, EnrolmentRole
from tests.conftest import _add_member
from tests.factories import make_user


@dataclass
class MatchingWorld:
    world: object
    cohort: Cohort
    mentors: dict[str, Enrolment] = field(default_factory=dict)
    mentees: dict[str, Enrolment] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)

    @property
    def manager(self) -> Membership:
        return self.world.membership(self.world.alpha, self.world.alpha_manager)

    def refresh(self, enrolment: Enrolment) -> Enrolment:
        with organization_scope(self.cohort.organization):
            return Enrolment.objects.get(pk=enrolment.pk)


def enrol_person(mw: MatchingWorld, handle: str, role: str, answers: dict, *,
                 capacity: int | None = None, department: str = "") -> Enrolment:  # fmt: skip
    world = mw.world
    user = make_user(f"{handle}@alphacanary.example", f"{handle.title()} Alphacanary")
    member = _add_member(world.alpha, world.alpha_owner_membership, user, Role.MEMBER)
    enrolment = program_services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership,
        cohort=mw.cohort,
        member=member,
        role=role,
        mentor_capacity=capacity,
        department=department,
    )
    enrolment = program_services.enrolment_save_profile(
        user=user, enrolment=enrolment, answers=answers
    )
    mw.members[handle] = member
    (mw.mentors if role == EnrolmentRole.MENTOR else mw.mentees)[handle] = enrolment
    return enrolment


def random_answers(rng: random.Random, role: str) -> dict:
    answers, timezone = profile_answers(rng, role)
    answers["timezone"] = timezone
    # The profile form stores availability in its three-hour blocks.
    answers["availability"] = [[day, start // 180 * 180, start // 180 * 180 + 180]
                               for day, start, _ in answers["availability"]]  # fmt: skip
    answers["personality"] = answers.get("personality", {}).get("ratings")
    answers["department"] = answers["department"][:60]
    return {k: v for k, v in answers.items() if v is not None}


def open_for_matching(mw: MatchingWorld) -> None:
    owner = mw.world.alpha_owner_membership
    for status in (CohortStatus.ENROLLING, CohortStatus.MATCHING):
        mw.cohort = program_services.cohort_transition(
            actor_membership=owner, cohort=mw.cohort, to_status=status, force=True
        )


@pytest.fixture
def matching_world(world) -> MatchingWorld:
    """Alpha's cohort in matching, with 3 mentors (2 places each) and 5 mentees, random but
    fixed profiles."""
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    program_services.cohort_transition(
        actor_membership=world.alpha_owner_membership,
        cohort=mw.cohort,
        to_status=CohortStatus.ENROLLING,
        force=True,
    )
    rng = random.Random(11)
    for number in range(3):
        enrol_person(mw, f"mentor{number}", EnrolmentRole.MENTOR, random_answers(rng, "mentor"),
                     capacity=2, department=f"Team {number}")  # fmt: skip
    for number in range(5):
        enrol_person(mw, f"mentee{number}", EnrolmentRole.MENTEE, random_answers(rng, "mentee"),
                     department=f"Mentee team {number}")  # fmt: skip
    mw.cohort = program_services.cohort_transition(
        actor_membership=world.alpha_owner_membership,
        cohort=mw.cohort,
        to_status=CohortStatus.MATCHING,
        force=True,
    )
    return mw
