"""The authorisation matrix: every route and websocket action x every role -> the answer the
product gives. tests/security/test_matrix.py requests every cell and fails on any other answer,
and on any route (web, API, websocket action) without a row here.

The people (tests/security/matrix_world.py): in organisation Alpha, its owner and an admin; P1's
program manager and P2's; a report viewer; the mentor and the mentee of a mentorship of P1, and
another participant of the same cohort. Bravo's owner is the other organisation; anonymous is
not signed in. The routes point at Alpha's objects of P1 and of that mentorship: the isolation
walk's (tests/security/routes.py), so the two tests read the same URLs.

Answers:
    ok          2xx, or a redirect that is not to sign-in. For POST, PUT, PATCH and DELETE, a
                400 (the test's body is refused by the form) or a redirect back with an error
                message counts too: the request got past the access checks.
    invalid     400 where that is the refusal itself (an invitation link opened by someone else).
    refused     a redirect back with an error message, nothing written (a web action that has
                nothing to act on for this person).
    forbidden   403, or a web action that shows the PermissionDenied as an error message on the
                page it returns to (a redirect, or the form again with a 400), nothing written.
    not_found   404: the same as for something that does not exist.
    login       anonymous: a redirect to sign-in (web), 401 (API).
    method      405 (the role gets past the access check, the route has no such method).

Unless a row says otherwise, Bravo's owner gets not_found (another organisation's data answers
404, never 403) and anonymous gets login. Web routes are requested with GET and POST (a page
without a form answers a POST as a GET: `post` defaults to `get`); API routes with GET and
each unsafe method their view implements. Refused requests must change nothing; words private
to someone (PRIVATE_WORDS) must reach nobody else, whatever the answer.

Where the code answers otherwise than the product should, the cell holds a `Bug`: the test
expects the wrong answer the code gives today, names the bug, and is marked xfail; once the view
is fixed the test fails until the marker is removed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from tests.security import matrix_world as pair_words
from tests.security.matrix_world import (
    ADMIN,
    ANONYMOUS,
    FOREIGN,
    MENTEE,
    MENTOR,
    OWNER,
    PARTICIPANT,
    PM1,
    PM2,
    REPORT_VIEWER,
)

OK = "ok"
INVALID = "invalid"
REFUSED = "refused"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
LOGIN = "login"
METHOD = "method"
ANSWERS = (OK, INVALID, REFUSED, FORBIDDEN, NOT_FOUND, LOGIN, METHOD)
ERROR = "error"  # a 5xx, or an exception out of the view: only ever the `actual` of a Bug


@dataclass(frozen=True)
class Bug:
    """A cell where the code's answer is wrong: `expected` is the product's rule, `actual` the
    answer the code gives today, `issue` what is wrong, for whoever fixes the view."""

    expected: str
    actual: str
    issue: str
    # The database vendors (connection.vendor) where the bug shows; elsewhere the cell must
    # answer `expected`. Empty: every database.
    databases: tuple[str, ...] = ()


Cell = str | Bug
Answers = Mapping[str, Cell]

# Alpha's people, and groups of them.
ALPHA = (OWNER, ADMIN, PM1, PM2, REPORT_VIEWER, MENTOR, MENTEE, PARTICIPANT)
STAFF = (OWNER, ADMIN)  # run the organisation
MANAGERS = (OWNER, ADMIN, PM1)  # run P1: owners and admins run every program
PAIR = (MENTOR, MENTEE)
READERS = (*MANAGERS, REPORT_VIEWER)  # see P1's program pages (report viewers see all programs)
NOT_PARTICIPANTS = (OWNER, ADMIN, PM1, PM2, REPORT_VIEWER)  # every role but the members'
REPORTERS = NOT_PARTICIPANTS  # read reports, each on the programs they see
PROGRAM_CREATORS = (OWNER, ADMIN, PM1, PM2)
SUBSCRIBERS = (OWNER, ADMIN, REPORT_VIEWER)  # receive scheduled reports
P1_PARTICIPANTS = (MENTOR, MENTEE, PARTICIPANT)
SEES_P1 = (*READERS, *P1_PARTICIPANTS)  # all but P2's manager


def grid(
    *given: tuple[Iterable[str] | str, Cell],
    rest: Cell,
    foreign: Cell = NOT_FOUND,
    anonymous: Cell = LOGIN,
) -> dict[str, Cell]:
    """Alpha's people get `rest` unless a (roles, answer) pair names them; the last pair wins."""
    table: dict[str, Cell] = dict.fromkeys(ALPHA, rest)
    table[FOREIGN] = foreign
    table[ANONYMOUS] = anonymous
    for roles, cell in given:
        for role in (roles,) if isinstance(roles, str) else roles:
            table[role] = cell
    return table


def everyone(cell: Cell = OK) -> dict[str, Cell]:
    """Every member of Alpha."""
    return grid(rest=cell)


