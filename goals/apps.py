from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from goals.services import relationship_milestones_create
        from programs.events import on_mentorships_started

        # Every new mentorship gets its program's relationship milestones, dated from the match.
        on_mentorships_started(relationship_milestones_create)
