"""The periodic tasks are declared in code and installed by a command, idempotently; every
rule has its beat entry and every entry runs a task that exists."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from mentorship.celery import app
from notifications.rules import RULES


def test_install_schedules_installs_updates_and_removes_what_code_no_longer_declares(db):
    stale = PeriodicTask.objects.create(
        name="gone-from-code", task="x.y", interval=None,
        description="Declared in code (CELERY_BEAT_SCHEDULE); installed by manage.py "
        "install_schedules.",
        crontab=PeriodicTask._meta.get_field("crontab").related_model.objects.create(),
    )  # fmt: skip
    mine = PeriodicTask.objects.create(
        name="an operator's task", task="x.z",
        crontab=PeriodicTask._meta.get_field("crontab").related_model.objects.create(),
    )  # fmt: skip
    call_command("install_schedules", quiet=True)
    call_command("install_schedules", quiet=True)
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(settings.CELERY_BEAT_SCHEDULE) <= names
    assert stale.name not in names and mine.name in names
    scan = PeriodicTask.objects.get(name="nudges-meeting-reminders")
    assert (scan.task, json.loads(scan.args), scan.interval.every) == (
        "notifications.tasks.run_nudge_scan", ["meeting_reminders"], 300,
    )  # fmt: skip
    assert PeriodicTask.objects.get(name="take-health-snapshots").crontab.hour == "2"


def test_every_rule_is_scheduled_and_every_entry_names_a_real_task():
    scheduled = {
        entry["args"][0]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.tasks.run_nudge_scan"
    }
    assert scheduled == set(RULES)
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