def only(roles: Iterable[str] | str, cell: Cell = OK, *, others: Cell = FORBIDDEN):
    """A page of some roles (organization_view(allow=...), a DRF role permission): 403 for the
    organisation's other members."""
    return grid((roles, cell), rest=others)


def program(cell: Cell = OK) -> dict[str, Cell]:
    """Running P1: its managers. Report viewers see every program but run none (403); for the
    others P1 does not exist (404)."""
    return grid((MANAGERS, cell), (REPORT_VIEWER, FORBIDDEN), rest=NOT_FOUND)


def program_page(cell: Cell = OK) -> dict[str, Cell]:
    """Reading P1's pages: its managers and the report viewers; 404 for the others."""
    return grid((READERS, cell), rest=NOT_FOUND)


def pair(cell: Cell = OK, *, managers: Cell = NOT_FOUND) -> dict[str, Cell]:
    """The mentorship's own: its mentor and mentee. P1's managers open the mentorship but not
    this (`managers`); for anyone else the mentorship does not exist (404)."""
    return grid((PAIR, cell), (MANAGERS, managers), rest=NOT_FOUND)


def own(role: str, cell: Cell = OK) -> dict[str, Cell]:
    """One person's own object (the mentor's enrolment, notification...): 404 for the others."""
    return grid((role, cell), rest=NOT_FOUND)


def public(cell: Cell = OK) -> dict[str, Cell]:
    """Anyone, signed in or not, of any organisation."""
    return grid(rest=cell, foreign=cell, anonymous=cell)


def signed_in(cell: Cell = OK) -> dict[str, Cell]:
    """Anyone signed in, of any organisation: their own account's pages."""
    return grid(rest=cell, foreign=cell)


def in_program(cell: Cell = OK) -> dict[str, Cell]:
    """What P1's people read (its library, its goal templates): its managers, the report
    viewers and its participants; P2's manager does not see P1 (404)."""
    return grid((SEES_P1, cell), rest=NOT_FOUND)


def program_settings(cell: Cell = OK) -> dict[str, Cell]:
    """P1's settings in the goals and resources apps: its managers. The others who see P1 get
    403 (its participants too, where the programs app answers them 404); P2's manager 404."""
    return grid((MANAGERS, cell), ((REPORT_VIEWER, *P1_PARTICIPANTS), FORBIDDEN), rest=NOT_FOUND)


def managers_only(cell: Cell = OK) -> dict[str, Cell]:
    """What only P1's managers see of a mentorship (its nudge log): 404 for anyone else, the
    pair and the report viewers too."""
    return grid((MANAGERS, cell), rest=NOT_FOUND)


def but(answers: Mapping[str, Cell], **cells: Cell) -> dict[str, Cell]:
    """`answers` with some roles' cells replaced (keyword: the role)."""
    unknown = set(cells) - set(answers)
    assert not unknown, f"not roles: {unknown}"
    return {**answers, **cells}


@dataclass(frozen=True)
class Row:
    """The answers of one route. Web routes: `post` defaults to `get`. API routes: the unsafe
    methods their view implements, each declared."""

    get: Answers
    post: Answers | None = None
    put: Answers | None = None
    patch: Answers | None = None
    delete: Answers | None = None
    # A body that the route's form accepts, for routes that read the form before they check
    # who asks (otherwise the test's body is refused before the access check is reached).
    data: Mapping | Callable[..., Mapping] | None = None
    # A link whose secret is the credential (calendar feed, application link, unsubscribe):
    # whoever holds it reads what it shows, so the private-words check does not apply.
    secret_link: bool = False
    # The route signs its caller out: each role's session is given back after its request.
    ends_session: bool = False
    # Why the row is as it is, where the answers alone do not say.
    note: str = field(default="", compare=False)

    def methods(self, *, web: bool) -> dict[str, Answers]:
        declared = {
            "get": self.get,
            "post": self.post if self.post is not None or not web else self.get,
            "put": self.put,
            "patch": self.patch,
            "delete": self.delete,
        }
        return {method: answers for method, answers in declared.items() if answers is not None}


def post_only(post: Answers, *, gate: Answers | None = None, **extra) -> Row:
    """A web action (require_POST): GET answers 405 to whoever gets past the page's access
    check (`gate`: every member of Alpha, when the view checks the object afterwards)."""
    return Row(get=gate if gate is not None else everyone(METHOD), post=post, **extra)


