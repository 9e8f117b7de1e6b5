"""The shared category taxonomy (R4) that organizations, needs and offers use."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.validators import validate_clean_text


class Category(models.Model):
    """The shared service-category taxonomy (R4): organizations, needs and offers use it.

    Two levels: a group (governance, culture and sports, …) and its categories.
    Managed by district staff in the admin; codes are stable identifiers.
    """

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=60, validators=[validate_clean_text])
    parent = models.ForeignKey(
        "self",
        verbose_name=pgettext_lazy("service category", "group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_priority = models.BooleanField(
        _("priority category"),
        default=False,
        help_text=_("Priority for cultivation under the 2019 plan (§8)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name
