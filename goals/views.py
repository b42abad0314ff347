"""Goals, milestones and check-ins in the browser: the pair's pages, and a program's settings
for its pairs. Each page renders again with the form's errors (400) when a save is refused, so
nothing typed is lost."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goals import selectors, services
from goals.access import Viewer, pair_enrolment
from goals.forms import (
    CheckInForm,
    CheckInSettingsForm,
    GoalForm,
    GoalTemplateForm,
    MilestoneForm,
    ProgramMilestoneForm,
    ProgressForm,
)
from goals.models import Goal, GoalStatus, GoalTemplate, ProgramMilestone
from mentorship.forms import save_form
from organizations.access import organization_view
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Mentorship
from programs.views.common import managed_program


def _goals_url(membership: Membership, mentorship_id: int) -> str:
    return reverse(
        "goals:mentorship_goals",
        kwargs={"org_slug": membership.organization.slug, "mentorship_id": mentorship_id},
    )


def _goal_url(membership: Membership, goal_id: int) -> str:
    return reverse(
        "goals:goal", kwargs={"org_slug": membership.organization.slug, "goal_id": goal_id}
    )


def _mentees(mentorship: Mentorship) -> list:
    return [member.mentee for member in mentorship.members.all()]


def _act(request: HttpRequest, action: Callable[[], Any], success: str) -> None:
    """A one-button action: its refusal becomes an error message on the page it returns to."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, success)


# The mentorship's goals -----------------------------------------------------------------------


def _goals_page(request, membership, mentorship, viewer, *, goal_form=None, status=200):
    in_pair = viewer == Viewer.PAIR
    goals = selectors.count_milestones(selectors.goals_of(mentorship), in_pair=in_pair)
    today = timezone.localdate()
    templates = selectors.goal_templates_of(mentorship.cohort.program)
    if goal_form is None and in_pair and mentorship.is_open:
        template = next((t for t in templates if str(t.pk) == request.GET.get("template")), None)
        initial = {"template": template.pk, "title": template.title, "measure": template.measure,
                   "why": template.why} if template else {}  # fmt: skip
        if template and template.suggested_weeks:
            initial["target_date"] = today + datetime.timedelta(weeks=template.suggested_weeks)
        goal_form = GoalForm(initial=initial, mentees=_mentees(mentorship), templates=templates)
    return render(
        request,
        "goals/mentorship_goals.html",
        {
            "membership": membership,
            "mentorship": mentorship,
            "in_pair": in_pair,
            "goals": goals,
            "relationship_milestones": selectors.relationship_milestones_of(mentorship),
            "templates": templates,
            "goal_form": goal_form,
            "today": today,
        },
        status=status,
    )


@organization_view()
def mentorship_goals(request: HttpRequest, mentorship_id: int, *, membership: Membership):
    mentorship, viewer = selectors.get_mentorship_for(membership, mentorship_id)
    return _goals_page(request, membership, mentorship, viewer)


@organization_view()
@require_POST
def goal_create(request: HttpRequest, mentorship_id: int, *, membership: Membership):
    mentorship, viewer = selectors.get_mentorship_for(membership, mentorship_id)
    templates = selectors.goal_templates_of(mentorship.cohort.program)
    form = GoalForm(request.POST, mentees=_mentees(mentorship), templates=templates)

    def save() -> Goal:
        template = next((t for t in templates if t.pk == form.cleaned_data["template"]), None)
        return services.goal_create(
            actor=membership,
            mentorship=mentorship,
            text=form.goal_text(),
            mentee_id=form.cleaned_data.get("mentee"),
            template=template,
        )

    try:
        if response := save_form(
            request,
            form,
            save,
            success="Goal set. Break it into milestones to track progress.",
            redirect_to=lambda goal: _goal_url(membership, goal.pk),
        ):
            return response
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(_goals_url(membership, mentorship.pk))
    return _goals_page(request, membership, mentorship, viewer, goal_form=form, status=400)


# One goal -------------------------------------------------------------------------------------


