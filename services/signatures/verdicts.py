"""One sentence per checked signature, in Vietnamese or English: who signed, when and by whose
clock, whether the document changed afterwards, which trust anchor the chain reached, and the verdict.

Every part is a catalogue text (ids `signatures.verdict.*`), and so is the sentence that joins
them, so that each language may order the parts as it writes them."""
from __future__ import annotations

from typing import Protocol

from services.messages import DEFAULT_LANGUAGE, LANGUAGES, LazyText, lazy_text, translate

# The report's `status` -> the verdict that ends the sentence.
VERDICTS: dict[str, LazyText] = {
    "valid": lazy_text("signatures.verdict.valid"),
    "invalid": lazy_text("signatures.verdict.invalid"),
    "indeterminate": lazy_text("signatures.verdict.indeterminate"),
}
# The report's `signed_at_source` -> whose clock gave the signing time (anything else: the signer's).
TIME_SOURCES: dict[str, LazyText] = {"timestamp": lazy_text("signatures.verdict.from_timestamp")}
CLAIMED_TIME = lazy_text("signatures.verdict.claimed_time")
# A reason a signature does not hold, by its code (the report's `problems`, up to a ":" and
# its detail, as in `untrusted_chain:AdESIndeterminate.EXPIRED`) -> what it means to a person.
REVOKED_BEFORE_SIGNING = "certificate_revoked_before_signing"
PROBLEM_TEXTS: dict[str, LazyText] = {
    "document_changed_after_signing": lazy_text("signatures.problem.document_changed_after_signing"),
    "untrusted_chain": lazy_text("signatures.problem.untrusted_chain"),
    "no_timestamp_before_revocation": lazy_text("signatures.problem.no_timestamp_before_revocation"),
    "key_compromised": lazy_text("signatures.problem.key_compromised"),
    "revocation_status_unknown": lazy_text("signatures.problem.revocation_status_unknown"),
    REVOKED_BEFORE_SIGNING: lazy_text("signatures.problem.certificate_revoked_before_signing"),
    "not_the_current_application": lazy_text("signatures.problem.not_the_current_application"),
}


class Checked(Protocol):
    signer_name: str | None
    signed_at: object
    signed_at_source: str | None
    intact: bool
    trust_anchor: str | None
    status: str


class Judged(Protocol):
    problems: list[str]
    revocation_status: str


def reasons(report: Judged) -> list[str]:
    """The codes of why a signature does not hold: its problems, and a certificate revoked
    before the signing time (the verdict itself rather than a problem of the check)."""
    revoked = [REVOKED_BEFORE_SIGNING] if report.revocation_status == "revoked_before_signing" else []
    return [*report.problems, *revoked]


def problem_text(code: str) -> LazyText:
    """What a reason's code means, in the reader's language once it is known."""
    return PROBLEM_TEXTS.get(code.partition(":")[0], lazy_text("signatures.problem.other", code=code))


def _when(report: Checked) -> LazyText:
    if report.signed_at is None:
        return lazy_text("signatures.verdict.unknown_time")
    return lazy_text("signatures.verdict.signed_at", time=report.signed_at,  # Hanoi's clock, the reader's format
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