# Words the product keeps from some people, and who may read them: the pair's private words
# (and the words of the reports and nudges about them), and each program's name.
PRIVATE_WORDS: dict[str, tuple[str, ...]] = {
    pair_words.MESSAGE_WORDS: PAIR,
    pair_words.AGREEMENT_WORDS: PAIR,
    pair_words.PRIVATE_NOTE_WORDS: (MENTEE,),
    pair_words.MEETING_NOTES_WORDS: PAIR,
    pair_words.MEETING_TITLE_WORDS: PAIR,
    pair_words.MEETING_AGENDA_WORDS: PAIR,
    pair_words.GOAL_WORDS: PAIR,
    pair_words.MILESTONE_WORDS: PAIR,
    pair_words.COMMENT_WORDS: PAIR,
    pair_words.CHECK_IN_WORDS: PAIR,
    pair_words.NOTE_TO_MANAGERS_WORDS: (MENTEE, *MANAGERS),
    pair_words.SHARED_DOCUMENT_WORDS: PAIR,
    pair_words.REPORT_WORDS: (MENTOR, *MANAGERS),
    pair_words.NUDGE_WORDS: (*PAIR, *MANAGERS),
    pair_words.PROGRAM_WORDS: (*READERS, *PAIR, PARTICIPANT),
    pair_words.OTHER_PROGRAM_WORDS: (OWNER, ADMIN, PM2, REPORT_VIEWER),
}


def _valid_goal(_matrix_world) -> dict:
    today = timezone.localdate()
    fields = {
        "title": "Hijacked goal",
        "measure": "Hijacked",
        "target_date": (today + datetime.timedelta(days=30)).isoformat(),
        "progress_source": "milestones",
        "due_on": (today + datetime.timedelta(days=10)).isoformat(),
        "owner": "mentee",
        "progress": "50",
        "note": "Hijacked",
    }
    # The goal page's edit form has the prefix "edit".
    return fields | {f"edit-{name}": value for name, value in fields.items()}


def _valid_slots(_matrix_world) -> dict:
    start = timezone.localtime() + datetime.timedelta(days=5)
    return {"duration_minutes": "30", "slot_1": start.strftime("%Y-%m-%dT%H:%M")}


VALID_AGREEMENT = {
    "channels": ["chat"],
    "meeting_cadence": "monthly",
    "response_time": "week",
    "goals_scope": "Hijacked",
    "confidentiality": "Hijacked",
}


def _share_into_the_mentorship(matrix_world) -> dict:
    return {"mentorship": matrix_world.mentorship.pk, "note": "Hijacked"}


def _request_for_the_mentee(matrix_world) -> dict:
    """The mentee's enrolment asking the mentor, as anyone but the mentee must not."""
    return {
        "enrolment": matrix_world.mentee_enrolment_id,
        "mentor": matrix_world.mentor_enrolment_id,
        "message": "Hijacked",
    }


_EVERYONE_METHOD = everyone(METHOD)

