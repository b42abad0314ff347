from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("organizations/new/", views.organization_create, name="create"),
    path("o/<slug:org_slug>/members/", views.member_list, name="members"),
    path(
        "o/<slug:org_slug>/members/<int:membership_id>/role/",
        views.member_change_role,
        name="member_role",
    ),
    path(
        "o/<slug:org_slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("o/<slug:org_slug>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "o/<slug:org_slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:org_slug>/join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("o/<slug:org_slug>/settings/", views.organization_settings, name="settings"),
    path("o/<slug:org_slug>/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:org_slug>/audit/csv/", views.audit_log_csv, name="audit_log_csv"),
]
