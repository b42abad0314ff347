"""Notifications API routes: a member's notifications in an organisation, the person's own
preferences, and the mail provider's bounce webhook."""

from django.urls import path

from notifications.api import views

ORG = "orgs/<slug:org_slug>/"

urlpatterns = [
    path(ORG + "notifications/", views.NotificationListView.as_view(), name="api_notifications"),
    path(
        ORG + "notifications/read/",
        views.NotificationReadView.as_view(),
        name="api_notifications_read",
    ),
    path(
        ORG + "notifications/unread-count/",
        views.NotificationUnreadCountView.as_view(),
        name="api_notifications_unread_count",
    ),
    path(
        "me/notification-preferences/",
        views.NotificationPreferencesView.as_view(),
        name="api_notification_preferences",
    ),
    path("email-bounces/", views.EmailBounceView.as_view(), name="api_email_bounces"),
]
