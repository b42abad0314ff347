from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from mentorship.forms import apply_validation_error, save_form
from organizations.access import organization_view
from organizations.models import Membership
from organizations.selectors import get_organization_by_slug
from programs import selectors, services
from programs.access import can_assign_program_managers, can_create_programs, can_manage_program
from programs.forms import (
    AddParticipantForm,
    ApplyForm,
    CohortForm,
    CohortTransitionForm,
    InviteParticipantForm,
    ManagerAssignForm,
    ParticipantDetailsForm,
    ParticipantFilterForm,
    ParticipantImportForm,
    ProgramForm,
    QuestionForm,
    SkillsForm,
)
from programs.imports import ImportFileError, read_participant_csv
from programs.models import (
    Cohort,
    CohortStatus,
    EnrolmentRole,
    EnrolmentState,
    ProfileQuestion,
    Program,
    ProgramStatus,
)
from programs.profile_form import ProfileForm
from programs.program_templates import PROGRAM_TEMPLATES

COHORT_STEPS = [
    CohortStatus.DRAFT,
    CohortStatus.ENROLLING,
    CohortStatus.MATCHING,
    CohortStatus.ACTIVE,
    CohortStatus.COMPLETED,
]

# What the button for each move says, and what it means for people.
COHORT_ACTIONS = {
    CohortStatus.ENROLLING: ("Open enrolment", "People can enrol and fill their profiles."),
    CohortStatus.DRAFT: ("Back to draft", "Enrolment closes again until you reopen it."),
    CohortStatus.MATCHING: (
        "Close enrolment and start matching",
        "No one else can enrol; you match the people who did.",
    ),
    CohortStatus.ACTIVE: ("Start mentoring", "Matched pairs begin working together."),
    CohortStatus.COMPLETED: (
        "Complete the cohort",
        "Relationships end; the cohort becomes read-only.",
    ),
}


def _program_url(membership: Membership, program: Program) -> str:
    return reverse(
        "programs:detail",
        kwargs={"org_slug": membership.organization.slug, "program_id": program.pk},
    )


def _cohort_url(membership: Membership, cohort: Cohort) -> str:
    return reverse(
        "programs:cohort_detail",
        kwargs={
            "org_slug": membership.organization.slug,
            "program_id": cohort.program_id,
            "cohort_id": cohort.pk,
        },
    )


def _managed_program(membership: Membership, program_id: int) -> Program:
    program = selectors.get_program_for(membership, program_id)
    if not can_manage_program(membership, program):
        raise PermissionDenied("You can see this program but do not run it.")
    return program


