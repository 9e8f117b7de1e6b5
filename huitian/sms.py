"""Text messages (SMS), behind one pluggable backend like Django's e-mail backends.

`settings.SMS_BACKEND` names the class:

- `huitian.sms.ConsoleBackend` (development): writes the message to stdout, so a
  developer reads the code in the `runserver` console. Nothing goes to the logs.
- `huitian.sms.LocMemBackend` (tests): keeps messages in `huitian.sms.outbox`.
- `huitian.sms.AliyunBackend` (production): Alibaba Cloud SMS (dysmsapi, RPC API
  with an HMAC-SHA1 signature), configured by `SMS_ALIYUN_ACCESS_KEY_ID`,
  `SMS_ALIYUN_ACCESS_KEY_SECRET`, `SMS_ALIYUN_SIGN_NAME`, `SMS_ALIYUN_TEMPLATE_CODE`
  (a template with one `${code}` variable) and `SMS_ALIYUN_ENDPOINT`.

A backend sends a one-time code with `send_code(phone, code)`; callers never log
the code and never store it (see `huitian.signup`, which keeps a keyed hash only).
A provider failure raises `SMSError` (without the code in its message).
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import sys
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class SMSError(Exception):
    """The provider refused or could not be reached (the message never holds the code)."""


@dataclass(frozen=True)
class Message:
    phone: str
    code: str
    text: str


class BaseBackend:
    def send_code(self, phone: str, code: str) -> None:
        raise NotImplementedError

    @staticmethod
    def text_for(code: str) -> str:
        minutes = max(1, settings.SMS_CODE_TTL_SECONDS // 60)
        return _(
            "[Huitian] Your verification code is %(code)s, valid for %(minutes)d minutes. "
            "Do not share it with anyone."
        ) % {"code": code, "minutes": minutes}


class ConsoleBackend(BaseBackend):
    """Development: print the message (the developer is the phone)."""

    stream = None

    def send_code(self, phone: str, code: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"[SMS to {phone}] {self.text_for(code)}\n")
        stream.flush()


outbox: list[Message] = []


class LocMemBackend(BaseBackend):
    """Tests: keep the messages in `huitian.sms.outbox`."""

    def send_code(self, phone: str, code: str) -> None:
        outbox.append(Message(phone=phone, code=code, text=self.text_for(code)))


def _percent(value: str) -> str:
    return urllib.parse.quote(value, safe="~")


class AliyunBackend(BaseBackend):
    """Alibaba Cloud SMS (SendSms, API version 2017-05-25), signed per the RPC style."""

    timeout = 5

    def __init__(self):
        self.key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = settings.SMS_ALIYUN_SIGN_NAME
        self.template = settings.SMS_ALIYUN_TEMPLATE_CODE
        self.endpoint = settings.SMS_ALIYUN_ENDPOINT
        if not (self.key_id and self.secret and self.sign_name and self.template):
            raise SMSError("Aliyun SMS is not configured (SMS_ALIYUN_* settings).")

    def signed_params(self, phone: str, code: str, *, nonce=None, timestamp=None) -> dict:
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template,
            "TemplateParam": json.dumps({"code": code}),
            "Timestamp": timestamp
            or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        canonical = "&".join(f"{_percent(k)}={_percent(v)}" for k, v in sorted(params.items()))
        to_sign = f"GET&{_percent('/')}&{_percent(canonical)}"
        digest = hmac.new(f"{self.secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        params["Signature"] = base64.b64encode(digest).decode()
        return params

    def send_code(self, phone: str, code: str) -> None:
        url = f"{self.endpoint}/?{urllib.parse.urlencode(self.signed_params(phone, code))}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body = json.loads(response.read().decode() or "{}")
        except (OSError, ValueError) as exc:
            raise SMSError(f"Aliyun SMS unreachable: {exc.__class__.__name__}") from None
        if body.get("Code") != "OK":
            # The provider's code and message only; the request (with the code) is not logged.
            logger.warning("Aliyun SMS refused: %s", body.get("Code"))
            raise SMSError(f"Aliyun SMS refused: {body.get('Code')}")


def backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_code(phone: str, code: str) -> None:
    backend().send_code(phone, code)
