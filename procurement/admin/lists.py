"""Topics, needs lists and purchase-service items: every write through `services.lists`."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from huitian.models import Role
from procurement.admin.base import ProcurementAdmin, RecordOnlyAdmin
from procurement.models import Need, NeedsList, NeedsListEntry, PurchaseItem, Topic
from procurement.rules import HANDLERS
from procurement.services import lists


class SplitForm(forms.Form):
    """Which of the topic's needs move to a new topic, and its title."""

    title = forms.CharField(
        label=_("Title of the new topic"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to use the first chosen need's title."),
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs to move"),
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = topic.needs.order_by("created_at", "pk")
        self.fields["needs"].label_from_instance = lambda n: f"{n.tracking_code} · {n.title}"


@admin.register(Topic)
class TopicAdmin(ProcurementAdmin):
    # Fewer, narrower columns so that 状态 and 对接 stay in view at 1280 px with the
    # sidebar open; category and review are filters.
    list_display = ["title", "area", "need_count", "state", "candidates_link"]
    list_filter = ["state", "needs_review", "category"]
    search_fields = ["title"]
    list_select_related = ["area", "category"]
    readonly_fields = [
        "needs_review",
        "review_reason",
        "area",
        "category",
        "need_count",
        "max_urgency",
        "last_need_at",
        "state",
        "merged_into",
    ]
    fields = ["title", *readonly_fields]
    inlines = [TransitionInline]
    actions = ["merge_selected", "mark_reviewed"]
    workflow_steps = {
        "merge_selected": StepRule("merge", perm="procurement.edit_topic", roles=HANDLERS),
    }

    change_form_template = "admin/procurement/topic_change.html"

    def has_add_permission(self, request):
        return False  # topics come from grouping and splitting, never by hand

    def get_urls(self):
        return [
            path(
                "<path:object_id>/split/",
                self.admin_site.admin_view(self.split_view),
                name="procurement_topic_split",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        topic = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if topic is not None:
            editor = request.user.has_perm("procurement.edit_topic", topic)
            extra["can_split"] = editor and topic.state == Topic.State.OPEN and topic.need_count > 1
            items = self.admin_site._registry.get(PurchaseItem)
            extra["can_promote"] = bool(items and items.has_add_permission(request))
        return super().change_view(request, object_id, form_url, extra)

    def split_view(self, request, object_id):
        """Move some of the topic's needs into a new topic (`split_topic`)."""
        topic = self.get_object(request, unquote(object_id))
        if topic is None:
            raise Http404
        if not request.user.has_perm("procurement.edit_topic", topic):
            raise PermissionDenied
        form = SplitForm(request.POST or None, topic=topic)
        if request.method == "POST" and form.is_valid():
            new = self.run_service(
                request,
                lists.split_topic,
                topic_id=topic.pk,
                need_ids=[n.pk for n in form.cleaned_data["needs"]],
                title=form.cleaned_data["title"],
                by=request.user,
                success=_("Split: the chosen needs form a new topic."),
            )
            if new is not None:
                return redirect("admin:procurement_topic_change", new.pk)
        return TemplateResponse(
            request,
            "admin/procurement/topic_split.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Split the topic “%(t)s”") % {"t": topic.title},
                "topic": topic,
                "form": form,
                "opts": self.opts,
                "original": topic,
            },
        )

    def change_with_service(self, request, obj, form):
        return lists.rename_topic(
            topic_id=obj.pk, by=request.user, title=form.cleaned_data["title"]
        )

    @admin.display(description=_("matching"))
    def candidates_link(self, obj):
        url = reverse("procurement:topic-candidates", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Candidates"))

    @admin.action(description=_("Merge the selected topics into the first"))
    def merge_selected(self, request, queryset):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        if len(ids) < 2:
            self.message_user(request, _("Choose at least two topics."), messages.WARNING)
            return
        self.run_service(
            request,
            lists.merge_topics,
            into_id=ids[0],
            other_ids=ids[1:],
            by=request.user,
            success=_("Topics merged."),
        )

    @admin.action(description=_("Mark the masked titles as reviewed"))
    def mark_reviewed(self, request, queryset):
        flagged = list(queryset.filter(needs_review=True))
        if not flagged:
            self.message_user(
                request,
                _("Nothing was changed: none of the selected topics waits for review."),
                messages.WARNING,
            )
        for topic in flagged:
            self.run_service(
                request,
                lists.mark_topic_reviewed,
                topic_id=topic.pk,
                by=request.user,
                success=_("Reviewed: %(t)s") % {"t": topic.title},
            )


@admin.register(NeedsList)
class NeedsListAdmin(RecordOnlyAdmin):
    list_display = ["__str__", "state", "compiled_at", "published_at", "to_review"]
    readonly_fields = [
        "period_start",
        "period_end",
        "state",
        "compiled_at",
        "published_at",
        "published_by",
        "topics_to_review",
        "topics_in_list",
    ]
    inlines = [TransitionInline]
    actions = ["compile_selected", "publish_selected"]
    workflow_steps = {
        "publish_selected": StepRule(
            "publish", perm="procurement.publish_list", roles=(Role.DISTRICT_ADMIN,)
        ),
    }

    def _flagged(self, obj):
        return Topic.objects.filter(list_entries__needs_list=obj, needs_review=True).order_by("pk")

    @admin.display(description=_("titles to review"))
    def to_review(self, obj):
        return self._flagged(obj).count()

    @admin.display(description=_("Topics whose titles had personal data masked"))
    def topics_to_review(self, obj):
        flagged = self._flagged(obj)[:200]
        if not flagged:
            return _("None: every title is ready to publish.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {}</li>',
                (
                    (
                        reverse("admin:procurement_topic_change", args=[t.pk]),
                        t.title,
                        t.review_reason,
                    )
                    for t in flagged
                ),
            ),
        )

    @admin.display(description=_("Topics in this list"))
    def topics_in_list(self, obj):
        """What publishing will show: every topic, its needs count and any flagged title."""
        entries = (
            NeedsListEntry.objects.filter(needs_list=obj)
            .select_related("topic")
            .order_by(*NeedsListEntry._meta.ordering)[:500]
        )
        if not entries:
            return _("No topic yet: compile the list first.")
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    e.rank or position,  # a draft's place in the list until publication
                    reverse("admin:procurement_topic_change", args=[e.topic_id]),
                    e.topic.title,
                    e.need_count,
                    e.resident_count,
                    format_html("<strong>⚠ {}</strong>", e.topic.review_reason)
                    if e.topic.needs_review
                    else "",
                )
                for position, e in enumerate(entries, start=1)
            ),
        )
        return format_html(
            '<table class="full-width topics-in-list"><thead><tr><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("rank"),
            _("topic"),
            _("needs"),
            _("residents"),
            _("to review"),
            rows,
        )

    @admin.action(description=_("Compile (bring up to date)"))
    def compile_selected(self, request, queryset):
        for lst in queryset:
            self.run_service(
                request,
                lists.compile_needs_list,
                period_start=lst.period_start,
                period_end=lst.period_end,
                by=request.user,
                success=_("Compiled."),
            )

    @admin.action(description=_("Publish"))
    def publish_selected(self, request, queryset):
        for lst in queryset:
            self.run_service(
                request,
                lists.publish_needs_list,
                list_id=lst.pk,
                by=request.user,
                success=_("Published."),
            )


