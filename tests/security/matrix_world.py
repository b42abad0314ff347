"""The people of the authorisation matrix (tests/security/matrix.py) and the URLs they request.

Organisation Alpha runs program P1, whose cohort has a started mentorship (mentor M, mentee E)
and another participant O, and program P2. P1 has a program manager (PM1), P2 another (PM2);
Alpha also has an owner, an admin and a report viewer. Bravo's owner is the other organisation.

The objects the routes point at are built by the isolation walk's own builders
(tests/security/routes*.py: `TenantRoute.object_kwargs`), so the matrix reads exactly the URLs
the walk reads. Those builders make "Alpha's owner" the mentor and "Alpha's member" the mentee
of their mentorship, and use them as the acting staff member while they build. Here the
`World` they receive names M as `alpha_owner` and E as `alpha_member`: M holds the admin role
while the objects are built, then becomes a plain member, so M is only the mentor, and the real
owner is someone else, who takes part in nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from allauth.account.internal.flows.login import record_authentication
from django.test import Client, RequestFactory, TestCase

from accounts.models import User
from organizations import services
from organizations.models import Membership, Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import Cohort, Mentorship, Program
from programs.services import CohortSettings, ProgramSettings
from tests.conftest import CANARY, World, _add_member
from tests.factories import make_user
from tests.security.routes import TENANT_ROUTES, _run_with_unmatched
from tests.security.routes_reports_exports import _subscription

# The roles of the matrix, in its columns' order.
OWNER = "owner"
ADMIN = "admin"
PM1 = "pm_this_program"
PM2 = "pm_other_program"
REPORT_VIEWER = "report_viewer"
MENTOR = "mentor"
MENTEE = "mentee"
PARTICIPANT = "participant"
FOREIGN = "foreign_admin"
ANONYMOUS = "anonymous"
ROLES = (OWNER, ADMIN, PM1, PM2, REPORT_VIEWER, MENTOR, MENTEE, PARTICIPANT, FOREIGN, ANONYMOUS)

# Words the pair wrote, each kept where the product keeps it private (tests/security/matrix.py
# says who may read each). The walk's builders wrote the others: its goal and milestone.
AGREEMENT_WORDS = "pairsecret-agreement-scope"
MESSAGE_WORDS = "pairsecret-message-body"
PRIVATE_NOTE_WORDS = "pairsecret-private-note"
MEETING_NOTES_WORDS = "pairsecret-meeting-notes"
COMMENT_WORDS = "pairsecret-milestone-comment"
CHECK_IN_WORDS = "pairsecret-check-in-progress"
NOTE_TO_MANAGERS_WORDS = "managersecret-check-in-note"
MEETING_TITLE_WORDS = f"First conversation ({CANARY})"
MEETING_AGENDA_WORDS = f"Goals for the {CANARY} team"
GOAL_WORDS = f"Lead the {CANARY} retrospective"
MILESTONE_WORDS = f"Draft the {CANARY} agenda"
SHARED_DOCUMENT_WORDS = f"My {CANARY} notes"
REPORT_WORDS = f"Walk report ({CANARY})"  # the mentor reported the mentee's message
NUDGE_WORDS = f"How is the {CANARY} plan going?"  # P1's manager nudged the pair
# The programs' names: who does not see a program does not read its name either.
PROGRAM_WORDS = f"Alpha {CANARY} Leadership"
OTHER_PROGRAM_WORDS = f"Alpha {CANARY} Onboarding"


@dataclass
class MatrixWorld:
    world: World
    users: dict[str, User]  # every role but anonymous
    other_program: Program  # P2
    other_cohort: Cohort  # P2's cohort
    mentorship: Mentorship  # M mentors E, in P1's cohort
    mentor_enrolment_id: int
    mentee_enrolment_id: int
    # The URL kwargs of every route that takes any (without org_slug), built once.
    kwargs: dict[str, dict]

    def client(self, role: str) -> Client:
        client = Client()
        if role != ANONYMOUS:
            client.force_login(
                self.users[role], backend="django.contrib.auth.backends.ModelBackend"
            )
            # They confirmed their password a moment ago: routes that ask for it again
            # (allauth's reauthentication) answer as they do right after.
            request = RequestFactory().get("/")
            request.session = client.session
            record_authentication(request, self.users[role], "password", reauthenticated=True)
            request.session.save()
        return client


def _cohort_settings(name: str) -> CohortSettings:
    return CohortSettings(
        name=name,
        enrolment_opens_on=date(2027, 1, 1),
        enrolment_closes_on=date(2027, 1, 31),
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 7, 31),
        target_mentors=5,
        target_mentees=10,
    )


def build_matrix_world(routes: Iterable[str] | None = None) -> MatrixWorld:
    """Build the matrix's organisations, people and objects through the services: the objects
    of the named tenant routes (all of them when None)."""
    people = {
        OWNER: make_user(f"owner@{CANARY}.example", f"Olga {CANARY} Owner"),
        ADMIN: make_user(f"admin@{CANARY}.example", f"Adam {CANARY} Admin"),
        PM1: make_user(f"pm1@{CANARY}.example", f"Mia {CANARY} Manager"),
        PM2: make_user(f"pm2@{CANARY}.example", f"Nils {CANARY} Manager"),
        REPORT_VIEWER: make_user(f"hr@{CANARY}.example", f"Rita {CANARY} Reports"),
        MENTOR: make_user(f"mentor@{CANARY}.example", f"Mona {CANARY} Mentor"),
        MENTEE: make_user(f"mentee@{CANARY}.example", f"Ezra {CANARY} Mentee"),
        PARTICIPANT: make_user(f"other@{CANARY}.example", f"Otto {CANARY} Other"),
        FOREIGN: make_user("owner@bravo.example", "Bruno Bravo"),
    }
    # Participants of the walk's second cohort (tests/security/routes.py `_run_with_unmatched`),
    # so that none of the matrix's people takes part in it.
    spare_mentor = make_user(f"spare-mentor@{CANARY}.example", f"Sam {CANARY} Spare")
    spare_mentee = make_user(f"spare-mentee@{CANARY}.example", f"Sia {CANARY} Spare")

    with TestCase.captureOnCommitCallbacks(execute=True):
        alpha = services.organization_create(
            actor=people[OWNER], name=f"Alpha {CANARY} Corp", slug="alpha"
        )
        bravo = services.organization_create(actor=people[FOREIGN], name="Bravo Ltd", slug="bravo")
        with organization_scope(alpha):
            owner = Membership.objects.get(user=people[OWNER])
        with organization_scope(bravo):
            bravo_owner = Membership.objects.get(user=people[FOREIGN])
        members = {
            role: _add_member(alpha, owner, people[role], alpha_role)
            for role, alpha_role in (
                (ADMIN, Role.ADMIN),
                (PM1, Role.PROGRAM_MANAGER),
                (PM2, Role.PROGRAM_MANAGER),
                (REPORT_VIEWER, Role.REPORT_VIEWER),
                # The mentor builds the walk's objects as staff, then becomes a member (below).
                (MENTOR, Role.ADMIN),
                (MENTEE, Role.MEMBER),
                (PARTICIPANT, Role.MEMBER),
            )
        }
        for spare in (spare_mentor, spare_mentee):
            _add_member(alpha, owner, spare, Role.MEMBER)
        alpha_invitation = services.invitation_create(
            actor_membership=owner, email=f"invitee@{CANARY}.example", role=Role.MEMBER
        )
        bravo_invitation = services.invitation_create(
            actor_membership=bravo_owner, email="invitee@bravo.example", role=Role.MEMBER
        )

    program = program_services.program_create(
        actor_membership=owner,
        values=ProgramSettings(name=PROGRAM_WORDS, purpose=f"Grow {CANARY} leaders"),
    )
    program_services.program_manager_assign(
        actor_membership=owner, program=program, user_id=people[PM1].pk
    )
    cohort = program_services.cohort_create(
        actor_membership=owner, program=program, values=_cohort_settings(f"Spring {CANARY}")
    )
    other_program = program_services.program_create(
        actor_membership=owner,
        values=ProgramSettings(name=OTHER_PROGRAM_WORDS, purpose="Welcome new people"),
    )
    program_services.program_manager_assign(
        actor_membership=owner, program=other_program, user_id=people[PM2].pk
    )
    other_cohort = program_services.cohort_create(
        actor_membership=owner, program=other_program, values=_cohort_settings("Onboarding")
    )
    # O takes part in the cohort (approved while it is a draft), in no mentorship.
    program_services.enrolment_add_member(
        actor_membership=owner, cohort=cohort, member=members[PARTICIPANT], role="mentee"
    )

    world = World(
        alpha=alpha,
        bravo=bravo,
        alpha_owner=people[MENTOR],
        alpha_admin=people[ADMIN],
        alpha_manager=people[PM1],
        alpha_member=people[MENTEE],
        bravo_owner=people[FOREIGN],
        alpha_owner_membership=members[MENTOR],
        alpha_member_membership=members[MENTEE],
        alpha_invitation=alpha_invitation,
        bravo_invitation=bravo_invitation,
        alpha_program=program,
        alpha_cohort=cohort,
    )
    builders = {name: route.object_kwargs for name, route in TENANT_ROUTES.items()}
    spares = dataclasses.replace(world, alpha_manager=spare_mentor, alpha_admin=spare_mentee)
    builders["api_match_run_unmatched"] = lambda _world: _run_with_unmatched(spares)
    # A scheduled report is its reader's: the report viewer's, whom reports are for.
    reader = dataclasses.replace(
        world, alpha_owner=people[REPORT_VIEWER], alpha_owner_membership=members[REPORT_VIEWER]
    )
    builders["exports:scheduled_remove"] = lambda _world: _subscription(reader)
    builders["exports:scheduled"] = lambda _world: _without_kwargs(_subscription(reader))
    # The mentorship first, the other objects hang from it; its goal and meeting always, the
    # pair's private words are written in them.
    wanted = ["relationships:mentorship", "goals:goal", "meetings:detail"]
    wanted += [name for name in builders if (routes is None or name in routes)]
    kwargs = {name: builders[name](world) for name in dict.fromkeys(wanted)}

    services.membership_change_role(
        actor_membership=owner, membership=members[MENTOR], role=Role.MEMBER
    )
    members[MENTOR].refresh_from_db()
    with organization_scope(alpha):
        mentorship = Mentorship.objects.get(pk=kwargs["relationships:mentorship"]["mentorship_id"])
        assert mentorship.mentor.user_id == people[MENTOR].pk
        assert {m.mentee.user_id for m in mentorship.members.all()} == {people[MENTEE].pk}
        mentee_enrolment_id = mentorship.members.get().mentee_id
    _write_private_words(world, members, mentorship.pk)
    kwargs |= _global_kwargs(people)
    return MatrixWorld(
        world=world,
        users=people,
        other_program=other_program,
        other_cohort=other_cohort,
        mentorship=mentorship,
        mentor_enrolment_id=mentorship.mentor_id,
        mentee_enrolment_id=mentee_enrolment_id,
        kwargs=kwargs,
    )


def _without_kwargs(_built: dict) -> dict:
    return {}


def _write_private_words(world: World, members: dict[str, Membership], mentorship_id: int) -> None:
    """The pair's own words, through the services, in each place the product keeps private."""
    from goals import selectors as goal_selectors
    from goals import services as goal_services
    from goals.models import Milestone
    from meetings import selectors as meeting_selectors
    from meetings import services as meeting_services
    from meetings.models import Meeting
    from messaging import services as messaging_services
    from programs import selectors as program_selectors
    from programs.services import mentorships as mentorship_services
    from tests.security.routes_goals import _goals
    from tests.security.routes_meetings import _meeting

    mentor, mentee = members[MENTOR], members[MENTEE]
    goal_ids = _goals(world)
    meeting_id = _meeting(world)["meeting_id"]
    with organization_scope(world.alpha):
        mentorship = program_selectors.get_mentorship_for(mentor, mentorship_id)
        mentorship_services.agreement_update(
            actor=mentor, mentorship=mentorship, data={"goals_scope": AGREEMENT_WORDS}
        )
        messaging_services.message_send(
            membership=mentee,
            conversation=messaging_services.conversation_for_mentorship(mentorship),
            body=MESSAGE_WORDS,
            client_key="matrix-private",
        )
        meeting_services.private_note_save(
            actor=mentee,
            meeting=meeting_selectors.get_meeting_for(mentee, meeting_id),
            body=PRIVATE_NOTE_WORDS,
        )
        meeting_services.meeting_notes_update(
            actor=mentor,
            meeting=meeting_selectors.get_meeting_for(mentor, meeting_id),
            shared_notes=MEETING_NOTES_WORDS,
        )
        milestone, _ = goal_selectors.get_milestone_for(mentor, goal_ids["milestone_id"])
        goal_services.milestone_comment_add(actor=mentor, milestone=milestone, body=COMMENT_WORDS)
        pair_mentorship, _ = goal_selectors.get_mentorship_for(mentee, mentorship_id)
        goal_services.check_in_submit(
            actor=mentee,
            mentorship=pair_mentorship,
            answers=goal_services.CheckInAnswers(
                progress=CHECK_IN_WORDS, rating=4, note_to_manager=NOTE_TO_MANAGERS_WORDS
            ),
        )
        assert Meeting.objects.filter(pk=meeting_id, mentorship_id=mentorship_id).exists()
        assert Milestone.objects.filter(title=MILESTONE_WORDS).exists()


def _global_kwargs(people: dict[str, User]) -> dict[str, dict]:
    """The kwargs of the routes outside any organisation that take some: the mentor's API token
    and the mentor's link to stop one kind of email."""
    from accounts.services import api_token_create
    from notifications.preferences import unsubscribe_token

    token, _ = api_token_create(user=people[MENTOR], name="Matrix")
    return {
        "accounts:token_revoke": {"token_id": token.pk},
        "notifications:unsubscribe": {
            "token": unsubscribe_token(people[MENTOR].pk, "manual_nudge")
        },
    }
