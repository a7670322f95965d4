"""SMS texts arrive whole: the GSM-7 / UCS-2 rule, segment counts, and every template's budget."""
from __future__ import annotations

import logging

import pytest

from services.messages import LANGUAGES
from services.messages.sms import SMS_TEMPLATES, count_segments, fold_diacritics, gsm7_units, prepare_sms


def test_vietnamese_diacritics_fold_to_plain_latin_letters():
    assert fold_diacritics("Đường Nguyễn Trãi, quận Hoàn Kiếm, thủ đô Hà Nội") == \
        "Duong Nguyen Trai, quan Hoan Kiem, thu do Ha Noi"
    assert fold_diacritics("ƠƯơư ẮẰẲẴẶ ỲỴỶỸ") == "OUou AAAAA YYYY"


def test_a_text_that_fits_one_segment_without_diacritics_is_sent_without_them():
    sent = prepare_sms("Mã ký số iHanoi: 123456. Hiệu lực 5 phút. Không chia sẻ mã này.")
    assert sent.text == "Ma ky so iHanoi: 123456. Hieu luc 5 phut. Khong chia se ma nay."
    assert (sent.encoding, sent.segments) == ("gsm7", 1)


def test_a_text_that_needs_several_segments_keeps_its_diacritics_as_ucs2():
    text = "Hồ sơ của bạn đã được tiếp nhận tại Ủy ban nhân dân quận Hoàn Kiếm. " * 3
    sent = prepare_sms(text)
    assert sent.text == text
    assert sent.encoding == "ucs2"
    assert sent.segments == -(-len(text) // 67)  # 207 characters: 4 parts of 67


def test_plain_gsm_text_is_sent_as_it_is_however_long():
    text = "iHanoi: " + "x" * 300
    assert prepare_sms(text) == type(prepare_sms(text))(text, "gsm7", 3)  # 308 septets / 153


def test_a_text_with_letters_outside_gsm_is_ucs2_even_when_short():
    sent = prepare_sms("Mã: 123 — 漢字")
    assert (sent.encoding, sent.segments) == ("ucs2", 1)


@pytest.mark.parametrize(("septets", "segments"), [(0, 1), (160, 1), (161, 2), (306, 2), (307, 3)])
def test_gsm7_segment_limits(septets, segments):
    assert count_segments([1] * septets, "gsm7") == segments


@pytest.mark.parametrize(("units", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_segment_limits(units, segments):
    assert count_segments([1] * units, "ucs2") == segments


def test_extension_characters_count_twice_and_stay_with_their_escape():
    assert gsm7_units("a€[") == [1, 2, 2]
    assert prepare_sms("€" * 80).segments == 1  # 160 septets
    assert prepare_sms("€" * 81).segments == 2
    # 152 plain septets then an extension character: it moves whole to the second part.
    assert count_segments([1] * 152 + [2] + [1] * 152, "gsm7") == 3


def test_a_character_outside_the_bmp_counts_as_two_ucs2_units():
    assert prepare_sms("😀" * 35).segments == 1
    assert prepare_sms("😀" * 36).segments == 2


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template_id", sorted(SMS_TEMPLATES))
def test_every_template_fits_its_budget_with_the_longest_values(template_id, language):
    template = SMS_TEMPLATES[template_id]
    sent = template.render(language, **template.longest_values)
    assert all(value in sent.text for value in template.longest_values.values())
    assert sent.segments <= template.budget, f"{template_id} in {language}: {sent}"


def test_sending_logs_the_segment_count_and_never_the_text(caplog):
    from services.identity.sms import LogSmsSender
    from services.messages.sms import send_sms

    sender = LogSmsSender()
    with caplog.at_level(logging.INFO, logger="sms"):
        sms = send_sms(sender, "0912345678", "signing_code", "vi", code="493817")
    assert sender.sent == [("0912345678", "Ma ky so iHanoi: 493817. Hieu luc 5 phut. Khong chia se ma nay.")]
    ours = [record.getMessage() for record in caplog.records if "signing_code" in record.getMessage()]
    assert ours == ["sms signing_code (vi) sent as gsm7 in 1 segment(s)"]
    assert sms.segments == 1
