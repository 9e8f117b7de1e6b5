"""What each notification kind is called, in words (the kind itself is a code for machines).

The pages and the admin show `kind_label(n.kind)`; a kind not listed here shows its code,
so a new kind is readable before it gets its words. Apps add their kinds to `KIND_LABELS`.
"""

from django.utils.translation import pgettext_lazy

KIND_LABELS = {
    "procurement.need": pgettext_lazy("notification kind", "Progress of your need"),
    "procurement.need_assigned": pgettext_lazy("notification kind", "Need assigned"),
    "procurement.need_response_near": pgettext_lazy("notification kind", "Response deadline near"),
    "procurement.need_response_overdue": pgettext_lazy(
        "notification kind", "Response deadline passed"
    ),
    "procurement.need_resolution_near": pgettext_lazy(
        "notification kind", "Resolution deadline near"
    ),
    "procurement.need_resolution_overdue": pgettext_lazy(
        "notification kind", "Resolution deadline passed"
    ),
    "procurement.match": pgettext_lazy("notification kind", "Match confirmed"),
    "procurement.offer_expiring": pgettext_lazy("notification kind", "Offer expiring"),
    "procurement.whistle": pgettext_lazy("notification kind", "Whistle call"),
    "procurement.whistle_response": pgettext_lazy(
        "notification kind", "Response to a whistle call"
    ),
    "procurement.whistle_selected": pgettext_lazy(
        "notification kind", "Selected for a whistle call"
    ),
    "registry.registration_deadline": pgettext_lazy(
        "notification kind", "Registration decision deadline"
    ),
    "registry.registration_submitted": pgettext_lazy(
        "notification kind", "Registration application submitted"
    ),
    "registry.registration_update": pgettext_lazy(
        "notification kind", "Registration application update"
    ),
    "registry.filing_submitted": pgettext_lazy("notification kind", "Filing submitted"),
    "registry.filing_update": pgettext_lazy("notification kind", "Filing update"),
    "registry.annual_report_missing": pgettext_lazy("notification kind", "Annual report missing"),
    "registry.interview": pgettext_lazy("notification kind", "Interview"),
    "credit.grade_reopened": pgettext_lazy("notification kind", "Grade evaluation reopened"),
    "volunteers.hours_confirmed": pgettext_lazy("notification kind", "Volunteer hours confirmed"),
    "volunteers.promoted": pgettext_lazy("notification kind", "Moved up from the waiting list"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
