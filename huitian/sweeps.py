"""Kernel sweepers (see huitian.sweep)."""

from huitian.services import sweep_notification_emails
from huitian.sweep import register_sweeper

register_sweeper("huitian.notification_emails")(sweep_notification_emails)
