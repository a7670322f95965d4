"""One sentence per checked signature, in Vietnamese or English: who signed, when and by whose
clock, whether the document changed afterwards, which trust anchor the chain reached, and the verdict.

Every part is a catalogue text (ids `signatures.verdict.*`), and so is the sentence that joins
them, so that each language may order the parts as it writes them."""
from __future__ import annotations

from typing import Protocol

from services.messages import DEFAULT_LANGUAGE, LANGUAGES, LazyText, lazy_text, translate

HANOI_OFFSET_LABEL = "UTC"

# The report's `status` -> the verdict that ends the sentence.
VERDICTS: dict[str, LazyText] = {
    "valid": lazy_text("signatures.verdict.valid"),
    "invalid": lazy_text("signatures.verdict.invalid"),
    "indeterminate": lazy_text("signatures.verdict.indeterminate"),
}
# The report's `signed_at_source` -> whose clock gave the signing time (anything else: the signer's).
TIME_SOURCES: dict[str, LazyText] = {"timestamp": lazy_text("signatures.verdict.from_timestamp")}
CLAIMED_TIME = lazy_text("signatures.verdict.claimed_time")


class Checked(Protocol):
    signer_name: str | None
    signed_at: object
    signed_at_source: str | None
    intact: bool
    trust_anchor: str | None
    status: str


def _when(report: Checked) -> LazyText:
    if report.signed_at is None:
        return lazy_text("signatures.verdict.unknown_time")
    time = f"{report.signed_at:%Y-%m-%d %H:%M:%S} {HANOI_OFFSET_LABEL}"
    return lazy_text("signatures.verdict.signed_at", time=time,
                     source=TIME_SOURCES.get(report.signed_at_source or "", CLAIMED_TIME))


def summary(report: Checked, language: str) -> str:
    """The report in one sentence, in `language` (Vietnamese for a language we do not speak)."""
    signer = report.signer_name or lazy_text("signatures.verdict.unknown_signer")
    changed = lazy_text("signatures.verdict.intact") if report.intact else lazy_text("signatures.verdict.changed")
    trust = (lazy_text("signatures.verdict.trusted_root", anchor=report.trust_anchor) if report.trust_anchor
             else lazy_text("signatures.verdict.no_trusted_root"))
    return translate(language if language in LANGUAGES else DEFAULT_LANGUAGE, "signatures.verdict.summary",
                     signer=signer, when=_when(report), changed=changed, trust=trust,
                     verdict=VERDICTS[report.status])
