"""Platform kernel tables, one module per concept: areas, accounts and roles, the
working-day calendar, the workflow audit line, notifications, idempotency records,
the category taxonomy and the money ledger. Import them from here
(`from huitian.models import Area`)."""

from huitian.models.accounts import (
    READ_ONLY_ROLES,
    STAFF_ROLES,
    Role,
    RoleAssignment,
    User,
)
from huitian.models.areas import Area
from huitian.models.audit import Transition
from huitian.models.calendar import CalendarDay, CalendarYear
from huitian.models.categories import Category
from huitian.models.idempotency import IdempotencyRecord
from huitian.models.ledger import LedgerAccount, LedgerEntry, LedgerMovement
from huitian.models.notifications import Notification
from huitian.models.phone_codes import PhoneCode

__all__ = [
    "READ_ONLY_ROLES",
    "STAFF_ROLES",
    "Area",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "IdempotencyRecord",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerMovement",
    "Notification",
    "PhoneCode",
    "Role",
    "RoleAssignment",
    "Transition",
    "User",
]
