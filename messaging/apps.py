from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from messaging.services import conversations_open_for_mentorships
        from programs.events import on_mentorships_started

        # Every new mentorship gets its private conversation, with everyone in it.
        on_mentorships_started(conversations_open_for_mentorships)