WEB_ROWS: dict[str, Row] = {
    # The organisation.
    "overview": Row(get=everyone()),
    "organizations:members": Row(get=only(NOT_PARTICIPANTS)),
    "organizations:member_role": post_only(only(STAFF), gate=only(STAFF, METHOD)),
    "organizations:member_remove": post_only(
        but(only(STAFF), mentee=OK), note="The URL is the mentee's membership: they may leave."
    ),
    "organizations:invitation_create": post_only(only(STAFF), gate=only(STAFF, METHOD)),
    "organizations:invitation_revoke": post_only(only(STAFF), gate=only(STAFF, METHOD)),
    "organizations:invitation_accept": Row(
        get=but(public(INVALID), anonymous=OK),
        post=but(public(INVALID), anonymous=OK),
        note="The link of an invitation to someone else: anyone may look, only its invitee "
        "accepts; the others are told it is not theirs (400). Anonymous: asked to sign in.",
    ),
    "organizations:settings": Row(get=only(STAFF)),
    # Programs, cohorts, participants, questions.
    "programs:list": Row(
        get=grid((NOT_PARTICIPANTS, OK), rest=NOT_FOUND),
        note="Participants have no programs page (404); they use their own programs page.",
    ),
    "programs:create": Row(get=only(PROGRAM_CREATORS)),
    "programs:detail": Row(get=program_page()),
    "programs:edit": Row(get=program()),
    "programs:status": post_only(program()),
    "programs:manager_assign": post_only(only(STAFF), gate=only(STAFF, METHOD)),
    "programs:manager_remove": post_only(only(STAFF), gate=only(STAFF, METHOD)),
    "programs:cohort_create": Row(get=program()),
    "programs:cohort_detail": Row(get=program_page()),
    "programs:cohort_edit": Row(get=program()),
    "programs:cohort_status": post_only(program()),
    "programs:questions": Row(get=program_page()),
    "programs:question_create": Row(get=program()),
    "programs:question_edit": Row(get=program()),
    "programs:question_move": post_only(program()),
    "programs:question_delete": post_only(program()),
    "programs:skills": post_only(program()),
    "programs:participants": Row(get=program()),
    "programs:participant_add": post_only(program()),
    "programs:participant_invite": post_only(program()),
    "programs:participant_import": post_only(program()),
    "programs:participants_bulk": post_only(program()),
    "programs:participant_edit": Row(get=program()),
    "programs:cohort_applications": post_only(program()),
    "programs:apply": Row(
        get=public(),
        post=public(),
        secret_link=True,
        note="A cohort's application link: whoever holds it may apply and so join Alpha as a "
        "member (by design); anonymous is asked to sign in first.",
    ),
    # A participant's own enrolment (the mentor's).
    "programs:my_programs": Row(get=everyone()),
    "programs:profile": Row(get=own(MENTOR)),
    "programs:withdraw": post_only(own(MENTOR)),
    # Matching.
    "matching:settings": Row(get=program()),
    "matching:runs": Row(get=program()),
    "matching:run_start": post_only(program()),
    "matching:run": Row(get=program()),
    "matching:run_swap": post_only(program()),
    "matching:run_rerun": post_only(program()),
    "matching:run_publish": post_only(program()),
    "matching:run_discard": post_only(program()),
    "matching:proposal_lock": post_only(program()),
    "matching:proposal_remove": post_only(program()),
    "matching:suggestions": Row(get=own(MENTOR)),
    "matching:request_send": post_only(own(MENTOR)),
    "matching:mentor_exclude": post_only(own(MENTOR)),
    "matching:requests": Row(get=everyone()),
    # The mentee asked the mentor: the mentor answers, the mentee withdraws.
    "matching:request_accept": post_only(but(pair(), mentee=FORBIDDEN)),
    "matching:request_decline": post_only(but(pair(), mentee=FORBIDDEN)),
    "matching:request_withdraw": post_only(but(pair(), mentor=FORBIDDEN)),
    # The mentorship's home and agreement.
    "relationships:mentorship": Row(get=pair(managers=OK)),
    "relationships:agreement_edit": post_only(pair(managers=FORBIDDEN), data=VALID_AGREEMENT),
    "relationships:agreement_confirm": post_only(pair(managers=FORBIDDEN)),
    "relationships:mentorship_status": post_only(pair(managers=OK)),
    "relationships:mentorship_end": post_only(pair(managers=OK)),
    "relationships:mentorship_end_reason": post_only(pair(managers=FORBIDDEN)),
    "relationships:cohort_pairs": Row(get=program_page()),
    "relationships:my_mentorships": Row(get=everyone()),
    # Messages: the pair's alone; P1's managers handle what is reported to them.
    "messaging:inbox": Row(get=everyone()),
    "messaging:thread": Row(get=pair()),
    "messaging:send": post_only(pair()),
    "messaging:attachment": Row(get=pair()),
    "messaging:message_edit": post_only(but(pair(), mentor=FORBIDDEN)),
    "messaging:message_delete": post_only(but(pair(), mentor=FORBIDDEN)),
    "messaging:message_report": post_only(pair()),
    "messaging:reports": Row(get=program()),
    "messaging:report_resolve": post_only(program()),
    # Goals: the pair writes; P1's managers read numbers (and shared goals).
    "goals:mentorship_goals": Row(get=pair(managers=OK)),
    "goals:goal_create": post_only(pair(managers=FORBIDDEN), data=_valid_goal),
    "goals:check_ins": Row(get=pair(managers=OK), post=pair(managers=FORBIDDEN)),
    "goals:goal": Row(get=pair(managers=OK)),
    "goals:goal_edit": post_only(pair(managers=FORBIDDEN), data=_valid_goal),
    "goals:goal_progress": post_only(pair(managers=FORBIDDEN), data=_valid_goal),
    "goals:goal_status": post_only(pair(managers=FORBIDDEN)),
    "goals:goal_share": post_only(
        but(pair(managers=FORBIDDEN), mentor=FORBIDDEN),
        note="Only the mentee whose goal it is shares its words with the managers.",
    ),
    "goals:milestone_create": post_only(pair(managers=FORBIDDEN), data=_valid_goal),
    "goals:milestone_done": post_only(pair(managers=FORBIDDEN)),
    "goals:milestone_reopen": post_only(pair(managers=FORBIDDEN)),
    "goals:milestone_delete": post_only(pair(managers=FORBIDDEN)),
    "goals:milestone_comment": post_only(pair(managers=FORBIDDEN)),
    "goals:relationship_milestone_done": post_only(pair(managers=FORBIDDEN)),
    "goals:relationship_milestone_reopen": post_only(pair(managers=FORBIDDEN)),
    "goals:program_settings": Row(get=program()),
    "goals:template_create": post_only(program()),
    "goals:template_delete": post_only(program()),
    "goals:program_milestone_create": post_only(program()),
    "goals:program_milestone_delete": post_only(program()),
    "goals:check_in_settings": post_only(program()),
    # Meetings: P1's managers see when and whether, never the title, agenda or notes.
    "meetings:mentorship_meetings": Row(
        get=pair(managers=OK), post=pair(managers=FORBIDDEN), data=_valid_slots
    ),
    "meetings:detail": Row(get=pair(managers=OK)),
    "meetings:accept": post_only(pair(managers=FORBIDDEN)),
    "meetings:decline": post_only(pair(managers=FORBIDDEN)),
    "meetings:reschedule": post_only(pair(managers=FORBIDDEN), data=_valid_slots),
    "meetings:cancel": post_only(pair(managers=FORBIDDEN)),
    "meetings:notes": post_only(pair(managers=FORBIDDEN)),
    "meetings:private_note": post_only(pair(managers=FORBIDDEN)),
    "meetings:attendance": post_only(
        pair(managers=FORBIDDEN), data={"attendance": "held", "outcome": "Hijacked"}
    ),
    "meetings:ics": Row(get=pair(managers=FORBIDDEN)),
    "meetings:calendar": Row(get=everyone()),
    "meetings:calendar_create": post_only(everyone()),
    "meetings:calendar_revoke": post_only(everyone()),
    "meetings:settings": Row(get=only(STAFF)),
    "meetings:feed": Row(
        get=public(),
        post=public(INVALID),
        secret_link=True,
        note="The mentor's calendar address: the token is the credential; it is only read.",
    ),
    # Resources: P1's library for P1's people, the pair's shared space for the pair alone.
    "resources:library": Row(get=in_program()),
    "resources:resource_create": Row(get=program_settings()),
    "resources:resource": Row(get=in_program()),
    "resources:resource_edit": Row(get=program_settings()),
    "resources:resource_delete": post_only(program_settings()),
    "resources:resource_file": Row(get=in_program()),
    "resources:resource_calendar": Row(get=in_program()),
    "resources:resource_share": post_only(
        grid((SEES_P1, REFUSED), (PAIR, OK), rest=NOT_FOUND),
        data=_share_into_the_mentorship,
        note="Sharing into one's own mentorship: others are told they have none to share in.",
    ),
    "resources:shared": Row(get=pair()),
    "resources:shared_upload": post_only(pair()),
    "resources:shared_file": Row(get=pair()),
    # The mentee shared the document: the mentor marks it done, only the mentee removes it.
    "resources:shared_done": post_only(but(pair(), mentor=FORBIDDEN)),
    "resources:shared_remove": post_only(but(pair(), mentor=FORBIDDEN)),
    # Surveys: P1's managers set them up, report viewers read the results, the pair answers.
    "surveys:program_surveys": Row(get=program_page()),
    "surveys:suggested": post_only(program()),
    "surveys:survey_settings": post_only(program()),
    "surveys:question_create": Row(get=program()),
    "surveys:question_edit": Row(get=program()),
    "surveys:question_move": post_only(program()),
    "surveys:question_delete": post_only(program()),
    "surveys:results": Row(get=program_page()),
    "surveys:respond": Row(get=pair()),
    # Notifications and nudges.
    "notifications:centre": Row(get=everyone()),
    "notifications:read_all": post_only(everyone()),
    "notifications:read": post_only(own(MENTOR)),
    "nudges:program_settings": Row(get=program()),
    "nudges:mentorship_log": Row(get=managers_only()),
    "nudges:failed_emails": Row(get=only(STAFF)),
    "nudges:retry_email": post_only(only(STAFF), gate=only(STAFF, METHOD)),
    # Reports: every reporting role, each on the programs they see (P2's manager: P2 only).
    "reports:dashboard": Row(get=only(REPORTERS)),
    "reports:audit_log": Row(get=only(OWNER)),
    # The organisation's audit log of admin actions, and its CSV: owners only.
    "organizations:audit_log": Row(get=only(OWNER)),
    "organizations:audit_log_csv": Row(get=only(OWNER)),
    "reports:organization_export": Row(
        get=only(OWNER),
        note="GET shows what the ZIP holds, POST downloads it; both after the password.",
    ),
    "exports:progress_csv": Row(get=only(REPORTERS), post=_EVERYONE_METHOD),
    "exports:progress_xlsx": Row(get=only(REPORTERS), post=_EVERYONE_METHOD),
    "exports:progress_pdf": Row(get=only(REPORTERS), post=_EVERYONE_METHOD),
    "exports:participants_csv": Row(get=only(REPORTERS), post=_EVERYONE_METHOD),
    "exports:scheduled": Row(get=only(SUBSCRIBERS)),
    "exports:scheduled_remove": post_only(
        grid((REPORT_VIEWER, OK), (STAFF, NOT_FOUND), rest=FORBIDDEN),
        gate=only(SUBSCRIBERS, METHOD),
        note="The report viewer's subscription: another subscriber finds none (404).",
    ),
}

