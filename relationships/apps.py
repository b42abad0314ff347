from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    """A mentorship as its pair and its managers follow it: health from every app's signals,
    the pairs of a cohort, the home page. Above messaging, goals and meetings, which it reads;
    below notifications and reports, which read it."""

    name = "relationships"
    default_auto_field = "django.db.models.BigAutoField"
