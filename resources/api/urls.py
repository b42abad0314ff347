"""Resources API routes: a program's library, its resources, and what a pair shares."""

from django.urls import path

from resources.api import views

ORG = "orgs/<slug:org_slug>/"
LIBRARY = ORG + "programs/<int:program_id>/resources/"
RESOURCE = ORG + "resources/<int:resource_id>/"
SHARED = ORG + "shared/<int:item_id>/"

urlpatterns = [
    path(LIBRARY, views.ProgramResourceListCreateView.as_view(), name="api_program_resources"),
    path(
        LIBRARY + "recommended/",
        views.ProgramResourceRecommendedView.as_view(),
        name="api_program_resources_recommended",
    ),
    path(RESOURCE, views.ResourceDetailView.as_view(), name="api_resource"),
    path(RESOURCE + "file/", views.ResourceFileView.as_view(), name="api_resource_file"),
    path(
        ORG + "mentorships/<int:mentorship_id>/shared/",
        views.MentorshipSharedListCreateView.as_view(),
        name="api_mentorship_shared",
    ),
    path(SHARED, views.SharedItemDetailView.as_view(), name="api_shared_item"),
    path(SHARED + "done/", views.SharedItemDoneView.as_view(), name="api_shared_item_done"),
    path(SHARED + "file/", views.SharedItemFileView.as_view(), name="api_shared_item_file"),
]
