from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from organizations.events import on_member_joined
        from programs.services import enrolments_claim_for_new_member

        # Joining the organisation by invitation claims the cohort places waiting for the email.
        on_member_joined(enrolments_claim_for_new_member)
