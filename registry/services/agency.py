"""The federation's four agency services for filed groups (R6)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import User
from registry.models import (
    AgencyRecord,
    Organization,
)


def record_agency_service(*, organization_id: int, by: User, **fields) -> AgencyRecord:
    with transaction.atomic():
        org = Organization.objects.select_related("home_area").get(pk=organization_id)
        if not org.is_filed:
            raise ValidationError(
                {"organization": [_("The four agency services are for filed community groups.")]}
            )
        require(by, "registry.record_agency_service", org)
        record = AgencyRecord(organization=org, recorded_by=by, **fields)
        record.full_clean()
        record.save()
    return record


def correct_agency_record(*, record_id: int, by: User, **fields) -> AgencyRecord:
    """The recording federation corrects a record (a typo, the amount); the group stays."""
    with transaction.atomic():
        record = (
            AgencyRecord.objects.select_for_update()
            .select_related("organization__home_area")
            .get(pk=record_id)
        )
        require(by, "registry.record_agency_service", record.organization)
        fields.pop("organization", None)
        for name, value in fields.items():
            setattr(record, name, value)
        record.full_clean()
        record.save()
    return record