API_ROWS: dict[str, Row] = {
    # The organisation.
    "api_organization": Row(get=everyone(), patch=only(STAFF)),
    "api_members": Row(get=only(NOT_PARTICIPANTS)),
    "api_member": Row(
        get=only(NOT_PARTICIPANTS),
        patch=only(STAFF),
        delete=but(only(STAFF), mentee=OK),
        note="The mentee's membership: they may leave, not change their own role.",
    ),
    "api_invitations": Row(get=only(STAFF), post=only(STAFF)),
    "api_invitation": Row(get=only(STAFF), delete=only(STAFF)),
    # Programs.
    "api_programs": Row(get=everyone(), post=only(PROGRAM_CREATORS)),
    "api_program": Row(get=program_page(), patch=program()),
    "api_program_templates": Row(get=everyone()),
    "api_program_managers": Row(
        get=program_page(),
        post=grid((STAFF, OK), ((PM1, REPORT_VIEWER), FORBIDDEN), rest=NOT_FOUND),
    ),
    "api_program_manager": Row(
        get=program_page(METHOD),
        delete=grid((STAFF, OK), ((PM1, REPORT_VIEWER), FORBIDDEN), rest=NOT_FOUND),
    ),
    "api_cohorts": Row(get=program_page(), post=program()),
    "api_cohort": Row(get=program_page(), patch=program()),
    "api_cohort_transition": Row(get=program_page(METHOD), post=program()),
    "api_questions": Row(get=program_page(), post=program()),
    "api_question": Row(get=program_page(), patch=program(), delete=program()),
    "api_question_move": Row(get=program_page(METHOD), post=program()),
    "api_enrolments": Row(get=program(), post=program()),
    "api_enrolments_import": Row(get=program_page(METHOD), post=program()),
    "api_my_enrolments": Row(get=everyone()),
    "api_my_profile": Row(get=own(MENTOR), put=own(MENTOR)),
    "api_my_suggestions": Row(
        get=own(MENTOR, INVALID), note="The mentor's enrolment: suggestions are for mentees."
    ),
    # Mentorships.
    "api_mentorships": Row(get=everyone()),
    "api_mentorship": Row(get=pair(managers=OK)),
    "api_agreement": Row(get=pair(managers=FORBIDDEN), patch=pair(managers=FORBIDDEN)),
    "api_agreement_confirm": Row(
        get=pair(METHOD, managers=FORBIDDEN), post=pair(managers=FORBIDDEN)
    ),
    "api_mentorship_end": Row(get=pair(METHOD, managers=METHOD), post=pair(managers=OK)),
    "api_mentorship_end_reason": Row(
        get=pair(METHOD, managers=METHOD), post=pair(managers=FORBIDDEN)
    ),
    "api_mentorship_status": Row(get=pair(METHOD, managers=METHOD), post=pair(managers=OK)),
    "api_mentorship_health": Row(get=pair(managers=OK)),
    "api_cohort_pairs": Row(get=program_page()),
    # Matching.
    "api_matching_settings": Row(get=program(), patch=program()),
    "api_match_runs": Row(get=program(), post=program()),
    "api_match_run": Row(get=program()),
    "api_match_run_proposals": Row(get=program()),
    "api_match_run_unmatched": Row(get=program()),
    "api_match_run_swap": Row(get=program(METHOD), post=program()),
    "api_match_run_rerun": Row(get=program(METHOD), post=program()),
    "api_match_run_publish": Row(get=program(METHOD), post=program()),
    "api_match_run_discard": Row(get=program(METHOD), post=program()),
    "api_match_proposal": Row(get=program(METHOD), delete=program()),
    "api_match_proposal_lock": Row(get=program(METHOD), post=program()),
    "api_mentorship_requests": Row(
        get=everyone(),
        post=but(everyone(INVALID), mentee=OK),
        data=_request_for_the_mentee,
        note="A request in the name of the mentee's enrolment: anyone else is told to choose "
        "one of their own (400, as for an enrolment that does not exist).",
    ),
    "api_mentorship_request_accept": Row(get=pair(METHOD), post=but(pair(), mentee=FORBIDDEN)),
    "api_mentorship_request_decline": Row(get=pair(METHOD), post=but(pair(), mentee=FORBIDDEN)),
    "api_mentorship_request_withdraw": Row(get=pair(METHOD), post=but(pair(), mentor=FORBIDDEN)),
    # Messages.
    "api_conversations": Row(get=everyone()),
    "api_conversation": Row(get=pair()),
    "api_conversation_messages": Row(get=pair(), post=pair()),
    "api_conversation_read": Row(get=pair(METHOD), post=pair()),
    "api_message": Row(
        get=pair(METHOD),
        patch=but(pair(), mentor=FORBIDDEN),
        delete=but(pair(), mentor=FORBIDDEN),
        note="The mentee's message: only its author changes it.",
    ),
    "api_message_report": Row(get=pair(METHOD), post=pair()),
    "api_attachment": Row(get=pair()),
    # Goals.
    "api_goals": Row(get=pair(managers=OK), post=pair(managers=FORBIDDEN)),
    "api_relationship_milestones": Row(get=pair(managers=OK)),
    "api_check_ins": Row(get=pair(managers=OK), post=pair(managers=FORBIDDEN)),
    "api_goal": Row(get=pair(managers=OK), patch=pair(managers=FORBIDDEN)),
    "api_goal_progress": Row(get=pair(METHOD, managers=METHOD), post=pair(managers=FORBIDDEN)),
    "api_goal_status": Row(get=pair(METHOD, managers=METHOD), post=pair(managers=FORBIDDEN)),
    "api_goal_share": Row(
        get=pair(METHOD, managers=METHOD),
        post=but(pair(managers=FORBIDDEN), mentor=FORBIDDEN),
        data={"shared": True},
    ),
    "api_goal_history": Row(get=pair(managers=FORBIDDEN)),
    "api_goal_milestones": Row(get=pair(managers=OK), post=pair(managers=FORBIDDEN)),
    "api_milestone": Row(
        get=pair(managers=OK), patch=pair(managers=FORBIDDEN), delete=pair(managers=FORBIDDEN)
    ),
    "api_milestone_complete": Row(get=pair(METHOD, managers=METHOD), post=pair(managers=FORBIDDEN)),
    "api_milestone_comments": Row(get=pair(managers=FORBIDDEN), post=pair(managers=FORBIDDEN)),
    "api_relationship_milestone_complete": Row(
        get=pair(METHOD, managers=METHOD), post=pair(managers=FORBIDDEN)
    ),
    "api_goal_templates": Row(get=in_program(), post=program_settings()),
    "api_goal_template": Row(get=in_program(METHOD), delete=program_settings()),
    "api_program_milestones": Row(get=program_settings(), post=program_settings()),
    "api_program_milestone": Row(get=program_settings(METHOD), delete=program_settings()),
    "api_check_in_settings": Row(get=program_settings(), put=program_settings()),
    # Meetings.
    "api_mentorship_meetings": Row(get=pair(managers=OK), post=pair(managers=FORBIDDEN)),
    "api_mentorship_free_times": Row(get=pair(managers=FORBIDDEN)),
    "api_meeting": Row(get=pair(managers=OK)),
    "api_meeting_accept": Row(get=pair(METHOD, managers=FORBIDDEN), post=pair(managers=FORBIDDEN)),
    "api_meeting_decline": Row(get=pair(METHOD, managers=FORBIDDEN), post=pair(managers=FORBIDDEN)),
    "api_meeting_reschedule": Row(
        get=pair(METHOD, managers=FORBIDDEN), post=pair(managers=FORBIDDEN)
    ),
    "api_meeting_cancel": Row(get=pair(METHOD, managers=FORBIDDEN), post=pair(managers=FORBIDDEN)),
    "api_meeting_notes": Row(get=pair(managers=FORBIDDEN), patch=pair(managers=FORBIDDEN)),
    "api_meeting_private_note": Row(get=pair(managers=FORBIDDEN), patch=pair(managers=FORBIDDEN)),
    "api_meeting_attendance": Row(
        get=pair(METHOD, managers=FORBIDDEN), post=pair(managers=FORBIDDEN)
    ),
    "api_meeting_ics": Row(get=pair(managers=FORBIDDEN)),
    "api_calendar_feed": Row(get=everyone(), post=everyone(), delete=everyone()),
    "api_meeting_settings": Row(get=everyone(), patch=only(STAFF)),
    # Resources.
    "api_program_resources": Row(get=in_program(), post=program_settings()),
    "api_program_resources_recommended": Row(get=in_program()),
    "api_resource": Row(get=in_program(), patch=program_settings(), delete=program_settings()),
    "api_resource_file": Row(get=in_program()),
    "api_mentorship_shared": Row(get=pair(), post=pair()),
    "api_shared_item": Row(get=pair(), delete=but(pair(), mentor=FORBIDDEN)),
    "api_shared_item_done": Row(get=pair(METHOD), post=but(pair(), mentor=FORBIDDEN)),
    "api_shared_item_file": Row(get=pair()),
    # Surveys.
    "api_program_surveys": Row(get=program_page()),
    "api_survey_results": Row(get=program_page()),
    "api_survey_respond": Row(get=pair(METHOD), post=pair()),
    # Notifications and nudges.
    "api_notifications": Row(get=everyone()),
    "api_notifications_read": Row(get=everyone(METHOD), post=everyone()),
    "api_notifications_unread_count": Row(get=everyone()),
    "api_program_nudge_settings": Row(get=program(), put=program()),
    "api_mentorship_nudges": Row(get=managers_only(), post=managers_only()),
    "api_failed_emails": Row(get=only(STAFF)),
    # Reports.
    "api_report_dashboard": Row(get=only(REPORTERS)),
    "api_report_funnel": Row(get=only(REPORTERS)),
    "api_report_health": Row(get=only(REPORTERS)),
    "api_report_audit": Row(get=only(OWNER)),
    "api_audit_events": Row(get=only(OWNER)),
    "api_organization_export": Row(get=only(OWNER)),
}

