from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship platform"

    def ready(self) -> None:
        from mentorship.db import install_fork_handler

        # A forked process (Celery's prefork pool, a forked server) opens its own database pool
        # instead of sharing the parent's sockets.
        install_fork_handler()
