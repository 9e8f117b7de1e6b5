"""The three-tier area tree (K1): district → street/town → community."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Func, Value
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.validators import validate_clean_text


class Area(models.Model):
    """District → street/town → community (K1). Every placed record points here.

    `path` is the chain of ids ("/1/8/23/") so that "inside this area" is one
    indexed prefix match, whatever the depth.
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street/town")
        COMMUNITY = "community", _("Community")

    PARENT_LEVEL = {Level.STREET: Level.DISTRICT, Level.COMMUNITY: Level.STREET}

    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d{6}(\d{3}(\d{3})?)?$",
                _("A division code has 6, 9 or 12 digits (statistical division code)."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_clean_text])
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Retired areas stay for history but take no new records."),
    )
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "is_active"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            old_path = self.path
            new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            if old_path != new_path:
                Area.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    # Re-home the subtree when an area moves to another parent.
                    Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Func(F("path"), Value(old_path), Value(new_path), function="REPLACE")
                    )
                self.path = new_path
        from huitian.access import forget_area_tree  # access imports this module

        transaction.on_commit(forget_area_tree)

    def clean(self):
        expected = self.PARENT_LEVEL.get(self.level)
        if self.level == self.Level.DISTRICT and self.parent_id:
            raise ValidationError({"parent": _("A district has no parent area.")})
        if expected and (self.parent is None or self.parent.level != expected):
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit under a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": self.Level(expected).label}
                }
            )

    def contains(self, other: "Area") -> bool:
        return bool(other and other.path.startswith(self.path))
