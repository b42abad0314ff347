"""Reports API: the program dashboard's numbers as JSON, with the same filters as the page
(`program` repeatable, `cohort`, `since`, `until`, `department` as query parameters), and the
owners' audit log. Every read is written to the audit log. A bad filter, or a program that is
not among those the member may report on (another organisation's included), answers 400 with
the field's message, never that program's data."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.reauthentication import RecentlyReauthenticated
from organizations.api.base import OrganizationScopedMixin
from organizations.api.permissions import HasOrganizationRole
from organizations.models import Role
from reports import metrics
from reports.api.serializers import (
    ReportAuditEntrySerializer,
    ReportDashboardSerializer,
    ReportFunnelReadSerializer,
    ReportHealthReadSerializer,
)
from reports.audit import audit
from reports.exports.organization import organization_export_response
from reports.filters import ReportFilters, parse_filters
from reports.forms import names_for
from reports.models import AuditEntry, ReportAction

FILTER_PARAMETERS = [
    OpenApiParameter(
        "program", OpenApiTypes.INT, many=True, explode=True,
        description="A program to report on (repeat it for several); all you may read when absent.",
    ),
    OpenApiParameter("cohort", OpenApiTypes.INT, description="One cohort of those programs."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="First day of the range (YYYY-MM-DD)."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Last day of the range (YYYY-MM-DD)."),
    OpenApiParameter("department", OpenApiTypes.STR, description="People in this department."),
]  # fmt: skip


class CanReadReports(HasOrganizationRole):
    roles = frozenset({Role.OWNER, Role.ADMIN, Role.PROGRAM_MANAGER, Role.REPORT_VIEWER})
    message = "Only owners, admins, program managers and report viewers read reports."


class IsOwner(HasOrganizationRole):
    roles = frozenset({Role.OWNER})
    message = "Only the organisation's owners read the reports' audit log."


def _scope(filters: ReportFilters) -> dict:
    """What the numbers are for, as the dashboard gives it."""
    return {
        "reference_day": metrics.reference_day_of(filters),
        "since": filters.since,
        "until": filters.until,
        "department": filters.department,
        "programs": [{"id": p.pk, "name": p.name} for p in filters.programs],
        "cohort": {"id": filters.cohort.pk, "name": filters.cohort.name}
        if filters.cohort
        else None,
    }


class ReportView(OrganizationScopedMixin, generics.GenericAPIView):
    """A report read with the dashboard's filters, written to the audit log."""

    permission_classes = [IsAuthenticated, CanReadReports]
    pagination_class = None
    report = ""

    def filters(self) -> ReportFilters:
        return parse_filters(self.membership, self.request.query_params)

    def audited(self, filters: ReportFilters, data: dict) -> Response:
        audit(self.membership, ReportAction.API_READ, self.report, filters.given)
        return Response(data)


class DashboardView(ReportView):
    """Every number of the program dashboard: the enrolment funnel, matching, match quality,
    meetings and messages per pair (counts), goals, milestones and check-in ratings, health
    with its weekly trend and the pairs needing attention, and survey results."""

    serializer_class = ReportDashboardSerializer
    report = "dashboard"

    @extend_schema(parameters=FILTER_PARAMETERS, responses=ReportDashboardSerializer)
    def get(self, request, org_slug: str):
        filters = self.filters()
        board = metrics.dashboard(self.membership, filters)
        return self.audited(filters, ReportDashboardSerializer(board).data)


class FunnelView(ReportView):
    """The enrolment funnel (invited, registered, profile complete, matched, in an active
    mentorship, completed), the match rate and the time to match."""

    serializer_class = ReportFunnelReadSerializer
    report = "funnel"

    @extend_schema(parameters=FILTER_PARAMETERS, responses=ReportFunnelReadSerializer)
    def get(self, request, org_slug: str):
        filters = self.filters()
        funnel = metrics.funnel(self.membership, filters)
        data = _scope(filters) | asdict(funnel)
        return self.audited(filters, ReportFunnelReadSerializer(data).data)


class HealthView(ReportView):
    """Relationship health: the pairs on track, needing attention and at risk by their latest
    daily snapshot, the weekly trend, and the pairs needing attention with the reasons."""

    serializer_class = ReportHealthReadSerializer
    report = "health"

    @extend_schema(parameters=FILTER_PARAMETERS, responses=ReportHealthReadSerializer)
    def get(self, request, org_slug: str):
        filters = self.filters()
        health = metrics.health(self.membership, filters)
        data = _scope(filters) | asdict(health)
        return self.audited(filters, ReportHealthReadSerializer(data).data)


class AuditLogView(OrganizationScopedMixin, generics.GenericAPIView):
    """Who viewed, read or exported which report, when, with which filters: newest first, for
    the organisation's owners."""

    permission_classes = [IsAuthenticated, IsOwner]
    serializer_class = ReportAuditEntrySerializer

    @extend_schema(responses=ReportAuditEntrySerializer(many=True))
    def get(self, request, org_slug: str):
        page = self.paginate_queryset(AuditEntry.objects.all())
        serializer = ReportAuditEntrySerializer(page, many=True, context={"names": names_for(page)})
        response = self.get_paginated_response(serializer.data)
        audit(self.membership, ReportAction.API_READ, "audit", {}, rows=len(page))
        return response


class OrganizationExportOwner(IsOwner):
    message = "Only the organisation's owners export the whole organisation."


class AnyAccept(BaseContentNegotiation):
    """The file answers whatever the client accepts (application/zip, */*...); errors answer
    in JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class OrganizationExportView(OrganizationScopedMixin, generics.GenericAPIView):
    """The whole organisation as a ZIP: one JSON Lines file per kind of record, the uploaded
    files of its libraries and group chats, and manifest.json with the counts; the pairs'
    private words are not in it. For owners, from a browser session that confirmed its password
    in the last few minutes (never with a personal API token). Written to the audit log."""

    permission_classes = [IsAuthenticated, OrganizationExportOwner, RecentlyReauthenticated]
    content_negotiation_class = AnyAccept
    pagination_class = None

    @extend_schema(
        auth=[{"cookieAuth": []}],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The ZIP file."
            ),
            403: OpenApiResponse(description="Not an owner, or no recent password confirmation."),
        },
    )
    def get(self, request, org_slug: str):
        return organization_export_response(request._request, self.membership)