# Routes outside any organisation (tests/security/routes.py GLOBAL_ROUTES): the user's own.
GLOBAL_ROWS: dict[str, Row] = {
    "landing": Row(get=public()),
    "home": Row(get=signed_in()),
    "healthz": Row(get=public()),
    "organizations:create": Row(get=signed_in()),
    "accounts:settings": Row(get=signed_in()),
    "accounts:token_create": Row(get=public(METHOD), post=signed_in()),
    "accounts:token_revoke": Row(
        get=public(METHOD),
        post=grid((MENTOR, OK), rest=REFUSED, foreign=REFUSED),
        note="The mentor's token: anyone else is told there is no such token.",
    ),
    "accounts:sign_out_everywhere": Row(
        get=public(METHOD),
        post=signed_in(),
        ends_session=True,
        note="Each person ends their own sessions only.",
    ),
    "api_me": Row(get=signed_in(), patch=signed_in()),
    "privacy:data_download": Row(
        get=signed_in(),
        post=signed_in(METHOD),
        note="Each person's own data: the words private to others must not be in it.",
    ),
    "privacy:erase": Row(
        get=public(METHOD),
        post=signed_in(),
        note="Confirmed by the person's own email address: the test's body is refused (400).",
    ),
    "privacy:erased": Row(get=public(), post=public(METHOD)),
    "api_me_data": Row(get=signed_in()),
    "api_me_erase": Row(get=signed_in(METHOD), post=signed_in()),
    "api_organizations": Row(get=signed_in(), post=signed_in()),
    "api_schema": Row(get=public()),
    "api_docs": Row(get=public()),
    "notifications:preferences": Row(get=signed_in()),
    "notifications:unsubscribe": Row(
        get=public(),
        secret_link=True,
        note="The mentor's signed link: it only turns one kind of email off, for whoever holds it.",
    ),
    "api_notification_preferences": Row(get=signed_in(), put=signed_in()),
    "api_email_bounces": Row(
        get=public(METHOD),
        post=public(NOT_FOUND),
        note="The mail provider's webhook: without its shared secret it does not exist.",
    ),
}

