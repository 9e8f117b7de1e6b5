"""The money ledger (P6): accounts and append-only entries, grouped by movement.

An entry moves `amount` yuan from its `credit` account (whose balance falls) to its
`debit` account (whose balance rises). A movement is the set of entries one
`huitian.ledger.post()` call writes in one transaction. Balances are sums of entries;
`LedgerAccount.balance` caches that sum, is changed only by `post()` under a row lock,
and is never below zero (a CHECK constraint) except on external accounts — the world
outside the platform, where money comes from (a treasury, donors) and goes to (payees).

Apps own what accounts mean (procurement: sources, budgets, foundation funds; the
registry: custody accounts); the kernel only keeps the books.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huitian.models.areas import Area
from huitian.scope import Scope

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        EXTERNAL = "external", _("External (outside the platform)")
        SOURCE = "source", _("Funding source")
        BUDGET = "budget", _("Budget")
        COMMITMENT = "commitment", _("Commitment")
        FUND = "fund", _("Foundation fund")
        CUSTODY = "custody", _("Custody account")
        GRANT = "grant", _("Grant")

    code = models.CharField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    owner_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    currency = models.CharField(_("currency"), max_length=3, default="CNY", editable=False)
    # The cached sum of entries: written only by huitian.ledger.post() under a row lock.
    balance = models.DecimalField(_("balance"), default=ZERO, editable=False, **MONEY)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    # Staff of the account's area (and above); accounts without an area: superusers.
    scope = Scope(area="area")

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["code"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0) | Q(kind="external"),
                name="huitian_ledger_balance_not_negative",
            ),
            models.CheckConstraint(condition=Q(currency="CNY"), name="huitian_ledger_cny_only"),
        ]

    def __str__(self):
        return self.name


class LedgerMovement(models.Model):
    class Kind(models.TextChoices):
        ALLOCATE = "allocate", _("Allocate")
        COMMIT = "commit", _("Commit")
        RELEASE = "release", _("Release")
        PAY = "pay", _("Pay")
        REFUND = "refund", _("Refund")
        TRANSFER = "transfer", _("Transfer")
        DONATE = "donate", _("Donate")
        DISBURSE = "disburse", _("Disburse")
        REVERSE = "reverse", _("Reverse")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    cause_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause_id = models.PositiveBigIntegerField(null=True, blank=True)
    cause = GenericForeignKey("cause_type", "cause_id")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The narrowest area among the movement's accounts: an allocation to a street's
    # budget is read by that street's staff (and the district above it).
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )

    scope = Scope(area="area")

    class Meta:
        verbose_name = _("ledger movement")
        verbose_name_plural = _("ledger movements")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["cause_type", "cause_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | Q(kind="reverse"),
                name="huitian_ledger_only_reversals_reverse",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Ledger movements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger movements are append-only.")


class LedgerEntry(models.Model):
    movement = models.ForeignKey(
        LedgerMovement,
        verbose_name=_("movement"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    debit = models.ForeignKey(
        LedgerAccount,
        verbose_name=_("debit (to)"),
        on_delete=models.PROTECT,
        related_name="debits",
    )
    credit = models.ForeignKey(
        LedgerAccount,
        verbose_name=_("credit (from)"),
        on_delete=models.PROTECT,
        related_name="credits",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    scope = Scope(area="movement__area")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["movement_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="huitian_ledger_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(debit=F("credit")), name="huitian_ledger_two_accounts"
            ),
        ]

    def __str__(self):
        return f"{self.credit} → {self.debit}: ¥{self.amount}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger entries are append-only.")
