from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    """Learning resources: a program's library, recommendations with their reasons, and what a
    pair shares. Above goals (resources attach to goals and milestones)."""

    name = "resources"
    default_auto_field = "django.db.models.BigAutoField"
