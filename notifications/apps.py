from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from notifications.sessions import close_sockets_on_logout
        from notifications.tasks import announce_mentorships
        from programs.events import on_mentorships_started

        # Logging out (any way: allauth, admin, API) closes that browser's live sockets.
        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="notifications.logout")
        # Both sides of a new mentorship hear about it.
        on_mentorships_started(announce_mentorships)
