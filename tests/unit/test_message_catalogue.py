"""The catalogue is complete in both languages and says the same thing with the same values."""
from __future__ import annotations

import pytest

from services.messages import LANGUAGES, lazy_text, translate, translate_plural
from services.messages.catalogue import read_catalogue, translator
from tests.i18n_support import extracted_ids, placeholders


def entries(language: str) -> dict:
    return {message.id: message for message in read_catalogue(language) if message.id}


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict]:
    return {language: entries(language) for language in LANGUAGES}


def test_every_id_the_code_uses_is_in_both_languages(catalogues):
    used = extracted_ids()
    assert used, "extraction found no ids: babel.cfg or the Makefile keywords are wrong"
    for language in LANGUAGES:
        assert used - catalogues[language].keys() == set(), f"ids missing in {language}"


def test_both_languages_hold_the_same_ids(catalogues):
    assert catalogues["vi"].keys() == catalogues["en"].keys()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_written_in_full_and_reviewed(catalogues, language):
    forms = read_catalogue(language).num_plurals
    for msgid, message in catalogues[language].items():
        texts = message.string if message.pluralizable else (message.string,)
        assert all(text.strip() for text in texts), f"{language}: {msgid} is empty"
        assert not message.pluralizable or len(texts) == forms, f"{language}: {msgid} lacks plural forms"
        assert not message.fuzzy, f"{language}: {msgid} is fuzzy (not reviewed)"


def test_placeholders_are_the_same_in_both_languages(catalogues):
    for msgid, message in catalogues["vi"].items():
        assert placeholders(message.string) == placeholders(catalogues["en"][msgid].string), msgid


def test_a_text_is_filled_in_the_language_asked():
    assert translate("vi", "sms.signup_code", code="123456") == \
        "iHanoi: mã đăng ký của bạn là 123456. Mã hết hạn sau 5 phút."
    assert translate("en", "sms.signup_code", code="123456") == \
        "iHanoi: your sign-up code is 123456. It expires in 5 minutes."


def test_plural_forms_follow_each_language():
    days = [translate_plural(language, "time.working_days", "time.working_days.plural", n)
            for language in LANGUAGES for n in (1, 3)]
    assert days == ["1 ngày làm việc", "3 ngày làm việc", "1 working day", "3 working days"]


def test_a_lazy_text_in_a_table_is_resolved_when_the_language_is_known():
    table = {"code": lazy_text("sms.signing_code", code="000111")}
    assert table["code"].resolve("vi").startswith("Mã ký số iHanoi: 000111.")
    assert translate("en", table["code"]).startswith("iHanoi signing code: 000111.")
    assert "iHanoi" not in str(table["code"])  # no language, no text


def test_an_english_gap_falls_back_to_vietnamese_and_an_unknown_language_is_refused():
    translator("en")  # the vi fallback is chained once, at first use
    assert translator("en").gettext("no.such.id") == "no.such.id"
    assert translator("en")._fallback is translator("vi")
    with pytest.raises(ValueError):
        translate("fr", "sms.signup_code", code="1")
