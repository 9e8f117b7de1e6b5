"""A 12345 hotline import: the stored file is the queue, a Celery job works through it."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area
from huitian.scope import Scope
from huitian.workflow import Step, Workflow


def import_file_path(instance, filename):
    return f"imports/12345/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{filename[-60:]}"


class NeedImport(models.Model):
    """One uploaded 12345 export and how far the job has worked through it.

    `rows_done` moves forward in the same transaction as the needs of its batch,
    so a job that dies mid-batch resumes from the last committed row; a ticket
    number already imported is skipped, so re-running a row creates nothing.
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("need import state", "Waiting")
        RUNNING = "running", pgettext_lazy("need import state", "Running")
        DONE = "done", pgettext_lazy("need import state", "Done")
        FAILED = "failed", pgettext_lazy("need import state", "Failed")

    FLOW = Workflow(
        [
            Step(
                "start", (State.PENDING,), State.RUNNING, pgettext_lazy("need import step", "Start")
            ),
            Step(
                "finish", (State.RUNNING,), State.DONE, pgettext_lazy("need import step", "Finish")
            ),
            Step(
                "fail",
                (State.PENDING, State.RUNNING),
                State.FAILED,
                pgettext_lazy("need import step", "Fail"),
            ),
        ]
    )

    file = models.FileField(_("file"), upload_to=import_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING, editable=False
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("needs created"), default=0)
    skipped_count = models.PositiveIntegerField(_("already imported"), default=0)
    error_count = models.PositiveIntegerField(_("rows refused"), default=0)
    failure = models.TextField(_("why the file failed"), blank=True)
    # The importer's outermost staff area when the import started (None: a superuser).
    area = models.ForeignKey(
        Area,
        verbose_name=_("importer's area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["heartbeat_at", "rows_done"])

    scope = Scope(area="area", owner="created_by")

    class Meta:
        verbose_name = _("12345 import")
        verbose_name_plural = _("12345 imports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["heartbeat_at"],
                condition=models.Q(state__in=["pending", "running"]),
                name="need_import_unfinished",
            )
        ]

    def __str__(self):
        # Staff read Beijing time everywhere, titles included.
        return f"{self.original_name} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class NeedImportError(models.Model):
    """One refused row of an import: its row number in the file and why."""

    need_import = models.ForeignKey(
        NeedImport, verbose_name=_("12345 import"), on_delete=models.CASCADE, related_name="errors"
    )
    row = models.PositiveIntegerField(pgettext_lazy("need import", "row"))
    reason = models.TextField(_("reason"))

    scope = Scope(area="need_import__area", owner="need_import__created_by")

    class Meta:
        verbose_name = _("refused import row")
        verbose_name_plural = _("refused import rows")
        ordering = ["row"]
        constraints = [
            models.UniqueConstraint(fields=["need_import", "row"], name="need_import_error_row")
        ]

    def __str__(self):
        return f"{self.row}: {self.reason[:60]}"
