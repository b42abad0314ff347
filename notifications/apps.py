from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notifications.tasks import announce_mentorships
        from programs.events import on_mentorships_started

        # Both sides of a new mentorship hear about it.
        on_mentorships_started(announce_mentorships)
