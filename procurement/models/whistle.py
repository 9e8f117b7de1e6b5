"""Community blows the whistle, organizations report (社区吹哨，社会组织报到, P5)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.scope import Scope
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models import limits


class WhistleCall(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        SELECTED = "selected", _("Responders selected")
        CLOSED = "closed", _("Closed")

    FLOW = Workflow(
        [
            Step("select", (State.OPEN,), State.SELECTED, _("Select responders")),
            Step("close", (State.OPEN, State.SELECTED), State.CLOSED, _("Close the call")),
        ]
    )

    class Urgency(models.IntegerChoices):
        NORMAL = 1, _("Normal")
        URGENT = 2, _("Urgent")
        CRITICAL = 3, _("Critical")

    community = models.ForeignKey(
        Area, verbose_name=_("community"), on_delete=models.PROTECT, related_name="whistle_calls"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.TextField(
        _("problem"), max_length=limits.WHISTLE_PROBLEM, validators=[validate_clean_text]
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    notified_orgs = models.ManyToManyField(
        "registry.Organization",
        verbose_name=_("notified organizations"),
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    # Staff of the community's area; notified organizations read it too.
    scope = Scope(area="community", organization="notified_orgs", distinct=True)

    class Meta:
        verbose_name = _("whistle call")
        verbose_name_plural = _("whistle calls")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            limits.at_most("problem", limits.WHISTLE_PROBLEM, name="whistle_problem_length")
        ]

    def __str__(self):
        return self.problem[:40]


class WhistleResponse(models.Model):
    call = models.ForeignKey(
        WhistleCall,
        verbose_name=_("whistle call"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="whistle_responses",
    )
    brings = models.TextField(
        _("what we bring"), max_length=limits.WHISTLE_BRINGS, validators=[validate_clean_text]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("responded at"), default=timezone.now)
    response_minutes = models.PositiveIntegerField(_("response time (minutes)"), default=0)
    selected = models.BooleanField(_("selected"), default=False)
    # A selected responder that did not come: recorded once (and a credit event).
    no_show_at = models.DateTimeField(_("no-show recorded at"), null=True, blank=True)
    no_show_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("no-show recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    scope = Scope(area="call__community", organization="organization")

    class Meta:
        verbose_name = _("whistle response")
        verbose_name_plural = _("whistle responses")
        ordering = ["responded_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organization"], name="whistle_response_once"),
            limits.at_most("brings", limits.WHISTLE_BRINGS, name="whistle_brings_length"),
        ]

    def __str__(self):
        return f"{self.organization} → {self.call_id}"
