"""Topics (grouped needs), the periodic needs list and purchase-service items (P2)."""

from django.conf import settings
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


class Topic(models.Model):
    """Needs about the same thing in one community (or street) and category."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged into another topic")
        MATCHED = "matched", _("Matched")

    FLOW = Workflow(
        [
            Step("merge", (State.OPEN, State.MATCHED), State.MERGED, _("Merge into another topic")),
            # A topic may be matched to several organizations: each match is a step.
            Step(
                "match",
                (State.OPEN, State.MATCHED),
                State.MATCHED,
                pgettext_lazy("topic step", "Match"),
            ),
        ]
    )

    area = models.ForeignKey(
        Area, verbose_name=_("community or street"), on_delete=models.PROTECT, related_name="topics"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=120, validators=[validate_clean_text])
    tokens = models.TextField(_("tokens"), blank=True, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL
    )
    need_count = models.PositiveIntegerField(_("needs"), default=0)
    max_urgency = models.PositiveSmallIntegerField(_("urgency"), default=1)
    last_need_at = models.DateTimeField(_("latest need"), null=True, blank=True)
    # Personal data was masked out of the (public) title: a publisher should look at it.
    needs_review = models.BooleanField(_("needs the publisher's review"), default=False)
    review_reason = models.CharField(_("why review"), max_length=200, blank=True)
    # The title as it was last screened for personal data: every door that writes a title
    # screens it and sets this; a compile screens only the titles that differ (one that
    # reached the row another way, e.g. a raw edit or an import), not 80,000 every time.
    screened_title = models.CharField(
        _("title as last screened"), max_length=120, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    history = HistoricalRecords(excluded_fields=["tokens", "changed_at", "screened_title"])

    scope = Scope(area="area")

    class Meta:
        verbose_name = _("need topic")
        verbose_name_plural = _("need topics")
        ordering = ["-need_count", "-last_need_at", "pk"]
        indexes = [models.Index(fields=["area", "category", "state"])]

    def __str__(self):
        return self.title


class NeedsList(models.Model):
    """The needs list (需求清单) of one period: compiled by a beat job, reviewed, published."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    FLOW = Workflow([Step("publish", (State.DRAFT,), State.PUBLISHED, _("Publish"))])

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    compiled_at = models.DateTimeField(_("compiled at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    # Staff of the district see drafts; the public sees published lists through selectors.
    scope = Scope(public=True)

    class Meta:
        verbose_name = _("needs list")
        verbose_name_plural = _("needs lists")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end"], name="needs_list_period")
        ]

    def __str__(self):
        return f"{self.period_start} – {self.period_end}"


class NeedsListEntry(models.Model):
    # Entries are derived rows: only the compile writes them, from the needs' own topic
    # ids and the list it holds locked, so they reference what exists by construction.
    # No database FK check: PostgreSQL ran one per row at COMMIT (83,000 for a year's
    # list, a fifth of the first compile). Deleting a list or a topic through Django
    # still deletes its entries (on_delete). The list's lookups use the unique
    # (needs_list, topic) index: no index of its own, nor one on the topic (its
    # lookups go through a list; a topic is deleted with its needs only in tests).
    needs_list = models.ForeignKey(
        NeedsList,
        verbose_name=_("needs list"),
        on_delete=models.CASCADE,
        related_name="entries",
        db_constraint=False,
        db_index=False,
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="list_entries",
        db_constraint=False,
        db_index=False,
    )
    # Numbered when the list is published; 0 in a draft, whose entries are ordered by
    # score (Meta.ordering, the same order the ranks are numbered in).
    rank = models.PositiveIntegerField(_("rank"), default=0)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=3, default=0)
    need_count = models.PositiveIntegerField(_("needs"), default=0)
    resident_count = models.PositiveIntegerField(_("residents"), default=0)
    max_urgency = models.PositiveSmallIntegerField(_("urgency"), default=1)
    last_need_at = models.DateTimeField(_("latest need"), null=True)

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("needs list entry")
        verbose_name_plural = _("needs list entries")
        ordering = ["-score", "-last_need_at", "topic_id"]
        constraints = [
            models.UniqueConstraint(fields=["needs_list", "topic"], name="needs_list_entry_topic")
        ]
        indexes = [
            # A published list's pages, by rank; a draft's rank-0 rows are not indexed,
            # so the compile's INSERT of 80,000 entries does not fill it.
            models.Index(
                fields=["needs_list", "rank"],
                name="needs_list_entry_rank",
                condition=models.Q(rank__gt=0),
            )
        ]

    def __str__(self):
        return f"#{self.rank} {self.topic_id}"


class PurchaseItem(models.Model):
    """A topic promoted to the purchase-service list (购买服务清单)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        MATCHED = "matched", _("Matched")

    FLOW = Workflow(
        [
            Step(
                "match",
                (State.PROPOSED, State.MATCHED),
                State.MATCHED,
                pgettext_lazy("topic step", "Match"),
            )
        ]
    )

    topic = models.OneToOneField(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="purchase_item"
    )
    title = models.CharField(_("title"), max_length=120, validators=[validate_clean_text])
    estimated_budget = models.DecimalField(
        _("estimated budget (yuan)"), max_digits=12, decimal_places=2
    )
    service_standard = models.TextField(
        _("service standard"),
        max_length=limits.SERVICE_STANDARD,
        validators=[validate_clean_text],
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="topic__area")

    class Meta:
        verbose_name = _("purchase-service item")
        verbose_name_plural = _("purchase-service items")
        ordering = ["-created_at"]
        constraints = [
            limits.at_most(
                "service_standard", limits.SERVICE_STANDARD, name="purchase_item_standard_length"
            )
        ]

    def __str__(self):
        return self.title