@organization_view()
def program_list(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    if membership.role == "member":
        raise Http404("No such page.")
    return render(
        request,
        "programs/list.html",
        {
            "membership": membership,
            "programs": selectors.program_list_for(membership),
            "can_create": can_create_programs(membership),
        },
    )


@organization_view(allow=can_create_programs)
def program_create(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    template_key = request.GET.get("template") or request.POST.get("template") or ""
    if template_key not in PROGRAM_TEMPLATES and template_key != "blank":
        return render(
            request,
            "programs/choose_template.html",
            {"membership": membership, "templates": PROGRAM_TEMPLATES.values()},
        )
    template = PROGRAM_TEMPLATES.get(template_key)
    initial = template.initial() if template else ProgramForm.base_initial()
    form = ProgramForm(request.POST or None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: services.program_create(
            actor_membership=membership,
            values=form.settings(),
            template=template.key if template else "",
        ),
        success=lambda program: f"{program.name} is created as a draft. Add its first cohort next.",
        redirect_to=lambda program: _program_url(membership, program),
    )
    if saved:
        return saved
    return render(
        request,
        "programs/form.html",
        {
            "membership": membership,
            "form": form,
            "template": template,
            "template_key": template_key,
        },
        status=400 if form.errors else 200,
    )


@organization_view()
def program_detail(
    request: HttpRequest, program_id: int, *, membership: Membership
) -> HttpResponse:
    program = selectors.get_program_for(membership, program_id)
    can_manage = can_manage_program(membership, program)
    can_assign = can_assign_program_managers(membership)
    context = {
        "membership": membership,
        "program": program,
        "can_manage": can_manage,
        "can_assign": can_assign,
        "managers": selectors.program_managers_of(program),
        "cohorts": selectors.cohorts_of(program),
    }
    if can_assign:
        context["manager_form"] = ManagerAssignForm(
            candidates=selectors.assignable_program_managers(program)
        )
    return render(request, "programs/detail.html", context)


@organization_view()
def program_edit(request: HttpRequest, program_id: int, *, membership: Membership) -> HttpResponse:
    program = _managed_program(membership, program_id)
    initial = {name: getattr(program, name) for name in ProgramForm.base_fields}
    form = ProgramForm(request.POST or None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: services.program_update(
            actor_membership=membership, program=program, values=form.settings()
        ),
        success="Program settings saved.",
        redirect_to=_program_url(membership, program),
    )
    if saved:
        return saved
    return render(
        request,
        "programs/form.html",
        {"membership": membership, "form": form, "program": program},
        status=400 if form.errors else 200,
    )


@organization_view()
@require_POST
def program_status(
    request: HttpRequest, program_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    status = request.POST.get("status", "")
    try:
        services.program_set_status(actor_membership=membership, program=program, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{program.name} is now {ProgramStatus(status).label.lower()}.")
    return redirect("programs:detail", org_slug=membership.organization.slug, program_id=program.pk)


@organization_view(allow=can_assign_program_managers)
@require_POST
def manager_assign(
    request: HttpRequest, program_id: int, *, membership: Membership
) -> HttpResponse:
    program = selectors.get_program_for(membership, program_id)
    form = ManagerAssignForm(
        request.POST, candidates=selectors.assignable_program_managers(program)
    )
    if not form.is_valid():
        messages.error(request, "Choose one of the listed program managers.")
    else:
        try:
            assignment = services.program_manager_assign(
                actor_membership=membership, program=program, user_id=form.cleaned_data["user_id"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{assignment.user} now runs {program.name}.")
    return redirect("programs:detail", org_slug=membership.organization.slug, program_id=program.pk)


@organization_view(allow=can_assign_program_managers)
@require_POST
def manager_remove(
    request: HttpRequest, program_id: int, user_id: int, *, membership: Membership
) -> HttpResponse:
    program = selectors.get_program_for(membership, program_id)
    services.program_manager_unassign(actor_membership=membership, program=program, user_id=user_id)
    messages.success(request, "Program manager removed from this program.")
    return redirect("programs:detail", org_slug=membership.organization.slug, program_id=program.pk)


@organization_view()
def cohort_create(request: HttpRequest, program_id: int, *, membership: Membership) -> HttpResponse:
    program = _managed_program(membership, program_id)
    form = CohortForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.cohort_create(
            actor_membership=membership, program=program, values=form.settings()
        ),
        success=lambda cohort: (
            f"Cohort {cohort.name} is set up. Open enrolment when you are ready."
        ),
        redirect_to=lambda cohort: _cohort_url(membership, cohort),
    )
    if saved:
        return saved
    return render(
        request,
        "programs/cohort_form.html",
        {"membership": membership, "program": program, "form": form},
        status=400 if form.errors else 200,
    )


@organization_view()
def cohort_edit(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    initial = {name: getattr(cohort, name) for name in CohortForm.base_fields}
    form = CohortForm(request.POST or None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: services.cohort_update(
            actor_membership=membership, cohort=cohort, values=form.settings()
        ),
        success="Cohort saved.",
        redirect_to=_cohort_url(membership, cohort),
    )
    if saved:
        return saved
    return render(
        request,
        "programs/cohort_form.html",
        {"membership": membership, "program": program, "cohort": cohort, "form": form},
        status=400 if form.errors else 200,
    )


def _next_steps(cohort: Cohort) -> list[dict]:
    today = timezone.localdate()
    steps = []
    for to_status in services.COHORT_TRANSITIONS[cohort.status]:
        label, meaning = COHORT_ACTIONS[to_status]
        steps.append(
            {
                "status": to_status,
                "label": label,
                "meaning": meaning,
                "warning": services.cohort_date_rule_violation(cohort, to_status, today),
                "forward": COHORT_STEPS.index(to_status) > COHORT_STEPS.index(cohort.status),
            }
        )
    return sorted(steps, key=lambda step: not step["forward"])


@organization_view()
def cohort_detail(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = selectors.get_program_for(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    current = COHORT_STEPS.index(cohort.status)
    return render(
        request,
        "programs/cohort_detail.html",
        {
            "membership": membership,
            "program": program,
            "cohort": cohort,
            "can_manage": can_manage_program(membership, program),
            "steps": [
                {
                    "label": step.label,
                    "state": "done" if i < current else "current" if i == current else "todo",
                }
                for i, step in enumerate(COHORT_STEPS)
            ],
            "next_steps": _next_steps(cohort),
            "participants": _participant_summary(cohort),
            "application_url": request.build_absolute_uri(
                application_path(membership.organization.slug, cohort)
            ),
        },
    )


def _participant_summary(cohort: Cohort) -> list[dict]:
    """Per side: how many enrolled (not withdrawn), how many have a complete profile, the target."""
    counts = selectors.cohort_enrolment_counts(cohort)
    ready = (EnrolmentState.PROFILE_COMPLETE, EnrolmentState.MATCHED)
    summary = []
    for role, label, target in (
        (EnrolmentRole.MENTOR, "Mentors", cohort.target_mentors),
        (EnrolmentRole.MENTEE, "Mentees", cohort.target_mentees),
    ):
        by_state = counts[role]
        enrolled = sum(n for state, n in by_state.items() if state != EnrolmentState.WITHDRAWN)
        summary.append(
            {
                "label": label,
                "enrolled": enrolled,
                "ready": sum(by_state.get(state, 0) for state in ready),
                "withdrawn": by_state.get(EnrolmentState.WITHDRAWN, 0),
                "target": target,
            }
        )
    return summary


@organization_view()
@require_POST
def cohort_status(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    form = CohortTransitionForm(request.POST)
    if form.is_valid():
        try:
            cohort = services.cohort_transition(
                actor_membership=membership,
                cohort=cohort,
                to_status=form.cleaned_data["status"],
                force=form.cleaned_data["force"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{cohort.name} is now {cohort.get_status_display().lower()}."
            )
    return redirect(
        "programs:cohort_detail",
        org_slug=membership.organization.slug,
        program_id=program.pk,
        cohort_id=cohort.pk,
    )


def _questions_page(
    request: HttpRequest,
    membership: Membership,
    program: Program,
    skills_form: SkillsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "programs/questions.html",
        {
            "membership": membership,
            "program": program,
            "can_manage": can_manage_program(membership, program),
            "questions": selectors.questions_of(program),
            "skills_form": skills_form or SkillsForm(initial={"skills": "\n".join(program.skills)}),
        },
        status=status,
    )


@organization_view()
def questions(request: HttpRequest, program_id: int, *, membership: Membership) -> HttpResponse:
    program = selectors.get_program_for(membership, program_id)
    return _questions_page(request, membership, program)


@organization_view()
@require_POST
def skills_update(request: HttpRequest, program_id: int, *, membership: Membership) -> HttpResponse:
    program = _managed_program(membership, program_id)
    form = SkillsForm(request.POST)
    if form.is_valid():
        try:
            program = services.program_skills_update(
                actor_membership=membership,
                program=program,
                skills=form.cleaned_data["skills"].splitlines(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Skill list saved: {len(program.skills)} skills.")
            return redirect(
                "programs:questions", org_slug=membership.organization.slug, program_id=program.pk
            )
    return _questions_page(request, membership, program, skills_form=form, status=400)


def _question_form_page(
    request: HttpRequest, membership: Membership, program: Program, question: ProfileQuestion | None
) -> HttpResponse:
    partners = [
        q for q in selectors.questions_of(program) if question is None or q.pk != question.pk
    ]
    initial = (
        QuestionForm.initial_from(question)
        if question
        else {"audience": "both", "kind": "single_choice"}
    )
    form = QuestionForm(request.POST or None, initial=initial, partners=partners)

    def save() -> ProfileQuestion:
        if question is None:
            return services.question_create(
                actor_membership=membership, program=program, values=form.settings()
            )
        return services.question_update(
            actor_membership=membership, question=question, values=form.settings()
        )

    saved = save_form(
        request,
        form,
        save,
        success=lambda saved_question: f"Question saved: “{saved_question.label}”.",
        redirect_to=reverse(
            "programs:questions",
            kwargs={"org_slug": membership.organization.slug, "program_id": program.pk},
        ),
    )
    if saved:
        return saved
    return render(
        request,
        "programs/question_form.html",
        {"membership": membership, "program": program, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


@organization_view()
def question_create(
    request: HttpRequest, program_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    return _question_form_page(request, membership, program, None)


@organization_view()
def question_edit(
    request: HttpRequest, program_id: int, question_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    return _question_form_page(request, membership, program, question)


@organization_view()
@require_POST
def question_move(
    request: HttpRequest, program_id: int, question_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    services.question_move(
        actor_membership=membership, question=question, direction=request.POST.get("direction", "")
    )
    return redirect(
        reverse(
            "programs:questions",
            kwargs={"org_slug": membership.organization.slug, "program_id": program.pk},
        )
        + f"#question-{question.pk}"
    )


@organization_view()
@require_POST
def question_delete(
    request: HttpRequest, program_id: int, question_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    services.question_delete(actor_membership=membership, question=question)
    messages.success(request, f"Question removed: “{question.label}”.")
    return redirect(
        "programs:questions", org_slug=membership.organization.slug, program_id=program.pk
    )


@organization_view()
def my_programs(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    enrolments = [
        {
            "enrolment": enrolment,
            "editable": enrolment.state != EnrolmentState.WITHDRAWN
            and enrolment.cohort.status in services.PROFILE_EDITABLE_COHORT_STATES,
        }
        for enrolment in selectors.enrolments_of_member(membership)
    ]
    return render(
        request, "programs/my_programs.html", {"membership": membership, "enrolments": enrolments}
    )


@organization_view()
def profile_edit(
    request: HttpRequest, enrolment_id: int, *, membership: Membership
) -> HttpResponse:
    enrolment = selectors.get_own_enrolment(membership, enrolment_id)
    cohort = enrolment.cohort
    locked = cohort.status not in services.PROFILE_EDITABLE_COHORT_STATES or (
        enrolment.state == EnrolmentState.WITHDRAWN
    )
    form = ProfileForm(
        request.POST or None,
        questions=services.questions_for(enrolment),
        skills=cohort.program.skills,
        answers=selectors.answers_of(enrolment),
        mentor_capacity=enrolment.mentor_capacity,
        default_capacity=cohort.program.default_mentor_capacity
        if enrolment.role == EnrolmentRole.MENTOR
        else None,
    )
    if request.method == "POST" and not locked and form.is_valid():
        try:
            services.enrolment_save_profile(
                user=request.user,
                enrolment=enrolment,
                answers=form.raw_answers(),
                mentor_capacity=form.capacity(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_answer_errors(error.message_dict)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request, "Your profile is saved. Your program manager uses it to find your match."
            )
            return redirect("programs:my_programs", org_slug=membership.organization.slug)
    return render(
        request,
        "programs/profile_form.html",
        {"membership": membership, "enrolment": enrolment, "form": form, "locked": locked},
        status=400 if form.errors else 200,
    )


@organization_view()
@require_POST
def enrolment_withdraw(
    request: HttpRequest, enrolment_id: int, *, membership: Membership
) -> HttpResponse:
    enrolment = selectors.get_own_enrolment(membership, enrolment_id)
    try:
        services.enrolment_withdraw(actor=membership, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You have withdrawn from {enrolment.cohort.name}.")
    return redirect("programs:my_programs", org_slug=membership.organization.slug)


PARTICIPANT_CSV_HEADER = [
    "Name",
    "Email",
    "Role",
    "State",
    "Department",
    "Mentor capacity",
    "Profile completed",
]


class _Echo:
    """A file-like object that hands back what it is given, for streaming CSV rows."""

    def write(self, value: str) -> str:
        return value


def _participants_csv(cohort: Cohort, enrolments) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    default_capacity = cohort.program.default_mentor_capacity

    def rows():
        yield writer.writerow(PARTICIPANT_CSV_HEADER)
        for e in enrolments.iterator(chunk_size=500):
            capacity = (
                (e.mentor_capacity or default_capacity) if e.role == EnrolmentRole.MENTOR else ""
            )
            completed = e.profile_completed_at.date().isoformat() if e.profile_completed_at else ""
            yield writer.writerow(
                [
                    e.full_name,
                    e.email,
                    e.get_role_display(),
                    e.get_state_display(),
                    e.department,
                    capacity,
                    completed,
                ]
            )

    filename = slugify(f"{cohort.program.name} {cohort.name} participants") + ".csv"
    return StreamingHttpResponse(
        rows(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@organization_view()
def participants(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    return _participants_page(request, membership, program, cohort)


def _participants_url(membership: Membership, cohort: Cohort) -> str:
    return reverse(
        "programs:participants",
        kwargs={
            "org_slug": membership.organization.slug,
            "program_id": cohort.program_id,
            "cohort_id": cohort.pk,
        },
    )


def _participants_page(
    request: HttpRequest,
    membership: Membership,
    program: Program,
    cohort: Cohort,
    *,
    invite_form: InviteParticipantForm | None = None,
    import_form: ParticipantImportForm | None = None,
    import_report: list | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = ParticipantFilterForm(
        request.GET or None, departments=selectors.cohort_departments(cohort)
    )
    criteria = filters.cleaned_data if filters.is_valid() else {}
    enrolments = selectors.cohort_participants(
        cohort,
        search=criteria.get("q", "").strip(),
        role=criteria.get("role", ""),
        state=criteria.get("state", ""),
        department=criteria.get("department", ""),
    )
    if request.GET.get("format") == "csv":
        return _participants_csv(cohort, enrolments)
    counts = selectors.cohort_enrolment_counts(cohort)
    state_counts = [
        (state, sum(counts[role].get(state.value, 0) for role in counts))
        for state in EnrolmentState
    ]
    return render(
        request,
        "programs/participants.html",
        {
            "membership": membership,
            "program": program,
            "cohort": cohort,
            "filters": filters,
            "enrolments": enrolments,
            "state_counts": state_counts,
            "add_form": AddParticipantForm(
                prefix="add", candidates=selectors.members_not_enrolled(cohort)
            ),
            "invite_form": invite_form or InviteParticipantForm(prefix="invite"),
            "import_form": import_form or ParticipantImportForm(prefix="import"),
            "import_report": import_report or [],
            "bulk_actions": BULK_ACTIONS,
            "csv_query": request.GET.urlencode(),
        },
        status=status,
    )


@organization_view()
@require_POST
def participant_add(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    form = AddParticipantForm(
        request.POST, prefix="add", candidates=selectors.members_not_enrolled(cohort)
    )
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                f"{form.fields[name].label}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ),
        )
    else:
        member = selectors.get_member_for_enrolment(cohort, form.cleaned_data["membership_id"])
        try:
            enrolment = services.enrolment_add_member(
                actor_membership=membership,
                cohort=cohort,
                member=member,
                role=form.cleaned_data["role"],
                mentor_capacity=form.cleaned_data["mentor_capacity"],
                department=form.cleaned_data["department"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{enrolment.full_name} is enrolled as a {enrolment.get_role_display().lower()}; they fill in their profile under My programs.",
            )
    return redirect(
        "programs:participants",
        org_slug=membership.organization.slug,
        program_id=program.pk,
        cohort_id=cohort.pk,
    )


@organization_view()
@require_POST
def participant_invite(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    form = InviteParticipantForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            enrolment = services.enrolment_invite(
                actor_membership=membership, cohort=cohort, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if enrolment.state == EnrolmentState.INVITED:
                messages.success(
                    request,
                    f"Invitation sent to {enrolment.email}. They join {cohort.name} as a "
                    f"{enrolment.get_role_display().lower()} when they accept it.",
                )
            else:
                messages.success(
                    request, f"{enrolment.full_name} is a member already and is now enrolled."
                )
            return redirect(_participants_url(membership, cohort))
    return _participants_page(request, membership, program, cohort, invite_form=form, status=400)


@organization_view()
@require_POST
def participant_import(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    """Upload a participant CSV: every row is checked first; any problem imports nothing."""
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    form = ParticipantImportForm(request.POST, request.FILES, prefix="import")
    report: list = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, report = read_participant_csv(upload.chunks(), upload.size)
            if not report:
                result = services.enrolment_import(
                    actor_membership=membership, cohort=cohort, rows=rows
                )
        except ImportFileError as error:
            form.add_error("file", str(error))
        except services.ImportRejectedError as error:
            report = error.row_errors
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if not report:
                messages.success(
                    request,
                    f"Imported {len(rows)} participants: {result.enrolled_members} members enrolled, "
                    f"{result.invited} invited by email.",
                )
                return redirect(_participants_url(membership, cohort))
    return _participants_page(
        request, membership, program, cohort, import_form=form, import_report=report, status=400
    )


BULK_ACTIONS = {
    "approve": "Approve applications",
    "resend": "Resend invitations",
    "remove": "Remove from the cohort",
}


@organization_view()
@require_POST
def participants_bulk(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    action = request.POST.get("action", "")
    try:
        chosen = [int(value) for value in request.POST.getlist("enrolment")]
    except ValueError:
        chosen = []
    if action not in BULK_ACTIONS or not chosen:
        messages.error(request, "Tick at least one person and choose what to do.")
    elif action == "approve":
        result = services.enrolments_approve(
            actor_membership=membership, cohort=cohort, enrolment_ids=chosen
        )
        skipped = f" {result.skipped} skipped: they had not applied." if result.skipped else ""
        messages.success(
            request,
            f"{result.done} application{'s' if result.done != 1 else ''} approved.{skipped}",
        )
    elif action == "resend":
        result = services.enrolments_resend_invitations(
            actor_membership=membership, cohort=cohort, enrolment_ids=chosen
        )
        skipped = (
            f" {result.skipped} skipped: not invited, or reminded in the last day."
            if result.skipped
            else ""
        )
        messages.success(request, f"Invitation sent again to {result.done}.{skipped}")
    else:
        result = services.enrolments_remove(
            actor_membership=membership, cohort=cohort, enrolment_ids=chosen
        )
        skipped = (
            f" {result.skipped} skipped: matched or already withdrawn." if result.skipped else ""
        )
        messages.success(request, f"{result.done} removed from {cohort.name}.{skipped}")
    return redirect(_participants_url(membership, cohort))


def application_path(organization_slug: str, cohort: Cohort) -> str:
    return reverse(
        "programs:apply",
        kwargs={
            "org_slug": organization_slug,
            "cohort_id": cohort.pk,
            "key": cohort.application_key,
        },
    )


@organization_view()
@require_POST
def cohort_applications(
    request: HttpRequest, program_id: int, cohort_id: int, *, membership: Membership
) -> HttpResponse:
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    new_link = request.POST.get("new_link") == "1"
    cohort = services.cohort_set_applications(
        actor_membership=membership,
        cohort=cohort,
        open_=request.POST.get("applications_open") == "on",
        need_approval=request.POST.get("applications_need_approval") == "on",
        new_link=new_link,
    )
    if new_link:
        messages.success(request, "A new application link is ready; the old one no longer works.")
    else:
        messages.success(
            request,
            "Applications are open." if cohort.applications_open else "Applications are closed.",
        )
    return redirect(_cohort_url(membership, cohort))


def apply(request: HttpRequest, org_slug: str, cohort_id: int, key: str) -> HttpResponse:
    """The shareable application link: anyone holding it may look; signed-in people apply."""
    organization = get_organization_by_slug(org_slug)
    cohort = selectors.get_cohort_by_application_link(organization, cohort_id, key)
    context = {
        "organization": organization,
        "cohort": cohort,
        "program": cohort.program,
        "form": ApplyForm(),
    }
    if request.method == "POST" and request.user.is_authenticated:
        form = ApplyForm(request.POST)
        context["form"] = form
        if form.is_valid():
            try:
                enrolment = services.enrolment_apply(
                    user=request.user, cohort=cohort, key=key, role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if enrolment.state == EnrolmentState.APPLIED:
                    messages.success(
                        request,
                        f"Your application to {cohort.name} is in. A program manager reviews it.",
                    )
                else:
                    messages.success(
                        request, f"You are in {cohort.name}. Fill in your profile to be matched."
                    )
                return redirect("programs:my_programs", org_slug=organization.slug)
        return render(request, "programs/apply.html", context, status=400)
    return render(request, "programs/apply.html", context)


@organization_view()
def participant_edit(
    request: HttpRequest,
    program_id: int,
    cohort_id: int,
    enrolment_id: int,
    *,
    membership: Membership,
) -> HttpResponse:
    """Correct a participant's department or capacity: in place with HTMX, or on its own page."""
    program = _managed_program(membership, program_id)
    cohort = selectors.get_cohort_for(membership, program, cohort_id)
    enrolment = selectors.get_enrolment_in(cohort, enrolment_id)
    is_htmx = bool(request.headers.get("HX-Request"))
    form = ParticipantDetailsForm(
        request.POST or None,
        initial={"department": enrolment.department, "mentor_capacity": enrolment.mentor_capacity},
        prefix=f"p{enrolment.pk}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_update_details(
                actor_membership=membership,
                enrolment=enrolment,
                department=form.cleaned_data["department"],
                mentor_capacity=form.cleaned_data["mentor_capacity"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if is_htmx:
                return render(
                    request,
                    "programs/_participant_row.html",
                    {
                        "e": enrolment,
                        "program": program,
                        "cohort": cohort,
                        "org": membership.organization,
                        "saved": True,
                    },
                )
            messages.success(request, f"Saved {enrolment.full_name or enrolment.email}.")
            return redirect(_participants_url(membership, cohort))
    context = {
        "e": enrolment,
        "program": program,
        "cohort": cohort,
        "org": membership.organization,
        "form": form,
    }
    status = 400 if form.errors else 200
    if is_htmx:
        return render(request, "programs/_participant_row_edit.html", context, status=status)
    return render(
        request,
        "programs/participant_edit.html",
        {**context, "membership": membership},
        status=status,
    )
