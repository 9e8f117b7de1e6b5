"""Filing of community groups (R3): community 初审, then the street federation files."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, Category, Role, User
from huitian.selectors import staff_of
from huitian.services import assign_role, notify
from huitian.workflow import check_step, move, record_creation
from registry.models import (
    Filing,
    Organization,
)


@transaction.atomic
def submit_filing(*, by: User, data: dict, categories: Iterable[Category] = ()) -> Filing:
    filing = Filing(**data, applicant=by, state=Filing.State.SUBMITTED)
    if filing.community_id and filing.community.level != Area.Level.COMMUNITY:
        raise ValidationError({"community": [_("Choose a community, not a street.")]})
    filing.submitted_at = timezone.now()
    filing.full_clean()
    filing.save()
    filing.categories.set(list(categories))
    record_creation(filing, by=by, state=filing.state)
    notify(
        recipients=staff_of(filing.community, (Role.COMMUNITY_STAFF,)),
        kind="registry.filing_submitted",
        title=_("New community group filing: %(name)s") % {"name": filing.name},
        url=reverse("admin:registry_filing_change", args=[filing.pk]),
    )
    return filing


def why_not_resubmit_filing(*, filing: Filing, by: User) -> list[str]:
    """Why `by` cannot correct and resubmit `filing` now (empty: they can)."""
    if not by.has_perm("registry.resubmit_filing", filing):
        return [_("Only the group that filed can correct and resubmit its filing.")]
    if filing.state != Filing.State.RETURNED:
        return [
            _("This filing can no longer be changed: it is %(state)s.")
            % {"state": filing.get_state_display()}
        ]
    return []


def resubmit_filing(*, filing_id: int, by: User, data: dict | None = None) -> Filing:
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(pk=filing_id)
        require(by, "registry.resubmit_filing", filing)
        for key, value in (data or {}).items():
            setattr(filing, key, value)
        filing.full_clean()
        filing.submitted_at = timezone.now()
        move(filing, Filing.FLOW["resubmit"], by=by, also=[*(data or {}), "submitted_at"])
    return filing


def review_filing(*, filing_id: int, by: User, passed: bool, note: str = "") -> Filing:
    """初审 by the community: pass, or return with reasons."""
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("community").get(pk=filing_id)
        require(by, "registry.review_filing", filing)
        filing.review_note = note
        step = Filing.FLOW["pass_review" if passed else "return"]
        move(filing, step, by=by, note=note, also=["review_note"])
        _tell_filer(filing)
    return filing


def next_filing_number(street: Area, year: int) -> str:
    prefix = f"HTBA-{street.code}-{year}-"
    last = (
        Organization.objects.filter(filing_number__startswith=prefix)
        .order_by("-filing_number")
        .values_list("filing_number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def file_filing(*, filing_id: int, by: User, note: str = "") -> Filing:
    """备案 by the street federation: the group gets a filing number and enters the directory."""
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("community").get(pk=filing_id)
        require(by, "registry.file_filing", filing)
        check_step(filing, Filing.FLOW["file"], note=note)
        street = filing.community.parent
        # Serialise numbering per street: lock the street row while the number is taken.
        Area.objects.select_for_update().filter(pk=street.pk).first()
        org = Organization.objects.create(
            name=filing.name,
            legal_form=Organization.LegalForm.COMMUNITY_GROUP,
            registration_level=Organization.RegistrationLevel.FILED,
            home_area=filing.community,
            contact_name=filing.leader_name,
            contact_phone=filing.contact_phone,
            description=filing.activities,
            volunteer_count=filing.member_count,
            filing_number=next_filing_number(street, timezone.localdate().year),
        )
        org.service_areas.add(filing.community)
        org.categories.set(filing.categories.all())
        record_creation(org, by=by, state=org.status, step="file")
        filing.organization = org
        filing.filed_at = timezone.now()
        filing.review_note = note
        move(
            filing,
            Filing.FLOW["file"],
            by=by,
            note=note,
            also=["organization", "filed_at", "review_note"],
        )
        if filing.applicant_id:
            assign_role(user=filing.applicant, role=Role.ORG_MEMBER, organization=org)
        _tell_filer(filing)
    return filing


def refuse_filing(*, filing_id: int, by: User, reason: str) -> Filing:
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("community").get(pk=filing_id)
        require(by, "registry.file_filing", filing)
        filing.review_note = reason
        move(filing, Filing.FLOW["refuse"], by=by, note=reason, also=["review_note"])
        _tell_filer(filing)
    return filing


def _tell_filer(filing: Filing) -> None:
    if filing.applicant_id:
        notify(
            recipients=[filing.applicant],
            kind="registry.filing_update",
            title=_("Your filing “%(name)s” is now: %(state)s")
            % {"name": filing.name, "state": filing.get_state_display()},
            url=reverse("registry:filing", args=[filing.pk]),
        )
