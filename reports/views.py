"""The HR program dashboard and the reports' audit log, in the browser. Both are thin: the
filters come from reports.filters, the numbers from reports.metrics, the charts from
reports.charts; every view of the dashboard is written to the audit log."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.access import organization_view
from organizations.models import Membership, Role
from programs.models import Cohort
from programs.selectors import programs_visible_to
from reports import charts, metrics
from reports.audit import audit
from reports.exports.organization import KINDS as EXPORT_KINDS
from reports.exports.organization import WITHHELD as EXPORT_WITHHELD
from reports.exports.organization import organization_export_response
from reports.exports.scheduled import can_subscribe
from reports.filters import ReportFilters, can_read_reports, parse_filters
from reports.forms import (
    DashboardFilterForm,
    departments_of,
    describe_filters,
    names_for,
    report_label,
)
from reports.models import AuditEntry, ReportAction

AUDIT_PAGE_SIZE = 50
# Actions whose words already name their report ("Viewed the dashboard").
SAID_BY_THE_ACTION = {
    (ReportAction.VIEW_DASHBOARD, "dashboard"),
    (ReportAction.EXPORT_PARTICIPANTS, "participants"),
}
# Who may open a pair's own page from the list of pairs needing attention: the programs'
# managers (a program manager's report covers only their programs). Report viewers read the
# list only.
OPENS_PAIRS = frozenset({Role.OWNER, Role.ADMIN, Role.PROGRAM_MANAGER})


def _charts(board: metrics.Dashboard) -> dict:
    return {
        "funnel": charts.funnel_bars(board.funnel.stages),
        "quality": charts.bars(board.match_quality),
        "meetings": charts.bars(board.meetings.buckets),
        "messages": charts.bars(board.messages.buckets),
        "ratings": charts.bars(board.goals.ratings),
        "health": charts.stacked(board.health.distribution),
        "trend": charts.trend_svg(board.health.trend),
        "trend_summary": charts.trend_summary(board.health.trend),
        "surveys": [(question, charts.bars(question.counts)) for question in board.surveys or []],
    }


def _query(filters: ReportFilters) -> str:
    """The filters as a query string, for the downloads of the same numbers."""
    return urlencode(filters.given, doseq=True)


def _scope_words(filters: ReportFilters) -> list[str]:
    programs = {p.pk: p.name for p in filters.programs}
    cohorts = {filters.cohort.pk: filters.cohort.name} if filters.cohort else {}
    return describe_filters(filters.given, programs, cohorts)


@organization_view(allow=can_read_reports)
def dashboard(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """How the programs are doing, from invitation to the end of each mentorship: numbers and
    charts, for owners, admins, program managers (their programs) and report viewers."""
    try:
        filters = parse_filters(membership, request.GET)
    except ValidationError as error:
        filters, errors = None, error.message_dict
    else:
        errors = {}
    if filters is not None and "program" not in filters.given:
        visible = list(filters.programs)  # no program chosen: every one the member may read
    else:
        visible = list(programs_visible_to(membership).order_by("name", "pk"))
    chosen = list(filters.programs) if filters else visible
    cohorts = list(
        Cohort.objects.filter(program__in=chosen)
        .select_related("program")
        .order_by("program__name", "-starts_on", "name")
    )
    form = DashboardFilterForm(
        params=request.GET,
        programs=visible,
        cohorts=cohorts,
        departments=departments_of(visible),
        errors=errors,
    )
    context = {"membership": membership, "form": form, "errors": errors, "board": None}
    if filters is None:
        return render(request, "reports/dashboard.html", context, status=400)
    board = metrics.dashboard(membership, filters)
    audit(membership, ReportAction.VIEW_DASHBOARD, "dashboard", filters.given)
    context |= {
        "board": board,
        "charts": _charts(board),
        "scope_words": _scope_words(filters),
        "export_query": _query(filters),
        "opens_pairs": membership.role in OPENS_PAIRS,
        "can_subscribe": can_subscribe(membership),
    }
    return render(request, "reports/dashboard.html", context)


def _is_owner(membership: Membership) -> bool:
    return membership.role == Role.OWNER


@organization_view(allow=_is_owner)
def audit_log(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """Who viewed or exported which report, when, with which filters: for the owners, newest
    first, 50 a page."""
    page = Paginator(AuditEntry.objects.all(), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    programs, cohorts = names_for(page.object_list)
    rows = []
    for entry in page.object_list:
        name, _, email = entry.user_label.partition(" <")
        rows.append(
            {
                "entry": entry,
                "name": name,
                "email": email.rstrip(">"),
                "report": ""
                if (entry.action, entry.report) in SAID_BY_THE_ACTION
                else report_label(entry.report),
                "filters": describe_filters(entry.filters, programs, cohorts),
            }
        )
    return render(
        request,
        "reports/audit_log.html",
        {"membership": membership, "page": page, "rows": rows},
    )


@organization_view(allow=_is_owner)
@reauthentication_required
def organization_export(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    """The whole organisation as a ZIP, for its owners, after they confirm their password:
    GET explains what is in it, POST downloads it."""
    if request.method == "POST":
        return organization_export_response(request, membership)
    return render(
        request,
        "reports/organization_export.html",
        {
            "membership": membership,
            "kinds": [kind.name.replace("_", " ") for kind in EXPORT_KINDS],
            "withheld": EXPORT_WITHHELD,
        },
    )
