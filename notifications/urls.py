from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("account/notifications/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("o/<slug:org_slug>/notifications/", views.centre, name="centre"),
    path("o/<slug:org_slug>/notifications/read-all/", views.read_all, name="read_all"),
    path(
        "o/<slug:org_slug>/notifications/<int:notification_id>/read/",
        views.read,
        name="read",
    ),
]
