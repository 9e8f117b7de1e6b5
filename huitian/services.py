"""Kernel writes: areas from reference data, role assignments, calendar, notifications."""

import csv
import datetime
import logging
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from huitian.access import forget_grants
from huitian.models import (
    STAFF_ROLES,
    Area,
    CalendarDay,
    CalendarYear,
    Notification,
    RoleAssignment,
    User,
)
from huitian.sweep import claim_batch, enqueue_on_commit

logger = logging.getLogger(__name__)

AREAS_CSV = Path(__file__).resolve().parent / "fixtures" / "huitian-areas.csv"


def load_areas(*, csv_path: Path = AREAS_CSV) -> dict[str, int]:
    """Create or update areas from the reference CSV (code, name, level, parent_code).

    Idempotent: an unchanged file changes nothing. Staff renames made in the
    admin are kept, as the file is only the seed of real names and codes.
    """
    created = updated = 0
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {a.code: a for a in Area.objects.all()}
    order = {Area.Level.DISTRICT: 0, Area.Level.STREET: 1, Area.Level.COMMUNITY: 2}
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: order[r["level"]]):
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            area = by_code.get(row["code"])
            if area is None:
                area = Area(code=row["code"], name=row["name"], level=row["level"], parent=parent)
                area.full_clean()
                area.save()
                by_code[area.code] = area
                created += 1
            elif area.parent_id != (parent.pk if parent else None) or area.level != row["level"]:
                area.parent, area.level = parent, row["level"]
                area.save()
                updated += 1
    return {"created": created, "updated": updated}


@transaction.atomic
def assign_role(
    *, user: User, role: str, area: Area | None = None, organization=None
) -> RoleAssignment:
    """Give `user` a role; staff roles also open the admin (is_staff)."""
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=area, organization=organization, defaults={"is_active": True}
    )
    assignment.full_clean()
    if not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_grants(user)
    return assignment


def seed_calendar_from_package() -> list[int]:
    """Enter every year the chinesecalendar package covers that nobody has entered yet."""
    import chinese_calendar

    holidays: dict[int, list] = {}
    for day, name in chinese_calendar.holidays.items():
        holidays.setdefault(day.year, []).append((day, CalendarDay.Kind.HOLIDAY, name))
    for day, name in chinese_calendar.workdays.items():
        holidays.setdefault(day.year, []).append((day, CalendarDay.Kind.ADJUSTED_WORKDAY, name))
    entered = set(CalendarYear.objects.values_list("year", flat=True))
    added = []
    with transaction.atomic():
        for year in sorted(set(holidays) - entered):
            cal_year = CalendarYear.objects.create(year=year, source=CalendarYear.Source.PACKAGE)
            CalendarDay.objects.bulk_create(
                [
                    CalendarDay(year=cal_year, date=d, kind=kind, name=str(name or ""))
                    for d, kind, name in holidays[year]
                    if not (kind == CalendarDay.Kind.ADJUSTED_WORKDAY and d.weekday() < 5)
                ]
            )
            added.append(year)
    return added


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
) -> list[Notification]:
    """In-app notifications; e-mail goes out after commit, or with the next sweep."""
    from huitian.tasks import deliver_notification_email

    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                wants_email=email and bool(user.email),
            )
            for user in {u.pk: u for u in recipients}.values()
        ]
    )
    for row in rows:
        if row.wants_email and row.pk:
            enqueue_on_commit(deliver_notification_email, row.pk)
    return rows


def deliver_notification_email(*, notification_id: int) -> bool:
    """Send one pending e-mail; safe to run twice (the conditional update decides who sends)."""
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk=notification_id, wants_email=True, email_sent_at__isnull=True
        ).update(email_sent_at=timezone.now())
        if not claimed:
            return False
        note = Notification.objects.select_related("recipient").get(pk=notification_id)
        # Inside the transaction: if sending fails the claim rolls back and the sweep retries.
        send_mail(
            subject=note.title,
            message=f"{note.body}\n\n{note.url}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[note.recipient.email],
        )
    return True


def sweep_notification_emails(batch_size: int) -> int:
    cutoff = timezone.now() - datetime.timedelta(seconds=30)  # leave fresh rows to their task
    with transaction.atomic():
        ids = claim_batch(
            Notification.objects.filter(
                wants_email=True, email_sent_at__isnull=True, created_at__lte=cutoff
            ),
            batch_size=batch_size,
        )
    sent = 0
    for pk in ids:
        try:
            sent += deliver_notification_email(notification_id=pk)
        except Exception:
            logger.warning("e-mail for notification %s failed; will retry", pk, exc_info=True)
    return sent


def mark_notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def purge_idempotency_records() -> int:
    from huitian.models import IdempotencyRecord

    cutoff = timezone.now() - IdempotencyRecord.LIFETIME
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
