"""Procurement's workflow steps that ask for something first (an opinion, a reason, the
contract's years): the action shows an intermediate page with the form, and once it is
valid calls the service for each selected record; the service's refusals are messages.
The same page serves the step button on a record (`huitian.admin_workflow`)."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.models.projects import OPINION_MAX, REASON_MAX
from procurement.services.contracts import PeriodPlan

ACTION_FORM = "admin/procurement/action_form.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("pre-review opinion"),
        max_length=OPINION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Is the need real, the budget reasonable, the standard measurable?"),
    )


class AskFirstMixin:
    """`with_form(request, queryset, form, title, action, handler)`: ask, then act
    (`handler(form)` once the form is valid)."""

    def with_form(self, request, queryset, form_class, title, action, handler, **form_kwargs):
        if "apply" in request.POST:
            form = form_class(request.POST, **form_kwargs)
            if form.is_valid():
                handler(form)
                return None
        else:
            form = form_class(**form_kwargs)
        return render(
            request,
            ACTION_FORM,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": action,
                "opts": self.model._meta,
            },
        )


class DraftContractForm(forms.Form):
    """The contract's years (one to the project's years, at most three): each year's
    amount and dates; the installments follow the usual 30 / 40 / 30 schedule."""

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = project.years
        first = timezone.localdate().year
        each = (project.budget_amount / project.years).quantize(project.budget_amount)
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for i in range(1, project.years + 1):
            year = first + i - 1
            # Only year 1 is required: a continuous purchase may be planned shorter.
            self.fields[f"amount_{i}"] = forms.DecimalField(
                label=_("year %(n)s: amount (yuan)") % {"n": i},
                max_digits=14,
                decimal_places=2,
                initial=each,
                required=i == 1,
            )
            self.fields[f"start_{i}"] = forms.DateField(
                label=_("year %(n)s: start date") % {"n": i},
                widget=date,
                initial=datetime.date(year, 1, 1),
                required=i == 1,
            )
            self.fields[f"end_{i}"] = forms.DateField(
                label=_("year %(n)s: end date") % {"n": i},
                widget=date,
                initial=datetime.date(year, 12, 31),
                required=i == 1,
            )

    def clean(self):
        d = super().clean()
        for i in range(2, self.years + 1):
            names = (f"amount_{i}", f"start_{i}", f"end_{i}")
            given = [n for n in names if d.get(n) is not None]
            if given and len(given) < len(names):
                for n in names:
                    if d.get(n) is None:
                        self.add_error(n, _("Give the year's amount, start and end, or none."))
        return d

    def plans(self) -> list[PeriodPlan]:
        d = self.cleaned_data
        return [
            PeriodPlan(amount=d[f"amount_{i}"], start_date=d[f"start_{i}"], end_date=d[f"end_{i}"])
            for i in range(1, self.years + 1)
            if d.get(f"amount_{i}") is not None
            and d.get(f"start_{i}") is not None
            and d.get(f"end_{i}") is not None
        ]
