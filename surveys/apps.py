from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Program surveys at each mentorship's mid-point and end, with anonymous answers shown only
    in totals of at least five people. Above programs (a survey belongs to a program and is
    answered for a mentorship); notifications and reports read it, never the other way round."""

    name = "surveys"
    default_auto_field = "django.db.models.BigAutoField"
