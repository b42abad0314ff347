from django.urls import path

from organizations.api import views

urlpatterns = [
    path("orgs/", views.OrganizationListCreateView.as_view(), name="api_organizations"),
    path("orgs/<slug:org_slug>/", views.OrganizationDetailView.as_view(), name="api_organization"),
    path("orgs/<slug:org_slug>/members/", views.MemberListView.as_view(), name="api_members"),
    path(
        "orgs/<slug:org_slug>/members/<int:membership_id>/",
        views.MemberDetailView.as_view(),
        name="api_member",
    ),
    path(
        "orgs/<slug:org_slug>/invitations/",
        views.InvitationListCreateView.as_view(),
        name="api_invitations",
    ),
    path(
        "orgs/<slug:org_slug>/invitations/<int:invitation_id>/",
        views.InvitationDetailView.as_view(),
        name="api_invitation",
    ),
    path(
        "orgs/<slug:org_slug>/audit/", views.AuditEventListView.as_view(), name="api_audit_events"
    ),
]