# Third-party route families (tests/security/routes.py GLOBAL_PREFIXES): one route of each,
# or why none is requested.
PREFIX_ROWS: dict[str, tuple[str, Row] | str] = {
    "accounts/": ("account_login", Row(get=but(signed_in(), anonymous=OK))),
    "admin/": ("admin:index", Row(get=public(LOGIN), note="Operators only: nobody here is.")),
    "static/": "no URL pattern: static files are served by WhiteNoise's middleware",
}

ROWS: dict[str, Row] = WEB_ROWS | API_ROWS | GLOBAL_ROWS

# Websockets (mentorship/routing.py): connecting, then each frame type of the consumer, sent by
# each role about the pair's conversation and the mentee's message. Bravo's owner and anonymous
# never get a socket: their rows say how it was closed.
CONNECTED = "connected"
CLOSED_NOT_MEMBER = "closed 4404"  # not a member of the organisation in the URL
CLOSED_ANONYMOUS = "closed 4401"
LISTED = "listed"  # the hello frame lists the pair's conversation
UNLISTED = "unlisted"
REJECTED = "rejected"  # an error frame with the reason; nothing stored
WEBSOCKET_ANSWERS = (OK, CONNECTED, CLOSED_NOT_MEMBER, CLOSED_ANONYMOUS, LISTED, UNLISTED, REJECTED)


def socket(*given: tuple[Iterable[str] | str, Cell], rest: Cell) -> dict[str, Cell]:
    return grid(*given, rest=rest, foreign=CLOSED_NOT_MEMBER, anonymous=CLOSED_ANONYMOUS)


WEBSOCKET_ROWS: dict[str, dict[str, Answers]] = {
    "ws_notifications": {
        "connect": socket(rest=CONNECTED),
        "ping": socket(rest=OK),
        "unknown": socket(rest=REJECTED),
    },
    "ws_chat": {
        "connect": socket(rest=CONNECTED),
        # Admins and managers never read the pair's messages: not subscribed to them either.
        "subscribed": socket((PAIR, LISTED), rest=UNLISTED),
        "ping": socket(rest=OK),
        "send": socket((PAIR, OK), rest=REJECTED),
        "sync": socket((PAIR, OK), rest=REJECTED),
        "read": socket((PAIR, OK), rest=REJECTED),
        "typing": socket((PAIR, OK), rest=REJECTED),
        # The mentee's message: only its author edits or deletes it.
        "edit": socket((MENTEE, OK), rest=REJECTED),
        "delete": socket((MENTEE, OK), rest=REJECTED),
        "unknown": socket(rest=REJECTED),
    },
}