@admin.register(PurchaseItem)
class PurchaseItemAdmin(ProcurementAdmin):
    """Added by promoting a topic (`promote_topic`), corrected by `update_purchase_item`."""

    list_display = ["title", "topic", "estimated_budget", "state"]
    list_select_related = ["topic"]
    raw_id_fields = ["topic"]
    fields = [
        "topic",
        "title",
        "estimated_budget",
        "service_standard",
        "state",
        "created_by",
        "created_at",
    ]
    inlines = [TransitionInline]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        topic = Topic.objects.filter(pk=request.GET.get("topic") or 0).first()
        if topic is not None:
            initial.setdefault("title", topic.title)
        return initial

    def get_readonly_fields(self, request, obj=None):
        steps_only = ["state", "created_by", "created_at"]
        return steps_only if obj is None else ["topic", *steps_only]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["topic", "title", "estimated_budget", "service_standard"]
        return self.fields

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return lists.promote_topic(
            topic_id=d["topic"].pk,
            by=request.user,
            estimated_budget=d["estimated_budget"],
            service_standard=d["service_standard"],
            title=d.get("title") or "",
        )

    def change_with_service(self, request, obj, form):
        d = form.cleaned_data
        return lists.update_purchase_item(
            item_id=obj.pk,
            by=request.user,
            title=d["title"],
            estimated_budget=d["estimated_budget"],
            service_standard=d["service_standard"],
        )
