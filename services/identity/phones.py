"""Vietnamese mobile numbers, kept in E.164 (+84...)."""
import re

from services.errors import ValidationFailed
from services.messages import lazy_text

_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")


def normalize_phone(raw: str) -> str:
    match = _MOBILE.match(re.sub(r"[\s.-]", "", raw))
    if not match:
        raise ValidationFailed.on_field("phone", lazy_text("identity.phones.vietnamese_mobile_number"), "invalid_phone")
    return "+84" + match.group(1)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    return phone[:3] + "*" * (len(phone) - 6) + phone[-3:]
