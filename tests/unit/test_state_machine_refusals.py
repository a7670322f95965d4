"""A refused move is said in the reader's language: the machine's noun and, where it has them,
the state labels the citizen knows; the codes stay in `current` and `allowed`."""
from __future__ import annotations

import pytest

from models.signatures import CertificateStatus as C, SignatureRequestStatus as S
from services.dossiers.states import DOSSIERS
from services.errors import InvalidTransition
from services.messages import translate
from services.signatures.workflow import CERTIFICATES, REQUESTS


def _refusal(machine, current, to) -> InvalidTransition:
    with pytest.raises(InvalidTransition) as refused:
        machine.check(current, to)
    return refused.value


def test_a_machine_without_labels_names_its_noun_in_the_readers_language():
    refused = _refusal(CERTIFICATES, C.REVOKED, C.VALID)
    assert translate("vi", refused.detail) == "Không thể chuyển chứng thư số từ trạng thái revoked sang valid."
    assert translate("en", refused.detail) == "A revoked certificate cannot become valid."
    assert refused.extra == {"current": C.REVOKED, "allowed": []}
    assert translate("en", _refusal(REQUESTS, S.REJECTED, S.SUBMITTED).detail) == "A rejected request cannot become submitted."


def test_a_dossier_refusal_uses_the_inbox_labels():
    refused = _refusal(DOSSIERS, "returned", "processing")
    assert translate("vi", refused.detail) == "Hồ sơ đang ở trạng thái 'Đã trả kết quả' không thể chuyển sang 'Đang xử lý'."
    assert translate("en", refused.detail) == "A dossier in 'Result handed over' cannot move to 'Being processed'."
    assert str(refused) == translate("vi", refused.detail)  # operators' logs read Vietnamese
