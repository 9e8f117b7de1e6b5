"""Service offers from organizations: the supply list (服务供给清单, P3)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.scope import Scope
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models import limits


class Offer(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("offer state", "Active")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    FLOW = Workflow(
        [
            Step(
                "withdraw",
                (State.ACTIVE,),
                State.WITHDRAWN,
                pgettext_lazy("offer step", "Withdraw"),
            ),
            # Taken by the daily job (no person): the offer's valid-until date passed.
            Step("expire", (State.ACTIVE,), State.EXPIRED, pgettext_lazy("offer step", "Expire")),
            # The organization extends an offer (again on the supply list if it had expired).
            Step(
                "renew",
                (State.ACTIVE, State.EXPIRED),
                State.ACTIVE,
                pgettext_lazy("offer step", "Renew"),
            ),
        ]
    )

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="offers"
    )
    title = models.CharField(_("title"), max_length=120, validators=[validate_clean_text])
    description = models.TextField(
        pgettext_lazy("offer", "description"),
        max_length=limits.OFFER_DESCRIPTION,
        validators=[validate_clean_text],
    )
    areas = models.ManyToManyField(
        Area, verbose_name=_("communities or streets served"), related_name="offers"
    )
    capacity_per_month = models.PositiveIntegerField(_("capacity per month"), default=10)
    is_free = models.BooleanField(_("free of charge"), default=True)
    price_min = models.DecimalField(
        _("price from (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_max = models.DecimalField(
        _("price up to (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    expiry_notice_sent_at = models.DateTimeField(_("expiry notice sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[areas])

    # The supply list is public; writes are checked by rules (members of the organization).
    scope = Scope(public=True)

    class Meta:
        verbose_name = _("service offer")
        verbose_name_plural = _("service offers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_min__isnull=True)
                | models.Q(price_max__isnull=True)
                | models.Q(price_min__lte=models.F("price_max")),
                name="offer_price_range",
            ),
            limits.at_most(
                "description", limits.OFFER_DESCRIPTION, name="offer_description_length"
            ),
        ]

    def __str__(self):
        return self.title
