"""The verification report's `summary`: one sentence from catalogue texts, in the reader's language."""
from dataclasses import dataclass
from datetime import datetime, timezone

from services.signatures.verdicts import summary


@dataclass
class Report:
    signer_name: str | None = "Nguyễn Văn An"
    signed_at: datetime | None = datetime(2026, 11, 30, 3, 4, 5, tzinfo=timezone.utc)
    signed_at_source: str | None = "timestamp"
    intact: bool = True
    trust_anchor: str | None = "CN=iHanoi Test Root CA"
    status: str = "valid"


def test_a_valid_signature_reads_the_same_in_both_languages_but_for_the_words():
    assert summary(Report(), "vi") == (
        "Ký bởi Nguyễn Văn An lúc 10:04 30/11/2026 (theo dấu thời gian tin cậy); tài liệu không bị "
        "thay đổi sau khi ký; chuỗi chứng thư tin cậy đến CN=iHanoi Test Root CA. Chữ ký hợp lệ.")
    assert summary(Report(), "en") == (
        "Signed by Nguyễn Văn An at 30 Nov 2026, 10:04 (from a trusted timestamp); the document has not "
        "changed since it was signed; the certificate chain reaches the trusted root CN=iHanoi Test Root CA. "
        "The signature is valid.")


def test_what_went_wrong_is_said_in_the_readers_language():
    bad = Report(signer_name=None, signed_at=None, intact=False, trust_anchor=None, status="invalid")
    assert summary(bad, "vi") == ("Ký bởi không rõ người ký không rõ thời điểm ký; tài liệu đã bị thay đổi sau "
                                  "khi ký; chuỗi chứng thư không dẫn đến gốc tin cậy nào. Chữ ký không hợp lệ.")
    assert summary(bad, "en") == ("Signed by an unknown signer signing time unknown; the document was changed "
                                  "after it was signed; the certificate chain reaches no trusted root. "
                                  "The signature is not valid.")
    claimed = Report(signed_at_source="claimed", status="indeterminate")
    assert "(as the signer claims, no timestamp)" in summary(claimed, "en")
    assert "(do người ký tự khai, không có dấu thời gian)" in summary(claimed, "vi")
    assert summary(claimed, "en").endswith("The signature's validity cannot be established.")


def test_a_language_we_do_not_speak_gets_vietnamese():
    assert summary(Report(), "fr") == summary(Report(), "vi")
