"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.base")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def warm_worker(**kwargs) -> None:
    """Load the URLconf (and with it every app's views) and the channel layer as the worker
    starts, before its pool forks: the first task that builds a link or pushes a live
    notification does not pay for the imports in the middle of a batch."""
    from channels.layers import get_channel_layer
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing is the point
    get_channel_layer()


worker_init.connect(warm_worker, weak=False)


def return_connections(sender=None, **kwargs) -> None:
    """Before and after each task a worker runs, as Django does around a request: connections
    that errored or are past CONN_MAX_AGE are closed; pooled ones (CONN_MAX_AGE 0) go back to
    the process's pool, to serve the next task without connecting again. A task run eagerly
    (inside the caller, perhaps in its transaction) leaves them alone, as the fixup does."""
    from django.db import close_old_connections

    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    close_old_connections()


task_prerun.connect(return_connections, weak=False)
task_postrun.connect(return_connections, weak=False)