def _goal_page(
    request, membership, goal, viewer, *, edit_form=None, milestone_form=None, progress_form=None,
    status=200,
):  # fmt: skip
    in_pair = viewer == Viewer.PAIR
    editable = in_pair and goal.mentorship.is_open
    milestones = list(
        goal.milestones.prefetch_related("comments__author") if in_pair else goal.milestones.all()
    )
    if editable:
        edit_form = edit_form or GoalForm(
            prefix="edit",
            initial={
                "title": goal.title, "measure": goal.measure, "why": goal.why,
                "target_date": goal.target_date, "progress_source": goal.progress_source,
            },
        )  # fmt: skip
        milestone_form = milestone_form or MilestoneForm(
            initial={"owner": "mentee", "due_on": goal.target_date}
        )
        progress_form = progress_form or ProgressForm(initial={"progress": goal.progress})
    return render(
        request,
        "goals/goal.html",
        {
            "membership": membership,
            "goal": goal,
            "mentorship": goal.mentorship,
            "in_pair": in_pair,
            "editable": editable,
            "words_visible": in_pair or goal.shared_with_managers,
            "is_goal_mentee": goal.mentee.user_id == membership.user_id,
            "milestones": milestones,
            "history": selectors.goal_history(goal) if in_pair else [],
            "edit_form": edit_form,
            "milestone_form": milestone_form,
            "progress_form": progress_form,
            "statuses": GoalStatus.choices,
            "today": timezone.localdate(),
        },
        status=status,
    )


@organization_view()
def goal_detail(request: HttpRequest, goal_id: int, *, membership: Membership):
    goal, viewer = selectors.get_goal_for(membership, goal_id)
    return _goal_page(request, membership, goal, viewer)


@organization_view()
@require_POST
def goal_edit(request: HttpRequest, goal_id: int, *, membership: Membership):
    goal, viewer = selectors.get_goal_for(membership, goal_id)
    form = GoalForm(request.POST, prefix="edit")
    save = lambda: services.goal_update(actor=membership, goal=goal, text=form.goal_text())  # noqa: E731
    if response := save_form(
        request, form, save, success="Goal saved.", redirect_to=_goal_url(membership, goal.pk)
    ):
        return response
    return _goal_page(request, membership, goal, viewer, edit_form=form, status=400)


@organization_view()
@require_POST
def goal_progress(request: HttpRequest, goal_id: int, *, membership: Membership):
    goal, viewer = selectors.get_goal_for(membership, goal_id)
    form = ProgressForm(request.POST)

    def save() -> None:
        services.goal_set_progress(
            actor=membership,
            goal=goal,
            progress=form.cleaned_data["progress"],
            note=form.cleaned_data["note"],
        )

    if response := save_form(
        request, form, save, success="Progress updated.", redirect_to=_goal_url(membership, goal.pk)
    ):
        return response
    return _goal_page(request, membership, goal, viewer, progress_form=form, status=400)


@organization_view()
@require_POST
def goal_status(request: HttpRequest, goal_id: int, *, membership: Membership):
    goal, _ = selectors.get_goal_for(membership, goal_id)
    status = request.POST.get("status", "")
    label = dict(GoalStatus.choices).get(status, status)
    _act(
        request,
        lambda: services.goal_set_status(actor=membership, goal=goal, status=status),
        f"Goal marked “{label}”.",
    )
    return redirect(_goal_url(membership, goal.pk))


@organization_view()
@require_POST
def goal_share(request: HttpRequest, goal_id: int, *, membership: Membership):
    goal, _ = selectors.get_goal_for(membership, goal_id)
    shared = request.POST.get("shared") == "on"
    _act(
        request,
        lambda: services.goal_share(actor=membership, goal=goal, shared=shared),
        "The program managers can now read this goal."
        if shared
        else "This goal is private to the two of you again.",
    )
    return redirect(_goal_url(membership, goal.pk))


@organization_view()
@require_POST
def milestone_create(request: HttpRequest, goal_id: int, *, membership: Membership):
    goal, viewer = selectors.get_goal_for(membership, goal_id)
    form = MilestoneForm(request.POST)

    def save() -> None:
        services.milestone_create(actor=membership, goal=goal, **form.cleaned_data)

    if response := save_form(
        request, form, save, success="Milestone added.", redirect_to=_goal_url(membership, goal.pk)
    ):
        return response
    return _goal_page(request, membership, goal, viewer, milestone_form=form, status=400)


