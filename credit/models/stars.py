"""Star rating of community organizations (星级评价, C3): a versioned model and ratings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.scope import Scope
from registry.models import Organization

COMPONENTS = ("governance", "activity", "service", "finance", "credit")
COMPONENT_LABELS = {
    "governance": _("Governance"),
    "activity": pgettext_lazy("star component", "Activity"),
    "service": _("Service and satisfaction"),
    "finance": _("Finance and compliance"),
    "credit": _("Credit events"),
}


class StarModel(models.Model):
    """One version of the scoring model: five weights (percent, summing to 100) and the
    minimum score for 2–5 stars (strictly increasing). Never changed once saved: staff
    publish a new version (`credit.services.publish_star_model`)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    weight_governance = models.PositiveSmallIntegerField(_("governance weight (%)"))
    weight_activity = models.PositiveSmallIntegerField(_("activity weight (%)"))
    weight_service = models.PositiveSmallIntegerField(_("service and satisfaction weight (%)"))
    weight_finance = models.PositiveSmallIntegerField(_("finance and compliance weight (%)"))
    weight_credit = models.PositiveSmallIntegerField(_("credit events weight (%)"))
    min_two = models.PositiveSmallIntegerField(_("minimum score for 2 stars"))
    min_three = models.PositiveSmallIntegerField(_("minimum score for 3 stars"))
    min_four = models.PositiveSmallIntegerField(_("minimum score for 4 stars"))
    min_five = models.PositiveSmallIntegerField(_("minimum score for 5 stars"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    # The model is explained on every public credit page.
    scope = Scope(public=True)

    class Meta:
        verbose_name = _("star rating model")
        verbose_name_plural = _("star rating models")
        ordering = ["-version"]

    def __str__(self):
        return _("Star model v%(v)s") % {"v": self.version}

    def weights(self) -> dict[str, int]:
        return {c: getattr(self, f"weight_{c}") for c in COMPONENTS}

    def stars_for(self, score) -> int:
        thresholds = [self.min_two, self.min_three, self.min_four, self.min_five]
        return 1 + sum(1 for t in thresholds if score >= t)


class StarRating(models.Model):
    """A computed rating: written only when it differs from the organization's last one."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("credit", "organization"),
        on_delete=models.PROTECT,
        related_name="star_ratings",
    )
    model = models.ForeignKey(
        StarModel, verbose_name=_("model version"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    stars = models.PositiveSmallIntegerField(_("stars"))
    # [{"component", "weight", "value", "points", "why"}]; the points add up to `score`.
    breakdown = models.JSONField(_("breakdown"))
    computed_on = models.DateField(_("computed on"))
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    scope = Scope(area="organization__home_area", organization="organization", public=True)

    class Meta:
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-computed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="star_rating_stars_range"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.stars}★"
