"""Sign-in lockout (django-axes) that one bad actor cannot turn against everybody.

Two limits, counted over the cool-off window:

- an account at one address (`AXES_FAILURE_LIMIT`, 5): guessing one user's password
  locks that user *from that address* only, so the same user elsewhere, and every
  other user behind the same proxy or office NAT, still signs in;
- an address (`AXES_ADDRESS_FAILURE_LIMIT`, 30): spraying many usernames from one
  address locks the address.

django-axes takes one limit for all its lockout parameters, so this handler reads
both counts and applies each its own limit. A successful sign-in clears only that
user's failures at that address, never the address's count (else a sprayer holding
one valid account could reset it at will).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum

# The two rows `get_client_parameters` builds from, in this order.
LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        account_at_address, address = self.get_user_attempts(request, credentials)
        failures = _failures(account_at_address)
        if _failures(address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Report "at the limit", whatever the account's own count.
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        account_at_address, _address = self.filter_user_attempts(request, credentials)
        count, _ = account_at_address.delete()
        return count
