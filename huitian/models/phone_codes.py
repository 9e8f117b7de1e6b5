"""One-time codes sent by SMS to verify a mobile number (residents' sign-up, sign-in).

Only a keyed hash of the code is kept (HMAC with the site's secret), never the code;
the client address is kept hashed too, for the per-address throttle only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.scope import SUPERUSERS_ONLY


class PhoneCode(models.Model):
    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", pgettext_lazy("account", "Sign up")
        SIGN_IN = "sign_in", _("Sign in")

    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    address_hash = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    # Throttle bookkeeping: nobody reads these rows through a screen.
    scope = SUPERUSERS_ONLY

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [models.Index(fields=["phone", "purpose", "created_at"])]

    def __str__(self):
        return f"{self.phone} · {self.purpose}"
