"""Install the periodic tasks declared in code (settings.CELERY_BEAT_SCHEDULE) into
django-celery-beat's tables, which beat's DatabaseScheduler reads. Idempotent: run it after
every deploy (`make run` and docker-compose do). A schedule removed from the code is removed
here too; tasks an operator added in the admin are left alone."""

from __future__ import annotations

import json
from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

MARK = "Declared in code (CELERY_BEAT_SCHEDULE); installed by manage.py install_schedules."


def _schedule_fields(schedule) -> dict:
    if isinstance(schedule, crontab):
        found, _ = CrontabSchedule.objects.get_or_create(
            minute=schedule._orig_minute, hour=schedule._orig_hour,
            day_of_week=schedule._orig_day_of_week, day_of_month=schedule._orig_day_of_month,
            month_of_year=schedule._orig_month_of_year, timezone=settings.CELERY_TIMEZONE,
        )  # fmt: skip
        return {"crontab": found, "interval": None}
    seconds = schedule.total_seconds() if isinstance(schedule, timedelta) else schedule
    found, _ = IntervalSchedule.objects.get_or_create(
        every=int(seconds), period=IntervalSchedule.SECONDS
    )
    return {"interval": found, "crontab": None}


class Command(BaseCommand):
    help = "Install the periodic tasks declared in settings.CELERY_BEAT_SCHEDULE (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true")

    @transaction.atomic
    def handle(self, *args, quiet: bool = False, **options) -> None:
        declared = settings.CELERY_BEAT_SCHEDULE
        changed = 0
        for name, entry in declared.items():
            fields = {
                "task": entry["task"],
                "args": json.dumps(entry.get("args", [])),
                "kwargs": json.dumps(entry.get("kwargs", {})),
                "enabled": True,
                "description": MARK,
                **_schedule_fields(entry["schedule"]),
            }
            task = PeriodicTask.objects.filter(name=name).first()
            if task is None:
                PeriodicTask.objects.create(name=name, **fields)
                changed += 1
                continue
            if any(getattr(task, field) != value for field, value in fields.items()):
                for field, value in fields.items():
                    setattr(task, field, value)
                task.save()
                changed += 1
        removed, _ = (
            PeriodicTask.objects.filter(description=MARK).exclude(name__in=declared).delete()
        )
        if not quiet:
            self.stdout.write(
                f"{len(declared)} periodic tasks declared in code: {changed} installed or "
                f"updated, {removed} no longer declared removed."
            )
