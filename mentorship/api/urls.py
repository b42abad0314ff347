from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("organizations.api.urls")),
    path("", include("programs.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("messaging.api.urls")),
    path("", include("goals.api.urls")),
    path("", include("meetings.api.urls")),
    path("", include("relationships.api.urls")),
    path("", include("resources.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("notifications.api.urls_managers")),
    path("", include("reports.api.urls")),
    path("", include("privacy.api.urls")),
]
