from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mentorship import health, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("o/<slug:org_slug>/", views.organization_overview, name="overview"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("account/", include("privacy.urls")),
    path("", include("organizations.urls")),
    path("", include("programs.urls")),
    path("", include("matching.urls")),
    path("", include("messaging.urls")),
    path("", include("goals.urls")),
    path("", include("meetings.urls")),
    path("", include("relationships.urls")),
    path("", include("resources.urls")),
    path("", include("surveys.urls")),
    path("", include("notifications.urls")),
    path("", include("notifications.urls_managers")),
    path("", include("reports.urls")),
    path("", include("reports.exports.urls")),
    path("api/v1/", include("mentorship.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline, so the
    # page runs under the same Content-Security-Policy as every other.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]

handler400 = "mentorship.api.errors.api_aware_400"
handler403 = "mentorship.api.errors.api_aware_403"
handler404 = "mentorship.api.errors.api_aware_404"
handler500 = "mentorship.api.errors.api_aware_500"
