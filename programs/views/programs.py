"""Program pages: list, create from a template, detail, settings, status, managers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.forms import save_form
from organizations.access import organization_view
from organizations.models import Membership
from programs import selectors, services
from programs.access import can_assign_program_managers, can_create_programs, can_manage_program
from programs.forms import ManagerAssignForm, ProgramForm
from programs.models import ProgramStatus
from programs.program_templates import PROGRAM_TEMPLATES
from programs.views.common import managed_program, program_url


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
        redirect_to=lambda program: program_url(membership, program),
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
    program = managed_program(membership, program_id)
    initial = {name: getattr(program, name) for name in ProgramForm.base_fields}
    form = ProgramForm(request.POST or None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: services.program_update(
            actor_membership=membership, program=program, values=form.settings()
        ),
        success="Program settings saved.",
        redirect_to=program_url(membership, program),
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
    program = managed_program(membership, program_id)
    status = request.POST.get("status", "")
    try:
        services.program_set_status(actor_membership=membership, program=program, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{program.name} is now {ProgramStatus(status).label.lower()}.")
    return redirect(program_url(membership, program))


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
    return redirect(program_url(membership, program))


@organization_view(allow=can_assign_program_managers)
@require_POST
def manager_remove(
    request: HttpRequest, program_id: int, user_id: int, *, membership: Membership
) -> HttpResponse:
    program = selectors.get_program_for(membership, program_id)
    services.program_manager_unassign(actor_membership=membership, program=program, user_id=user_id)
    messages.success(request, "Program manager removed from this program.")
    return redirect(program_url(membership, program))
