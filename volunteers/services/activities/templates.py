"""复制推广: an activity that went well becomes a template for other communities (V2)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.models import Area, User
from huitian.workflow import WorkflowError
from volunteers.error_codes import ErrorCode
from volunteers.models import Activity
from volunteers.services.activities.publishing import publish_activity


def why_not_copy(*, activity: Activity) -> list[str]:
    """A template is an activity that took place and has confirmed hours."""
    reasons = []
    if activity.ends_at > timezone.now():
        reasons.append(_("Only an activity that has taken place can be copied."))
    if not activity.signups.filter(hours_confirmed_at__isnull=False).exists():
        reasons.append(_("Only an activity with confirmed service hours can be copied."))
    return reasons


@transaction.atomic
def copy_activity(
    *,
    activity_id: int,
    by: User,
    community: Area,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    places: int | None = None,
) -> Activity:
    """复制推广: a successful activity becomes a template in another community."""
    source = Activity.objects.select_related("copied_from").get(pk=activity_id)
    reasons = why_not_copy(activity=source)
    if reasons:
        raise WorkflowError(ErrorCode.NOT_SUCCESSFUL, reasons[0])
    origin = source.copied_from or source
    return publish_activity(
        by=by,
        title=source.title,
        category=source.category,
        place=place or source.place,
        community=community,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places or source.places,
        skills_wanted=source.skills_wanted,
        min_age=source.min_age,
        copied_from=origin,
    )
