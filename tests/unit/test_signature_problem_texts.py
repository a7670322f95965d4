"""Every reason the verifier gives for a signature that does not hold has a catalogue text (issue 17):
the 422 of a signed application says them to the person in `errors`, the codes stay in `problems`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.messages import translate
from services.signatures import verdicts, verification

APPENDED = re.compile(r"problems\.append\(f?\"([a-z_]+)")


def test_every_code_the_verifier_gives_has_a_text():
    source = Path(verification.__file__).read_text()
    codes = set(APPENDED.findall(source))
    assert codes and codes <= verdicts.PROBLEM_TEXTS.keys()


@pytest.mark.parametrize(("code", "language", "text"), [
    ("key_compromised", "vi", "Chứng thư số bị thu hồi vì khóa bị lộ."),
    ("key_compromised", "en", "The certificate was revoked because its key was compromised."),
    ("untrusted_chain:AdESIndeterminate.EXPIRED", "vi",
     "Chứng thư số không dẫn tới một tổ chức chứng thực tin cậy, hoặc đã hết hạn hay chưa có hiệu lực khi ký."),
    ("something_new", "en", "The signature failed a check (something_new)."),
])
def test_a_code_is_said_in_the_readers_language(code, language, text):
    assert translate(language, verdicts.problem_text(code)) == text


def test_a_certificate_revoked_before_signing_is_a_reason_too():
    report = verdicts.reasons(type("R", (), {"problems": ["key_compromised"],
                                             "revocation_status": "revoked_before_signing"})())
    assert report == ["key_compromised", "certificate_revoked_before_signing"]
