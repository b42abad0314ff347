"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import worker_init

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
