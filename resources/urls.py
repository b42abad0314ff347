"""Library and shared-space web routes: a program's library, one resource, and a mentorship's
shared space."""

from django.urls import path

from resources import views

app_name = "resources"

org = "o/<slug:org_slug>/"
program = org + "programs/<int:program_id>/library/"
resource = org + "resources/<int:resource_id>/"
item = org + "shared/<int:item_id>/"

urlpatterns = [
    path(program, views.library, name="library"),
    path(program + "new/", views.resource_create, name="resource_create"),
    path(resource, views.resource_detail, name="resource"),
    path(resource + "edit/", views.resource_edit, name="resource_edit"),
    path(resource + "delete/", views.resource_delete, name="resource_delete"),
    path(resource + "file/", views.resource_file, name="resource_file"),
    path(resource + "calendar.ics", views.resource_calendar, name="resource_calendar"),
    path(resource + "share/", views.resource_share, name="resource_share"),
    path(org + "mentorships/<int:mentorship_id>/shared/", views.shared, name="shared"),
    path(
        org + "mentorships/<int:mentorship_id>/shared/upload/",
        views.shared_upload,
        name="shared_upload",
    ),
    path(item + "file/", views.shared_file, name="shared_file"),
    path(item + "done/", views.shared_done, name="shared_done"),
    path(item + "remove/", views.shared_remove, name="shared_remove"),
]
