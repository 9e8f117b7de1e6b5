"""志愿回天专项基金 (V4): teams apply for grants; review, approval and payment.

The money is in the kernel ledger: the fund is the volunteers app's own ledger account
(`volunteers.services.fund.fund_account`), contributions and payments are movements,
and a paid grant names its movement.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import LedgerMovement
from huitian.scope import Scope
from huitian.workflow import Step, Workflow

GRANT_TITLE_MAX = 100
GRANT_PURPOSE_MAX = 2000
MONEY = {"max_digits": 14, "decimal_places": 2}


class Grant(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("grant state", "Applied")
        APPROVED = "approved", pgettext_lazy("grant state", "Approved")
        PAID = "paid", pgettext_lazy("grant state", "Paid")
        REJECTED = "rejected", pgettext_lazy("grant state", "Rejected")

    FLOW = Workflow(
        [
            Step("approve", (State.SUBMITTED,), State.APPROVED, _("Approve the grant")),
            Step(
                "reject",
                (State.SUBMITTED, State.APPROVED),
                State.REJECTED,
                _("Reject the grant"),
                needs_note=True,
            ),
            Step("pay", (State.APPROVED,), State.PAID, _("Pay the grant")),
        ]
    )

    team = models.ForeignKey(
        "volunteers.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="grants"
    )
    title = models.CharField(_("title"), max_length=GRANT_TITLE_MAX)
    purpose = models.TextField(_("purpose"), max_length=GRANT_PURPOSE_MAX)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    movement = models.OneToOneField(
        LedgerMovement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    scope = Scope(area="team__area", organization="team__organization")

    class Meta:
        verbose_name = _("volunteer fund grant")
        verbose_name_plural = _("volunteer fund grants")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(movement__isnull=False, paid_at__isnull=False),
                name="paid_grant_has_movement",
            ),
        ]

    def __str__(self):
        return self.title
