"""The profile question builder and the skill list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.forms import apply_validation_error, save_form
from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors, services
from programs.access import can_manage_program
from programs.forms import QuestionForm, SkillsForm
from programs.models import ProfileQuestion, Program
from programs.views.common import managed_program


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
    program = managed_program(membership, program_id)
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
    program = managed_program(membership, program_id)
    return _question_form_page(request, membership, program, None)


@organization_view()
def question_edit(
    request: HttpRequest, program_id: int, question_id: int, *, membership: Membership
) -> HttpResponse:
    program = managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    return _question_form_page(request, membership, program, question)


@organization_view()
@require_POST
def question_move(
    request: HttpRequest, program_id: int, question_id: int, *, membership: Membership
) -> HttpResponse:
    program = managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    try:
        services.question_move(
            actor_membership=membership,
            question=question,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:  # a forged or stale form: say so, move nothing
        messages.error(request, " ".join(error.messages))
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
    program = managed_program(membership, program_id)
    question = selectors.get_question_for(program, question_id)
    services.question_delete(actor_membership=membership, question=question)
    messages.success(request, f"Question removed: “{question.label}”.")
    return redirect(
        "programs:questions", org_slug=membership.organization.slug, program_id=program.pk
    )
