"""The activity-anomaly and serious-dishonesty lists (C2), one row per listing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.workflow import Step, Workflow
from registry.models import Organization


class ListEntry(models.Model):
    """An organization's time on one list: entered (dated, with a cause and basis),
    then removed or moved on to the dishonesty list (dated, with a reason)."""

    BASIS_MAX_LENGTH = 500

    class Kind(models.TextChoices):
        ANOMALY = "anomaly", _("Activity-anomaly list")  # 活动异常名录
        DISHONESTY = "dishonesty", _("Serious-dishonesty list")  # 严重违法失信名单

    class Cause(models.TextChoices):
        MISSING_REPORT = "missing_report", _("Annual report not submitted on time")
        NO_PARTY_ORGANIZATION = "no_party", _("No party organization set up as required")
        RECTIFICATION_OVERDUE = "rectification", _("Rectification not finished by its deadline")
        LIGHT_PENALTY = "light_penalty", _("Warning or fine under 50,000 yuan")
        UNREACHABLE = "unreachable", _("Cannot be reached at its registered address")
        FROM_ANOMALY = "from_anomaly", _("On the anomaly list for two full years")
        HEAVY_PENALTY = "heavy_penalty", _("Fine of 50,000 yuan or more")
        SUSPENDED = "suspended", _("Ordered to suspend activities")
        REPEATED_PENALTIES = "repeated", _("Two or more warnings or fines within three years")
        DISHONEST_DEBTOR = "debtor", _("Listed by the courts as a dishonest judgment debtor")
        REVOKED = "revoked", _("Registration revoked or cancelled")
        OTHER = "other", _("Other case named by law")

    ANOMALY_CAUSES = (
        Cause.MISSING_REPORT,
        Cause.NO_PARTY_ORGANIZATION,
        Cause.RECTIFICATION_OVERDUE,
        Cause.LIGHT_PENALTY,
        Cause.UNREACHABLE,
        Cause.OTHER,
    )
    DISHONESTY_CAUSES = (
        Cause.FROM_ANOMALY,
        Cause.HEAVY_PENALTY,
        Cause.SUSPENDED,
        Cause.REPEATED_PENALTIES,
        Cause.DISHONEST_DEBTOR,
        Cause.REVOKED,
        Cause.OTHER,
    )

    class State(models.TextChoices):
        LISTED = "listed", _("Listed")
        REMOVED = "removed", _("Removed")
        MOVED = "moved", _("Moved to the dishonesty list")

    FLOW = Workflow(
        [
            Step("remove", (State.LISTED,), State.REMOVED, _("Remove from the list"), True),
            Step("move", (State.LISTED,), State.MOVED, _("Move to the dishonesty list"), True),
        ]
    )

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("credit", "organization"),
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    kind = models.CharField(_("list"), max_length=16, choices=Kind.choices)
    cause = models.CharField(_("cause"), max_length=16, choices=Cause.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=BASIS_MAX_LENGTH)
    # The rule that entered it ("missing_report:2025"); blank for a staff decision.
    rule_key = models.CharField(_("rule"), max_length=40, blank=True, editable=False)
    entered_on = models.DateField(_("entered on"))
    # A new cause while listed restarts the period: the period runs from here.
    period_from = models.DateField(_("period runs from"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.LISTED)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=BASIS_MAX_LENGTH, blank=True)
    moved_from = models.OneToOneField(
        "self",
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moved_to",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    # Every entry and removal is public (MCA Order No. 60).
    scope = Scope(area="organization__home_area", organization="organization", public=True)

    class Meta:
        verbose_name = _("credit list entry")
        verbose_name_plural = _("credit list entries")
        ordering = ["-entered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=models.Q(state="listed"),
                name="credit_listed_once_per_list",
            ),
            models.UniqueConstraint(
                fields=["organization", "rule_key"],
                condition=~models.Q(rule_key=""),
                name="credit_list_rule_applies_once",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_kind_display()} {self.entered_on}"
