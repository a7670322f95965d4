from datetime import date

import pytest

from services.errors import ValidationFailed
from services.identity import national_id as cccd
from services.identity.names import same_name


@pytest.mark.parametrize("number, born, sex", [
    ("001185004321", date(1985, 3, 14), "female"),
    ("001080001111", date(1980, 7, 2), "male"),
    ("036215006789", date(2015, 6, 1), "male"),
    ("001305000001", date(2005, 1, 1), "female"),
])
def test_well_formed_numbers_pass(number, born, sex):
    cccd.check(number, born, sex)


@pytest.mark.parametrize("number, born, sex, reason", [
    ("00118500432", date(1985, 3, 14), "female", "12 digits"),
    ("00118500432a", date(1985, 3, 14), "female", "12 digits"),
    ("００１１８５００４３２１", date(1985, 3, 14), "female", "12 digits"),  # full-width digits
    ("001285004321", date(1985, 3, 14), "female", "century"),  # 2000s digit for a 1985 birth
    ("001085004321", date(1985, 3, 14), "female", "sex"),  # male digit for a woman
    ("001186004321", date(1985, 3, 14), "female", "year"),
])
def test_malformed_numbers_say_why(number, born, sex, reason):
    with pytest.raises(ValidationFailed) as raised:
        cccd.check(number, born, sex)
    assert raised.value.code == "malformed_national_id"
    assert reason in " ".join(raised.value.errors["national_id"]).lower()


def test_masks_show_only_a_few_digits():
    assert cccd.mask("001185004321") == "001*******21"
    assert cccd.last4_mask("001185004321") == "********4321"


def test_keyed_hash_depends_on_the_key():
    assert cccd.NationalIdHasher(b"a")("001185004321") != cccd.NationalIdHasher(b"b")("001185004321")


def test_names_compare_after_nfc_case_and_space_folding_but_keep_diacritics():
    decomposed = "Nguye\u0302\u0303n  thi\u0323 HOA"
    assert same_name(decomposed, "Nguyễn Thị Hoa")
    assert not same_name("Nguyen Thi Hoa", "Nguyễn Thị Hoa")
