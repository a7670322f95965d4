import unicodedata
from datetime import date

import pytest
from hypothesis import given, strategies as st

from services.errors import ValidationFailed
from services.identity import national_id as cccd
from services.identity.names import normalize_name, same_name
from services.messages import lazy_text, translate


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
    assert reason in " ".join(translate("en", m) for m in raised.value.errors["national_id"]).lower()


def test_masks_show_only_a_few_digits():
    assert cccd.mask("001185004321") == "001*******21"
    assert cccd.last4_mask("001185004321") == "********4321"


def test_keyed_hash_depends_on_the_key():
    assert cccd.NationalIdHasher(b"a")("001185004321") != cccd.NationalIdHasher(b"b")("001185004321")


def test_names_compare_after_nfc_case_and_space_folding_but_keep_diacritics():
    decomposed = "Nguye\u0302\u0303n  thi\u0323 HOA"
    assert same_name(decomposed, "Nguyễn Thị Hoa")
    assert not same_name("Nguyen Thi Hoa", "Nguyễn Thị Hoa")


# -- properties: numbers built from a birth date and sex pass; any one slip in digits 4-6
#    or in the length is caught ------------------------------------------------------------

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31))
sexes = st.sampled_from(cccd.SEXES)


@st.composite
def valid_numbers(draw):
    born, sex = draw(births), draw(sexes)
    province = draw(st.integers(1, 96))
    serial = draw(st.integers(0, 999_999))
    digit4 = cccd.expected_digits(born)[cccd.SEXES.index(sex)]
    return f"{province:03d}{digit4}{born.year % 100:02d}{serial:06d}", born, sex


@given(valid_numbers())
def test_numbers_built_from_birth_date_and_sex_pass(case):
    number, born, sex = case
    assert cccd.problems(number, born, sex) == []
    assert cccd.problems(number, born) == []  # sex unknown: the century alone decides


@given(valid_numbers(), st.integers(3, 5), st.integers(0, 9))
def test_any_change_to_digits_4_to_6_is_caught(case, position, digit):
    number, born, sex = case
    changed = number[:position] + str(digit) + number[position + 1:]
    if changed != number:
        assert cccd.problems(changed, born, sex) != []


@given(valid_numbers(), st.integers(0, 12), st.sampled_from(["insert", "delete"]), st.integers(0, 9))
def test_a_digit_too_many_or_too_few_is_caught(case, position, edit, digit):
    number, born, sex = case
    changed = (number[:position] + str(digit) + number[position:] if edit == "insert"
               else number[:min(position, 11)] + number[min(position, 11) + 1:])
    assert cccd.problems(changed, born, sex) == [lazy_text("identity.national_id.twelve_digits")]


# -- properties of name comparison -------------------------------------------------------------

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # none, huyền, sắc, ngã, hỏi, nặng
CONSONANTS = ["b", "c", "ch", "d", "đ", "g", "gh", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu",
              "r", "s", "t", "th", "tr", "v", "x", ""]


@st.composite
def syllables(draw):
    vowel = unicodedata.normalize("NFC", draw(st.sampled_from(VOWELS)) + draw(st.sampled_from(TONES)))
    return draw(st.sampled_from(CONSONANTS)) + vowel + draw(st.sampled_from(["", "n", "m", "c", "t", "ng", "nh"]))


names = st.lists(syllables(), min_size=1, max_size=5).map(" ".join)
spaces = st.text(alphabet=" \t\u00a0\n", min_size=1, max_size=3)


@given(names)
def test_normalising_twice_changes_nothing(name):
    once = normalize_name(name)
    assert normalize_name(once) == once


@given(names)
def test_composed_and_decomposed_spellings_are_the_same_name(name):
    assert same_name(unicodedata.normalize("NFD", name), unicodedata.normalize("NFC", name))


@given(names, st.data())
def test_spacing_and_case_do_not_matter(name, data):
    words = name.split(" ")
    spaced = data.draw(spaces) + "".join(w + data.draw(spaces) for w in words)
    assert same_name(spaced, name)
    assert same_name(name.upper(), name) and same_name(name.title(), name)


@given(names, st.data())
def test_diacritics_are_significant(name, data):
    decomposed = unicodedata.normalize("NFD", name)
    marks = [i for i, ch in enumerate(decomposed) if unicodedata.combining(ch)]
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")
    if marks or "đ" in name:
        assert not same_name(bare, name)
    if marks:  # one mark swapped for another tone or dropped: another name
        at = data.draw(st.sampled_from(marks))
        other = data.draw(st.sampled_from([t for t in TONES[1:] if t != decomposed[at]] + [""]))
        assert not same_name(decomposed[:at] + other + decomposed[at + 1:], name)
