"""Funding sources and yearly budgets (P6): what the ledger's accounts mean to procurement.

A funding source (district finance, the Huitian special fund, …) is reference data with
one ledger account. A budget is one source's money for one area and year: its ledger
account holds what is still available; two commitment accounts hold what is committed
(to purchase of services, or to other purposes) and not yet paid. Every figure in the
report is read back from the ledger's entries and balances.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.models import Area, LedgerAccount
from huitian.models.ledger import MONEY
from huitian.scope import Scope

SPECIAL_FUND_CODE = "huitian_special"
SPECIAL_FUND_TOTAL = Decimal("40000000.00")


class FundingSource(models.Model):
    class Kind(models.TextChoices):
        DISTRICT_FINANCE = "district_finance", _("District finance")
        STREET_BUDGET = "street_budget", _("Street budget")
        WELFARE_SUBSIDY = "welfare_subsidy", _("Community welfare subsidy")
        PARTY_SERVICE = "party_service", _("Party organizations' service funds for the masses")
        MUNICIPAL_TRANSFER = "municipal_transfer", _("Municipal transfer payments")
        SPECIAL_FUND = "special_fund", _("Huitian special fund")
        FOUNDATION = "foundation", _("Foundation special funds")
        VOLUNTEER_FUND = "volunteer_fund", _("Volunteer fund")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # The plan's total where it sets one (the special fund's 40,000,000 yuan).
    plan_total = models.DecimalField(_("plan total (yuan)"), null=True, blank=True, **MONEY)
    account = models.OneToOneField(
        LedgerAccount,
        verbose_name=_("ledger account"),
        on_delete=models.PROTECT,
        related_name="funding_source",
        editable=False,
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    # Reference data: every staff member reads the list of sources.
    scope = Scope(public=True)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_total__isnull=True) | Q(plan_total__gt=0),
                name="funding_source_plan_total_positive",
            )
        ]

    def __str__(self):
        return self.name


class Budget(models.Model):
    class Purpose(models.TextChoices):
        SERVICES = "services", _("Purchase of services")
        OTHER = "other", _("Other purposes")

    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.PROTECT,
        related_name="budgets",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    account = models.OneToOneField(
        LedgerAccount,
        verbose_name=_("available account"),
        on_delete=models.PROTECT,
        related_name="budget",
        editable=False,
    )
    services_account = models.OneToOneField(
        LedgerAccount,
        verbose_name=_("committed to purchase of services"),
        on_delete=models.PROTECT,
        related_name="services_budget",
        editable=False,
    )
    other_account = models.OneToOneField(
        LedgerAccount,
        verbose_name=_("committed to other purposes"),
        on_delete=models.PROTECT,
        related_name="other_budget",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    # Street staff see their street's budgets (and its communities'); the district all.
    scope = Scope(area="area")

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "source__sort_order", "area__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "area", "year"], name="budget_one_per_source_area_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="budget_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.source} · {self.area}"

    def commitment_account(self, purpose: str) -> LedgerAccount:
        return self.services_account if purpose == self.Purpose.SERVICES else self.other_account
