from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    """A mentorship as its pair and its managers follow it: health from every app's signals,
    the pairs of a cohort, the home page. Above messaging, goals and meetings, which it reads;
    below notifications and reports, which read it."""

    name = "relationships"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meetings.events import on_meeting_held
        from programs.events import on_agreement_confirmed
        from relationships.services import agreement_step_done, first_meeting_step_done

        # The relationship milestones the platform sees happen tick themselves.
        on_agreement_confirmed(agreement_step_done)
        on_meeting_held(first_meeting_step_done)