def _milestone_action(request, membership, milestone_id, action, success: str):
    milestone, _ = selectors.get_milestone_for(membership, milestone_id)
    _act(request, lambda: action(milestone), success)
    return redirect(_goal_url(membership, milestone.goal_id))


@organization_view()
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int, *, membership: Membership):
    evidence = request.POST.get("evidence", "")
    return _milestone_action(
        request, membership, milestone_id,
        lambda m: services.milestone_complete(actor=membership, milestone=m, evidence=evidence),
        "Milestone done.",
    )  # fmt: skip


@organization_view()
@require_POST
def milestone_reopen(request: HttpRequest, milestone_id: int, *, membership: Membership):
    return _milestone_action(
        request, membership, milestone_id,
        lambda m: services.milestone_complete(actor=membership, milestone=m, done=False),
        "Milestone reopened.",
    )  # fmt: skip


@organization_view()
@require_POST
def milestone_delete(request: HttpRequest, milestone_id: int, *, membership: Membership):
    return _milestone_action(
        request, membership, milestone_id,
        lambda m: services.milestone_delete(actor=membership, milestone=m),
        "Milestone removed.",
    )  # fmt: skip


@organization_view()
@require_POST
def milestone_comment(request: HttpRequest, milestone_id: int, *, membership: Membership):
    body = request.POST.get("body", "")
    return _milestone_action(
        request, membership, milestone_id,
        lambda m: services.milestone_comment_add(actor=membership, milestone=m, body=body),
        "Comment added.",
    )  # fmt: skip


def _relationship_milestone_action(request, membership, milestone_id, done: bool):
    milestone, _ = selectors.get_relationship_milestone_for(membership, milestone_id)
    _act(
        request,
        lambda: services.relationship_milestone_complete(
            actor=membership, milestone=milestone, done=done
        ),
        f"“{milestone.title}” {'done' if done else 'reopened'}.",
    )
    return redirect(_goals_url(membership, milestone.mentorship_id))


@organization_view()
@require_POST
def relationship_milestone_done(request: HttpRequest, milestone_id: int, *, membership: Membership):
    return _relationship_milestone_action(request, membership, milestone_id, done=True)


@organization_view()
@require_POST
def relationship_milestone_reopen(
    request: HttpRequest, milestone_id: int, *, membership: Membership
):
    return _relationship_milestone_action(request, membership, milestone_id, done=False)


# Check-ins ------------------------------------------------------------------------------------


@organization_view()
def check_ins(request: HttpRequest, mentorship_id: int, *, membership: Membership):
    """The pair's check-ins, and the form for the next one. The partner reads the reflection,
    not the rating nor the note to the managers; the managers read ratings and their notes."""
    mentorship, viewer = selectors.get_mentorship_for(membership, mentorship_id)
    in_pair = viewer == Viewer.PAIR
    form = CheckInForm(request.POST or None) if in_pair and mentorship.is_open else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the mentor and mentee of an open mentorship check in.")
        save = lambda: services.check_in_submit(  # noqa: E731
            actor=membership, mentorship=mentorship, answers=form.answers()
        )
        here = reverse(
            "goals:check_ins",
            kwargs={"org_slug": membership.organization.slug, "mentorship_id": mentorship.pk},
        )
        if response := save_form(
            request, form, save, success="Check-in sent. Thank you.", redirect_to=here
        ):
            return response
        status = 400
    entries = selectors.check_ins_of(mentorship)
    me = pair_enrolment(membership, mentorship)
    return render(
        request,
        "goals/check_ins.html",
        {
            "membership": membership,
            "mentorship": mentorship,
            "in_pair": in_pair,
            "my_user_id": membership.user_id,
            "me": me,
            "check_ins": entries,
            "schedule": selectors.check_in_schedule(mentorship, entries),
            "form": form,
        },
        status=status,
    )


# A program's settings for its pairs -----------------------------------------------------------


