"""The 回天社区公益基金会 (P7): a special fund per community, donations with receipts
numbered without gaps, and disbursements approved by the fund's managers.

A fund's money is its ledger account (kind "fund"): donations are `donate` movements
into it, paid disbursements `disburse` movements out of it, so a disbursement beyond
the fund's balance is refused by the ledger itself.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, LedgerAccount, LedgerMovement
from huitian.models.ledger import MONEY
from huitian.scope import SUPERUSERS_ONLY, Scope
from huitian.workflow import Step, Workflow
from procurement.models import limits

NAME_MAX = 100
PURPOSE_MAX = 1000


class FoundationFund(models.Model):
    community = models.OneToOneField(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="foundation_fund",
    )
    name = models.CharField(_("name"), max_length=100)
    rules = models.TextField(_("fund rules"), max_length=2000, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fund managers"),
        blank=True,
        related_name="managed_funds",
    )
    account = models.OneToOneField(
        LedgerAccount,
        verbose_name=_("ledger account"),
        on_delete=models.PROTECT,
        related_name="foundation_fund",
        editable=False,
    )
    is_open = models.BooleanField(_("open for donations"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    # Staff of the community (and above) in the admin and API; the public page shows
    # only totals, uses and donors' display names (`selectors.foundation.public_fund`).
    scope = Scope(area="community")

    class Meta:
        verbose_name = _("foundation fund")
        verbose_name_plural = _("foundation funds")
        ordering = ["community__code"]
        constraints = [
            limits.at_most("rules", 2000, name="foundation_fund_rules_length"),
        ]

    def __str__(self):
        return self.name


class Donation(models.Model):
    class DonorKind(models.TextChoices):
        COMPANY = "company", _("Company")
        MERCHANT = "merchant", _("Merchant")
        RESIDENT = "resident", pgettext_lazy("donor kind", "Resident")

    fund = models.ForeignKey(
        FoundationFund,
        verbose_name=_("designated fund"),
        on_delete=models.PROTECT,
        related_name="donations",
    )
    donor_kind = models.CharField(_("donor kind"), max_length=16, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor"), max_length=NAME_MAX)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    donated_on = models.DateField(_("date"))
    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True)
    movement = models.OneToOneField(
        LedgerMovement, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="fund__community")

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-donated_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            limits.at_most("donor_name", NAME_MAX, name="donation_donor_length"),
        ]

    def __str__(self):
        return self.receipt_number

    @property
    def public_name(self) -> str:
        """What the public page shows: 匿名 for anonymous donors and, to keep residents'
        personal data off the page, for every resident; companies and merchants by name."""
        if self.anonymous or self.donor_kind == self.DonorKind.RESIDENT:
            return str(_("Anonymous"))
        return self.donor_name


class ReceiptCounter(models.Model):
    """The last receipt number issued in a year, locked while the next is issued."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    scope = SUPERUSERS_ONLY

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Disbursement(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("disbursement state", "Submitted")
        APPROVED = "approved", pgettext_lazy("disbursement state", "Approved")
        PAID = "paid", pgettext_lazy("disbursement state", "Paid")
        REJECTED = "rejected", pgettext_lazy("disbursement state", "Rejected")

    FLOW = Workflow(
        [
            Step("approve", (State.SUBMITTED,), State.APPROVED, _("Approve the disbursement")),
            Step(
                "reject",
                (State.SUBMITTED, State.APPROVED),
                State.REJECTED,
                _("Reject the disbursement"),
                needs_note=True,
            ),
            Step("pay", (State.APPROVED,), State.PAID, _("Pay the disbursement")),
        ]
    )

    fund = models.ForeignKey(
        FoundationFund,
        verbose_name=_("foundation fund"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    purpose = models.TextField(_("purpose"), max_length=PURPOSE_MAX)
    beneficiary = models.CharField(_("beneficiary"), max_length=NAME_MAX)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    movement = models.OneToOneField(
        LedgerMovement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    scope = Scope(area="fund__community")

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            limits.at_most("purpose", PURPOSE_MAX, name="disbursement_purpose_length"),
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(movement__isnull=False),
                name="disbursement_paid_has_movement",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary} ¥{self.amount}"
