"""Every URL pattern of the platform, declared for the tenant-isolation walk.

A new route must be added here, or tests/security/test_isolation_walk.py fails. Tenant routes
say how to build the URL kwargs for one of organisation Alpha's objects; the walk then proves a
member of organisation Bravo gets 404 for it, under either organisation's slug, with any method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.invitation_links import invitation_token
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import Enrolment, ProfileQuestion
from programs.services import CohortSettings, ProgramSettings, QuestionSettings
from tests.conftest import CANARY, World

Kwargs = Callable[[World], dict]


@dataclass(frozen=True)
class TenantRoute:
    """A route under /o/<org_slug>/ or /api/v1/orgs/<org_slug>/."""

    object_kwargs: Kwargs = field(default=lambda world: {})
    # Lists: the walk also reads them as Bravo and looks for Alpha's rows.
    is_list: bool = False
    # Lists inside an object (a program's cohorts): the kwargs of the same list inside one of
    # Bravo's own objects, which Bravo's owner reads there.
    bravo_list_kwargs: Kwargs = field(default=lambda world: {})
    # Reachable by a non-member who holds a secret link (an invitation); the walk then only
    # checks that the secret does not work under another organisation and changes nothing.
    secret_link: bool = False


@dataclass(frozen=True)
class GlobalRoute:
    """A route that holds no tenant data; `reason` says why it is outside the walk."""

    reason: str


def _member(world: World) -> dict:
    return {"membership_id": world.alpha_member_membership.pk}


def _invitation(world: World) -> dict:
    return {"invitation_id": world.alpha_invitation.pk}


def _program_manager(world: World) -> dict:
    return {"program_id": world.alpha_program.pk, "user_id": world.alpha_manager.pk}


def _program(world: World) -> dict:
    return {"program_id": world.alpha_program.pk}


def _question(world: World) -> dict:
    with organization_scope(world.alpha):
        first = (
            ProfileQuestion.objects.filter(program=world.alpha_program).order_by("position").first()
        )
    return {"program_id": world.alpha_program.pk, "question_id": first.pk}


def _program_with_custom_question(world: World) -> dict:
    """Alpha's program with a question of its own, so its question list shows Alpha's rows."""
    label = f"Which {CANARY} team are you in?"
    with organization_scope(world.alpha):
        exists = ProfileQuestion.objects.filter(program=world.alpha_program, label=label).exists()
    if not exists:
        program_services.question_create(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            values=QuestionSettings(label=label, audience="mentee", kind="text"),
        )
    return _program(world)


def _own_enrolment(world: World) -> dict:
    """Alpha's owner also takes part in Alpha's cohort, as a mentor: their own enrolment."""
    with organization_scope(world.alpha):
        enrolment = Enrolment.objects.filter(
            cohort=world.alpha_cohort, user=world.alpha_owner
        ).first()
    if enrolment is None:
        enrolment = program_services.enrolment_add_member(
            actor_membership=world.alpha_owner_membership,
            cohort=world.alpha_cohort,
            member=world.alpha_owner_membership,
            role="mentor",
        )
    return {"enrolment_id": enrolment.pk}


def _with_own_enrolment(world: World) -> dict:
    _own_enrolment(world)
    return {}


def _cohort_with_participant(world: World) -> dict:
    _own_enrolment(world)  # a participant whose name carries Alpha's marker
    return _cohort(world)


def _cohort(world: World) -> dict:
    return {"program_id": world.alpha_program.pk, "cohort_id": world.alpha_cohort.pk}


def _bravo_cohort(world: World) -> dict:
    """A program of Bravo's with a cohort in which Bravo's owner takes part, so its nested
    lists have rows of their own."""
    bravo_owner = world.membership(world.bravo, world.bravo_owner)
    program = program_services.program_create(
        actor_membership=bravo_owner, values=ProgramSettings(name="Bravo mentoring", purpose="P")
    )
    cohort = program_services.cohort_create(
        actor_membership=bravo_owner,
        program=program,
        values=CohortSettings(
            name="Bravo spring",
            enrolment_opens_on=date(2027, 1, 1),
            enrolment_closes_on=date(2027, 1, 31),
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 7, 31),
        ),
    )
    program_services.enrolment_add_member(
        actor_membership=bravo_owner, cohort=cohort, member=bravo_owner, role="mentee"
    )
    return {"program_id": program.pk, "cohort_id": cohort.pk}


def _bravo_program(world: World) -> dict:
    return {"program_id": _bravo_cohort(world)["program_id"]}


def _matching(world: World) -> dict:
    """Alpha's cohort in matching (self-select allowed) with its owner as a mentor and its
    member as a mentee: a draft match run proposing them, then the member's request to the
    owner, accepted, which started their mentorship."""
    from matching import services as matching_services
    from matching.models import MatchProposal, MatchRun, MentorshipRequest
    from programs.models import CohortStatus, Mentorship, Program
    from tests.matching.conftest import random_answers

    with organization_scope(world.alpha):
        run = MatchRun.objects.filter(cohort=world.alpha_cohort).first()
        if run is not None:
            return {
                "program_id": world.alpha_program.pk,
                "cohort_id": world.alpha_cohort.pk,
                "run_id": run.pk,
                "proposal_id": MatchProposal.objects.filter(run=run).first().pk,
                "mentorship_id": Mentorship.objects.first().pk,
                "request_id": MentorshipRequest.objects.first().pk,
                "mentee_enrolment_id": MentorshipRequest.objects.first().mentee_id,
                "mentor_enrolment_id": MentorshipRequest.objects.first().mentor_id,
            }
        Program.objects.filter(pk=world.alpha_program.pk).update(matching_mode="both")
    import random

    owner = world.alpha_owner_membership
    cohort = program_services.cohort_transition(
        actor_membership=owner, cohort=world.alpha_cohort, to_status=CohortStatus.ENROLLING,
        force=True,
    )  # fmt: skip
    rng = random.Random(3)
    mentor = Enrolment.all_organizations.get(pk=_own_enrolment(world)["enrolment_id"])
    mentee = program_services.enrolment_add_member(
        actor_membership=owner, cohort=cohort, member=world.alpha_member_membership, role="mentee"
    )
    for person, enrolment, role in (
        (world.alpha_owner, mentor, "mentor"),
        (world.alpha_member, mentee, "mentee"),
    ):
        answers = random_answers(rng, role)
        answers["languages"] = ["English"]
        answers["department"] = f"{role} department"
        program_services.enrolment_save_profile(user=person, enrolment=enrolment, answers=answers)
    program_services.cohort_transition(
        actor_membership=owner, cohort=cohort, to_status=CohortStatus.MATCHING, force=True
    )
    world.alpha_cohort.refresh_from_db()
    matching_services.match_run_create(actor=owner, cohort=world.alpha_cohort)
    mentee.refresh_from_db()
    request = matching_services.mentorship_request_send(
        actor=world.alpha_member_membership,
        enrolment=Enrolment.all_organizations.select_related("cohort__program").get(pk=mentee.pk),
        mentor_id=mentor.pk,
        message=f"Would you mentor me? ({CANARY})",
    )
    matching_services.mentorship_request_accept(actor=owner, request_id=request.pk)
    return _matching(world)


def _pick(*names: str) -> Kwargs:
    renamed = {"mentee_enrolment_id": "enrolment_id"}

    def kwargs(world: World) -> dict:
        found = _matching(world)
        return {renamed.get(name, name): found[name] for name in names}

    return kwargs


def _mentor_suggestion(world: World) -> dict:
    """The owner's own enrolment (the walk's positive control is the owner) and a mentor."""
    found = _matching(world)
    return {**_own_enrolment(world), "mentor_id": found["mentor_enrolment_id"]}


def _run_with_unmatched(world: World) -> dict:
    """A second cohort of Alpha's program, whose run could match nobody: its one mentee (Alpha's
    admin) works in the same department as its one mentor (Alpha's manager)."""
    import random

    from matching import services as matching_services
    from matching.models import MatchRun
    from programs.models import Cohort, CohortStatus
    from tests.matching.conftest import random_answers

    name = f"Autumn {CANARY}"
    with organization_scope(world.alpha):
        cohort = Cohort.objects.filter(program=world.alpha_program, name=name).first()
        run = MatchRun.objects.filter(cohort=cohort).first() if cohort else None
    if run is None:
        owner = world.alpha_owner_membership
        cohort = program_services.cohort_create(
            actor_membership=owner,
            program=world.alpha_program,
            values=CohortSettings(
                name=name,
                enrolment_opens_on=date(2027, 8, 1),
                enrolment_closes_on=date(2027, 8, 31),
                starts_on=date(2027, 9, 1),
                ends_on=date(2028, 2, 28),
            ),
        )
        cohort = program_services.cohort_transition(
            actor_membership=owner, cohort=cohort, to_status=CohortStatus.ENROLLING, force=True
        )
        rng = random.Random(7)
        for user, role in ((world.alpha_manager, "mentor"), (world.alpha_admin, "mentee")):
            enrolment = program_services.enrolment_add_member(
                actor_membership=owner,
                cohort=cohort,
                member=world.membership(world.alpha, user),
                role=role,
            )
            answers = random_answers(rng, role)
            answers["languages"] = ["English"]
            answers["department"] = "Finance"
            program_services.enrolment_save_profile(user=user, enrolment=enrolment, answers=answers)
        cohort = program_services.cohort_transition(
            actor_membership=owner, cohort=cohort, to_status=CohortStatus.MATCHING, force=True
        )
        run = matching_services.match_run_create(actor=owner, cohort=cohort)
    return {"program_id": world.alpha_program.pk, "cohort_id": cohort.pk, "run_id": run.pk}


def _bravo_run(world: World) -> dict:
    """A match run of Bravo's own: its owner as a mentee, a Bravo member as the mentor."""
    import random

    from matching import services as matching_services
    from organizations.models import Role
    from programs.models import Cohort, CohortStatus
    from tests.conftest import _add_member
    from tests.factories import make_user
    from tests.matching.conftest import random_answers

    bravo_owner = world.membership(world.bravo, world.bravo_owner)
    found = _bravo_cohort(world)
    with organization_scope(world.bravo):
        cohort = Cohort.objects.select_related("program").get(pk=found["cohort_id"])
        mentee = Enrolment.objects.get(cohort=cohort, user=world.bravo_owner)
    mentor_member = _add_member(
        world.bravo, bravo_owner, make_user("mentor@bravo.example", "Bravo Mentor"), Role.MEMBER
    )
    cohort = program_services.cohort_transition(
        actor_membership=bravo_owner, cohort=cohort, to_status=CohortStatus.ENROLLING, force=True
    )
    mentor = program_services.enrolment_add_member(
        actor_membership=bravo_owner, cohort=cohort, member=mentor_member, role="mentor"
    )
    rng = random.Random(5)
    for member, enrolment, role in (
        (bravo_owner, mentee, "mentee"),
        (mentor_member, mentor, "mentor"),
    ):
        answers = random_answers(rng, role)
        answers["languages"] = ["English"]
        answers["department"] = f"{role} department"
        program_services.enrolment_save_profile(
            user=member.user, enrolment=enrolment, answers=answers
        )
    cohort = program_services.cohort_transition(
        actor_membership=bravo_owner, cohort=cohort, to_status=CohortStatus.MATCHING, force=True
    )
    run = matching_services.match_run_create(actor=bravo_owner, cohort=cohort)
    return {**found, "run_id": run.pk}


def _conversation(world: World) -> dict:
    """The private conversation of the `_matching` mentorship, whose mentor is Alpha's owner (the
    walk's positive control reads it), with a message of its mentee that carries Alpha's marker."""
    from messaging import services as messaging_services
    from programs.models import Mentorship

    with organization_scope(world.alpha):
        mentorship = Mentorship.objects.get(pk=_matching(world)["mentorship_id"])
    conversation = messaging_services.conversation_for_mentorship(mentorship)
    # The client key makes every later call find the same message.
    message, _ = messaging_services.message_send(
        membership=world.alpha_member_membership,
        conversation=conversation,
        body=f"See you on Monday ({CANARY})",
        client_key="walk-canary",
    )
    with_file, _ = messaging_services.message_send(
        membership=world.alpha_member_membership,
        conversation=conversation,
        body="The notes",
        client_key="walk-canary-file",
        files=[SimpleUploadedFile("notes.txt", f"Notes ({CANARY})".encode())],
    )
    with organization_scope(world.alpha):
        attachment_id = with_file.attachments.get().pk
    return {
        "conversation_id": conversation.pk,
        "message_id": message.pk,
        "attachment_id": attachment_id,
    }


def _chat(*names: str) -> Kwargs:
    def kwargs(world: World) -> dict:
        found = _conversation(world)
        return {name: found[name] for name in names}

    return kwargs


def _reported(world: World) -> dict:
    """The walk's canary message, reported by its mentee (Alpha's member) to the program's
    managers; Alpha's owner runs every program."""
    from messaging import services as messaging_services
    from messaging.models import Message, MessageReport

    message_id = _conversation(world)["message_id"]
    with organization_scope(world.alpha):
        report = MessageReport.objects.filter(message_id=message_id).first()
        if report is None:
            message = Message.objects.select_related("conversation").get(pk=message_id)
            report = messaging_services.message_report(
                membership=world.alpha_owner_membership,
                message=message,
                reason=f"Walk report ({CANARY})",
            )
    return {"program_id": world.alpha_program.pk, "report_id": report.pk}


_RUN = ("program_id", "cohort_id", "run_id")

TENANT_ROUTES: dict[str, TenantRoute] = {
    # Web
    "overview": TenantRoute(is_list=True),
    "organizations:members": TenantRoute(is_list=True),
    "organizations:member_role": TenantRoute(_member),
    "organizations:member_remove": TenantRoute(_member),
    "organizations:invitation_create": TenantRoute(),
    "organizations:invitation_revoke": TenantRoute(_invitation),
    "organizations:invitation_accept": TenantRoute(
        lambda world: {"token": invitation_token(world.alpha_invitation)}, secret_link=True
    ),
    "organizations:settings": TenantRoute(),
    "programs:list": TenantRoute(is_list=True),
    "programs:create": TenantRoute(),
    "programs:detail": TenantRoute(_program),
    "programs:edit": TenantRoute(_program),
    "programs:status": TenantRoute(_program),
    "programs:manager_assign": TenantRoute(_program),
    "programs:manager_remove": TenantRoute(
        lambda world: {**_program(world), "user_id": world.alpha_manager.pk}
    ),
    "programs:cohort_create": TenantRoute(_program),
    "programs:cohort_detail": TenantRoute(_cohort),
    "programs:cohort_edit": TenantRoute(_cohort),
    "programs:cohort_status": TenantRoute(_cohort),
    "programs:questions": TenantRoute(_program),
    "programs:participants": TenantRoute(_cohort_with_participant),
    "programs:participant_add": TenantRoute(_cohort),
    "programs:participant_invite": TenantRoute(_cohort),
    "programs:participant_import": TenantRoute(_cohort),
    "programs:participants_bulk": TenantRoute(_cohort),
    "programs:cohort_applications": TenantRoute(_cohort),
    "programs:participant_edit": TenantRoute(
        lambda world: {**_cohort(world), **_own_enrolment(world)}
    ),
    "programs:apply": TenantRoute(
        lambda world: {
            "cohort_id": world.alpha_cohort.pk,
            "key": world.alpha_cohort.application_key,
        },
        secret_link=True,
    ),
    "programs:my_programs": TenantRoute(_with_own_enrolment, is_list=True),
    "programs:profile": TenantRoute(_own_enrolment),
    "programs:withdraw": TenantRoute(_own_enrolment),
    "programs:question_create": TenantRoute(_program),
    "programs:skills": TenantRoute(_program),
    "programs:question_edit": TenantRoute(_question),
    "programs:question_move": TenantRoute(_question),
    "programs:question_delete": TenantRoute(_question),
    "relationships:mentorship": TenantRoute(_pick("mentorship_id")),
    "relationships:agreement_edit": TenantRoute(_pick("mentorship_id")),
    "relationships:agreement_confirm": TenantRoute(_pick("mentorship_id")),
    "relationships:mentorship_status": TenantRoute(_pick("mentorship_id")),
    "relationships:mentorship_end": TenantRoute(_pick("mentorship_id")),
    "relationships:mentorship_end_reason": TenantRoute(_pick("mentorship_id")),
    "matching:settings": TenantRoute(_program),
    "matching:runs": TenantRoute(_pick("program_id", "cohort_id")),
    "matching:run_start": TenantRoute(_cohort),
    "matching:run": TenantRoute(_pick(*_RUN)),
    "matching:run_swap": TenantRoute(_pick(*_RUN)),
    "matching:run_rerun": TenantRoute(_pick(*_RUN)),
    "matching:run_publish": TenantRoute(_pick(*_RUN)),
    "matching:run_discard": TenantRoute(_pick(*_RUN)),
    "matching:proposal_lock": TenantRoute(_pick(*_RUN, "proposal_id")),
    "matching:proposal_remove": TenantRoute(_pick(*_RUN, "proposal_id")),
    "matching:suggestions": TenantRoute(_own_enrolment),
    "matching:request_send": TenantRoute(_mentor_suggestion),
    "matching:mentor_exclude": TenantRoute(_mentor_suggestion),
    "matching:requests": TenantRoute(_pick(), is_list=True),
    "matching:request_accept": TenantRoute(_pick("request_id")),
    "matching:request_decline": TenantRoute(_pick("request_id")),
    "matching:request_withdraw": TenantRoute(_pick("request_id")),
    # API
    "api_organization": TenantRoute(),
    "api_members": TenantRoute(is_list=True),
    "api_member": TenantRoute(_member),
    "api_invitations": TenantRoute(is_list=True),
    "api_invitation": TenantRoute(_invitation),
    "api_programs": TenantRoute(is_list=True),
    "api_program": TenantRoute(_program),
    # The templates are the platform's, not Alpha's rows: paginated, but no canary to look for.
    "api_program_templates": TenantRoute(),
    "api_program_managers": TenantRoute(_program, is_list=True, bravo_list_kwargs=_bravo_program),
    "api_program_manager": TenantRoute(_program_manager),
    "api_cohorts": TenantRoute(_program, is_list=True, bravo_list_kwargs=_bravo_program),
    "api_cohort": TenantRoute(_cohort),
    "api_cohort_transition": TenantRoute(_cohort),
    "api_questions": TenantRoute(
        _program_with_custom_question, is_list=True, bravo_list_kwargs=_bravo_program
    ),
    "api_question": TenantRoute(_question),
    "api_question_move": TenantRoute(_question),
    "api_enrolments": TenantRoute(
        _cohort_with_participant, is_list=True, bravo_list_kwargs=_bravo_cohort
    ),
    "api_enrolments_import": TenantRoute(_cohort),
    "api_my_enrolments": TenantRoute(_with_own_enrolment, is_list=True),
    "api_my_profile": TenantRoute(_own_enrolment),
    "api_mentorships": TenantRoute(_pick(), is_list=True),
    "api_mentorship": TenantRoute(_pick("mentorship_id")),
    "api_agreement": TenantRoute(_pick("mentorship_id")),
    "api_agreement_confirm": TenantRoute(_pick("mentorship_id")),
    "api_mentorship_end": TenantRoute(_pick("mentorship_id")),
    "api_mentorship_end_reason": TenantRoute(_pick("mentorship_id")),
    "api_mentorship_status": TenantRoute(_pick("mentorship_id")),
    "api_matching_settings": TenantRoute(_program),
    "api_match_runs": TenantRoute(
        _pick("program_id", "cohort_id"), is_list=True, bravo_list_kwargs=_bravo_cohort
    ),
    "api_match_run": TenantRoute(_pick(*_RUN)),
    "api_match_run_proposals": TenantRoute(
        _pick(*_RUN), is_list=True, bravo_list_kwargs=_bravo_run
    ),
    "api_match_run_unmatched": TenantRoute(
        _run_with_unmatched, is_list=True, bravo_list_kwargs=_bravo_run
    ),
    "api_match_run_swap": TenantRoute(_pick(*_RUN)),
    "api_match_run_rerun": TenantRoute(_pick(*_RUN)),
    "api_match_run_publish": TenantRoute(_pick(*_RUN)),
    "api_match_run_discard": TenantRoute(_pick(*_RUN)),
    "api_match_proposal": TenantRoute(_pick(*_RUN, "proposal_id")),
    "api_match_proposal_lock": TenantRoute(_pick(*_RUN, "proposal_id")),
    "api_my_suggestions": TenantRoute(_own_enrolment),
    "api_mentorship_requests": TenantRoute(_pick(), is_list=True),
    "api_mentorship_request_accept": TenantRoute(_pick("request_id")),
    "api_mentorship_request_decline": TenantRoute(_pick("request_id")),
    "api_mentorship_request_withdraw": TenantRoute(_pick("request_id")),
    "messaging:reports": TenantRoute(
        lambda world: {"program_id": _reported(world)["program_id"]},
        is_list=True,
        bravo_list_kwargs=_bravo_program,
    ),
    "messaging:report_resolve": TenantRoute(_reported),
    "messaging:inbox": TenantRoute(_chat(), is_list=True),
    "messaging:thread": TenantRoute(_chat("conversation_id")),
    "messaging:send": TenantRoute(_chat("conversation_id")),
    "api_conversations": TenantRoute(_chat(), is_list=True),
    "api_conversation": TenantRoute(_chat("conversation_id")),
    # A history page ({"messages", "has_more"}, cursors by sequence number) is not a paginated
    # list: the walk proves its conversation answers 404 to others.
    "api_conversation_messages": TenantRoute(_chat("conversation_id")),
    "api_conversation_read": TenantRoute(_chat("conversation_id")),
    "api_message": TenantRoute(_chat("message_id")),
    "api_message_report": TenantRoute(_chat("message_id")),
    "messaging:attachment": TenantRoute(_chat("attachment_id")),
    "messaging:message_edit": TenantRoute(_chat("message_id")),
    "messaging:message_delete": TenantRoute(_chat("message_id")),
    "messaging:message_report": TenantRoute(_chat("message_id")),
    "api_attachment": TenantRoute(_chat("attachment_id")),
}

GLOBAL_ROUTES: dict[str, GlobalRoute] = {
    "landing": GlobalRoute("public landing page"),
    "home": GlobalRoute("the signed-in user's own memberships and invitations to their address"),
    "healthz": GlobalRoute("infrastructure status, no tenant data"),
    "organizations:create": GlobalRoute("creates a new organisation owned by the requester"),
    "accounts:settings": GlobalRoute("the signed-in user's own profile"),
    "accounts:token_create": GlobalRoute("the signed-in user's own API tokens"),
    "accounts:token_revoke": GlobalRoute("the signed-in user's own API tokens, looked up by user"),
    "accounts:sign_out_everywhere": GlobalRoute("the signed-in user's own sessions"),
    "api_me": GlobalRoute("the signed-in user's own profile"),
    "api_organizations": GlobalRoute("lists only the signed-in user's own memberships"),
    "api_schema": GlobalRoute("OpenAPI document"),
    "api_docs": GlobalRoute("API documentation page"),
}

# Third-party route families, by URL prefix.
GLOBAL_PREFIXES: dict[str, str] = {
    "accounts/": "django-allauth: sign-in, sign-up, email, password and MFA of the user's own account",
    "admin/": "operators' Django admin, staff only",
    "static/": "static files",
}

# Websocket routes (mentorship/routing.py): all are tenant routes under /ws/o/<org_slug>/.
WEBSOCKET_ROUTES: dict[str, str] = {
    "ws_notifications": "/ws/o/{org_slug}/notifications/",
    "ws_chat": "/ws/o/{org_slug}/chat/",
}

# Each app's routes, declared beside its tests' helpers (they build on the helpers above).
from tests.security.routes_goals import GOAL_ROUTES  # noqa: E402
from tests.security.routes_meetings import MEETING_ROUTES  # noqa: E402
from tests.security.routes_relationships import RELATIONSHIP_ROUTES  # noqa: E402

TENANT_ROUTES |= GOAL_ROUTES | MEETING_ROUTES | RELATIONSHIP_ROUTES
from tests.security.routes_resources import RESOURCE_ROUTES  # noqa: E402

TENANT_ROUTES |= RESOURCE_ROUTES
from tests.security.routes_notifications import (  # noqa: E402
    NOTIFICATIONS_GLOBAL_ROUTES,
    NOTIFICATIONS_ROUTES,
)
from tests.security.routes_nudges import NUDGES_GLOBAL_ROUTES, NUDGES_ROUTES  # noqa: E402

TENANT_ROUTES |= NOTIFICATIONS_ROUTES | NUDGES_ROUTES
GLOBAL_ROUTES |= NOTIFICATIONS_GLOBAL_ROUTES | NUDGES_GLOBAL_ROUTES
from tests.security.routes_reports import REPORTS_ROUTES  # noqa: E402
from tests.security.routes_reports_exports import REPORTS_EXPORTS_ROUTES  # noqa: E402

TENANT_ROUTES |= REPORTS_ROUTES | REPORTS_EXPORTS_ROUTES
from tests.security.routes_surveys import SURVEY_ROUTES  # noqa: E402

TENANT_ROUTES |= SURVEY_ROUTES
from tests.security.routes_privacy import PRIVACY_GLOBAL_ROUTES, PRIVACY_ROUTES  # noqa: E402

TENANT_ROUTES |= PRIVACY_ROUTES
GLOBAL_ROUTES |= PRIVACY_GLOBAL_ROUTES
from tests.security.routes_audit import AUDIT_ROUTES  # noqa: E402

TENANT_ROUTES |= AUDIT_ROUTES