def _program_row(model, program, pk: int):
    """One of the program's own goal templates or milestones (404 for any other)."""
    with organization_scope(program.organization):
        row = model.objects.filter(program=program, pk=pk).first()
    if row is None:
        raise Http404(f"No such {model._meta.verbose_name}.")
    row.program = program
    return row


def _settings_url(membership: Membership, program_id: int) -> str:
    return reverse(
        "goals:program_settings",
        kwargs={"org_slug": membership.organization.slug, "program_id": program_id},
    )


def _settings_page(request, membership, program, *, template_form=None, milestone_form=None,
                   cadence_form=None, status=200):  # fmt: skip
    check_in_settings = services.program_goal_settings(program)
    return render(
        request,
        "goals/program_settings.html",
        {
            "membership": membership,
            "program": program,
            "templates": selectors.goal_templates_of(program),
            "milestones": selectors.program_milestones_of(program),
            "template_form": template_form or GoalTemplateForm(prefix="template"),
            "milestone_form": milestone_form or ProgramMilestoneForm(prefix="milestone"),
            "cadence_form": cadence_form
            or CheckInSettingsForm(
                initial={
                    "cadence_days": check_in_settings.cadence_days,
                    "enabled": check_in_settings.enabled,
                }
            ),
        },
        status=status,
    )


@organization_view()
def program_settings(request: HttpRequest, program_id: int, *, membership: Membership):
    program = managed_program(membership, program_id)
    return _settings_page(request, membership, program)


@organization_view()
@require_POST
def template_create(request: HttpRequest, program_id: int, *, membership: Membership):
    program = managed_program(membership, program_id)
    form = GoalTemplateForm(request.POST, prefix="template")
    save = lambda: services.goal_template_create(  # noqa: E731
        actor=membership, program=program, **form.cleaned_data
    )
    if response := save_form(
        request,
        form,
        save,
        success="Goal template added.",
        redirect_to=_settings_url(membership, program.pk),
    ):
        return response
    return _settings_page(request, membership, program, template_form=form, status=400)


@organization_view()
@require_POST
def template_delete(request: HttpRequest, program_id: int, template_id: int, *,
                    membership: Membership):  # fmt: skip
    program = managed_program(membership, program_id)
    template = _program_row(GoalTemplate, program, template_id)
    _act(
        request,
        lambda: services.goal_template_delete(actor=membership, template=template),
        "Goal template removed.",
    )
    return redirect(_settings_url(membership, program.pk))


@organization_view()
@require_POST
def program_milestone_create(request: HttpRequest, program_id: int, *, membership: Membership):
    program = managed_program(membership, program_id)
    form = ProgramMilestoneForm(request.POST, prefix="milestone")
    save = lambda: services.program_milestone_create(  # noqa: E731
        actor=membership, program=program, **form.cleaned_data
    )
    if response := save_form(
        request,
        form,
        save,
        success="Milestone added; every open mentorship has it too.",
        redirect_to=_settings_url(membership, program.pk),
    ):
        return response
    return _settings_page(request, membership, program, milestone_form=form, status=400)


@organization_view()
@require_POST
def program_milestone_delete(request: HttpRequest, program_id: int, milestone_id: int, *,
                             membership: Membership):  # fmt: skip
    program = managed_program(membership, program_id)
    milestone = _program_row(ProgramMilestone, program, milestone_id)
    _act(
        request,
        lambda: services.program_milestone_delete(actor=membership, milestone=milestone),
        "Milestone removed from the program and from the pairs that had not done it.",
    )
    return redirect(_settings_url(membership, program.pk))


@organization_view()
@require_POST
def check_in_settings(request: HttpRequest, program_id: int, *, membership: Membership):
    program = managed_program(membership, program_id)
    form = CheckInSettingsForm(request.POST)
    save = lambda: services.check_in_settings_update(  # noqa: E731
        actor=membership, program=program, **form.cleaned_data
    )
    if response := save_form(
        request,
        form,
        save,
        success="Check-in settings saved.",
        redirect_to=_settings_url(membership, program.pk),
    ):
        return response
    return _settings_page(request, membership, program, cadence_form=form, status=400)
