"""One sentence per checked signature, in Vietnamese or English: who signed, when and by whose
clock, whether the document changed afterwards, which trust anchor the chain reached, and the verdict."""
from __future__ import annotations

from typing import Protocol

HANOI_OFFSET_LABEL = "UTC"

# (language, part) -> text; the verdict keys are the report's `status` values.
TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "signed": "Ký bởi {signer}",
        "at": "lúc {time} ({source})",
        "timestamp": "theo dấu thời gian tin cậy",
        "claimed": "do người ký tự khai, không có dấu thời gian",
        "unknown_time": "không rõ thời điểm ký",
        "intact": "tài liệu không bị thay đổi sau khi ký",
        "changed": "tài liệu đã bị thay đổi sau khi ký",
        "anchor": "chuỗi chứng thư tin cậy đến {anchor}",
        "untrusted": "chuỗi chứng thư không dẫn đến gốc tin cậy nào",
        "valid": "Chữ ký hợp lệ.",
        "invalid": "Chữ ký không hợp lệ.",
        "indeterminate": "Chưa xác định được hiệu lực của chữ ký.",
        "nobody": "không rõ người ký",
    },
    "en": {
        "signed": "Signed by {signer}",
        "at": "at {time} ({source})",
        "timestamp": "from a trusted timestamp",
        "claimed": "as the signer claims, no timestamp",
        "unknown_time": "signing time unknown",
        "intact": "the document has not changed since it was signed",
        "changed": "the document was changed after it was signed",
        "anchor": "the certificate chain reaches the trusted root {anchor}",
        "untrusted": "the certificate chain reaches no trusted root",
        "valid": "The signature is valid.",
        "invalid": "The signature is not valid.",
        "indeterminate": "The signature's validity cannot be established.",
        "nobody": "an unknown signer",
    },
}


class Checked(Protocol):
    signer_name: str | None
    signed_at: object
    signed_at_source: str | None
    intact: bool
    trust_anchor: str | None
    status: str


def summary(report: Checked, language: str) -> str:
    text = TEXTS.get(language, TEXTS["vi"])
    signer = text["signed"].format(signer=report.signer_name or text["nobody"])
    if report.signed_at is not None:
        when = text["at"].format(time=f"{report.signed_at:%Y-%m-%d %H:%M:%S} {HANOI_OFFSET_LABEL}",
                                 source=text.get(report.signed_at_source or "", text["claimed"]))
    else:
        when = text["unknown_time"]
    changed = text["intact"] if report.intact else text["changed"]
    trust = text["anchor"].format(anchor=report.trust_anchor) if report.trust_anchor else text["untrusted"]
    return f"{signer} {when}; {changed}; {trust}. {text[report.status]}"
