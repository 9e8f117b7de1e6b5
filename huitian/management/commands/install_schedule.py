"""Install the declared periodic jobs into django-celery-beat's tables, once.

A job that is missing is created; a job that exists is left as staff made it
(schedule, arguments, enabled or paused). The one repair: when a job's task has been
renamed in code and the stored name no longer names a registered task, the stored
task name is updated and nothing else. Run by `make run`, docker-compose's migrate
job and the production smoke; safe to run any number of times.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from huitian.celery import app as celery_app
from huitian.plugins import declared_schedule


class Command(BaseCommand):
    help = "Create the periodic jobs declared in <app>/schedule.py that are missing."

    def handle(self, *args, **options):
        celery_app.loader.import_default_modules()  # register every app's tasks
        registered = set(celery_app.tasks)
        created = renamed = kept = 0
        with transaction.atomic():
            for name, entry in sorted(declared_schedule().items()):
                if entry["task"] not in registered:
                    self.stderr.write(f"{name}: task {entry['task']} is not registered; skipped")
                    continue
                existing = PeriodicTask.objects.select_for_update().filter(name=name).first()
                if existing is None:
                    PeriodicTask.objects.create(name=name, **ModelEntry._unpack_fields(**entry))
                    created += 1
                elif existing.task not in registered:
                    existing.task = entry["task"]
                    existing.save(update_fields=["task"])
                    renamed += 1
                else:
                    kept += 1
        if options["verbosity"]:
            self.stdout.write(
                f"periodic jobs: {created} created, {renamed} task renamed, {kept} kept as they are"
            )
