"""The workflow audit line (K4): one append-only row per step."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huitian.scope import SUPERUSERS_ONLY


class Transition(models.Model):
    """One recorded workflow step (from, to, by, when, note): the audit line of every workflow."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    step = models.CharField(_("step"), max_length=64)
    from_state = models.CharField(_("from"), max_length=32)
    to_state = models.CharField(_("to"), max_length=32)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # A reason or remark, not a document: every door that takes one caps it here too.
    NOTE_MAX_LENGTH = 1000
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])

    # Read through the subject's own scope; the admin shows them inline on the record.
    scope = SUPERUSERS_ONLY

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), 1000),
                name="huitian_transition_note_max_length",
            )
        ]

    def __str__(self):
        before, after = self.state_label(self.from_state), self.state_label(self.to_state)
        return f"{before} → {after} ({self.step_label()})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Workflow transitions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Workflow transitions are append-only.")

    def _workflows(self) -> list:
        from huitian.workflow import Workflow  # the workflow module imports this one

        model = self.content_type.model_class() if self.content_type_id else None
        return [w for w in vars(model).values() if isinstance(w, Workflow)] if model else []

    def step_label(self) -> str:
        """The step as staff read it: its Workflow label (“Reject”), not the code."""
        for flow in self._workflows():
            found = flow._by_name.get(self.step)
            if found is not None:
                return str(found.label or found.name)
        from huitian.workflow import CREATION_STEPS

        return str(CREATION_STEPS.get(self.step, self.step))

    def state_label(self, value: str) -> str:
        """A recorded state as staff read it, from the field this step's workflow moves."""
        if not value:
            return "—"
        flows = self._workflows()
        fields = [f.field for f in flows if self.step in f._by_name] or [f.field for f in flows]
        model = self.content_type.model_class() if self.content_type_id else None
        for name in dict.fromkeys(fields or ["state", "status"]) if model else ():
            try:
                choices = dict(model._meta.get_field(name).flatchoices)
            except FieldDoesNotExist:
                continue
            if value in choices:
                return str(choices[value])
        return value
