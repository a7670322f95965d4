"""Values are checked on the way in: codes, units, plausible ranges, dates; BMI is computed."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.errors import ValidationFailed
from services.health import codes
from services.health.batch import OBSERVATION_NAMES, Context, bmi_of, derive_bmi, parse_batch
from services.messages import translate

NOW = datetime(2024, 11, 20, 3, 0, tzinfo=timezone.utc)
CTX = Context(now=NOW, born=date(1985, 3, 14))
AT = "2024-10-01T08:00:00+07:00"


def obs(code, value, unit, at=AT, source_id="o-1"):
    return {"code": code, "value": value, "unit": unit, "effective_at": at, "source_id": source_id}


def errors_of(batch, language="en") -> dict[str, list[str]]:
    """The field messages of a refused batch, as a reader of `language` sees them."""
    with pytest.raises(ValidationFailed) as caught:
        parse_batch(batch, CTX)
    return {path: [translate(language, message) for message in messages]
            for path, messages in caught.value.errors.items()}


@pytest.mark.parametrize("item, field, words", [
    (obs("8310-5", 95, "Cel"), "observations.0.value", "not plausible"),           # 95 °C
    (obs("29463-7", -3, "kg"), "observations.0.value", "not plausible"),           # negative weight
    (obs("8310-5", 37, "[degF]"), "observations.0.unit", "Cel"),                   # unit not allowed
    (obs("9999-9", 1, "kg"), "observations.0.code", "LOINC"),                      # unknown code
    (obs("39156-5", 22, "kg/m2"), "observations.0.code", "computed by the server"),  # BMI is the server's
    (obs("8867-4", "fast", "/min"), "observations.0.value", "number"),
    (obs("8867-4", 70, "/min", at="2030-01-01T08:00:00+07:00"), "observations.0.effective_at", "future"),
    (obs("8867-4", 70, "/min", at="1980-01-01T08:00:00+07:00"), "observations.0.effective_at", "born"),
    (obs("8867-4", 70, "/min", at="2024-10-01T08:00:00"), "observations.0.effective_at", "offset"),
    ({"code": "8867-4", "value": 70, "unit": "/min", "effective_at": AT}, "observations.0.source_id", "Required"),
])
def test_implausible_observations_are_refused_on_their_field(item, field, words):
    errors = errors_of({"observations": [item]})
    assert field in errors and words in " ".join(errors[field])


def test_field_messages_are_catalogue_texts_with_their_values_in_both_languages():
    item = obs("8310-5", 95, "Cel")
    assert errors_of({"observations": [item]}, "vi")["observations.0.value"] == [
        "Nhiệt độ cơ thể 95 Cel không hợp lý (giới hạn từ 25 đến 45)."]
    assert errors_of({"observations": [item]}, "en")["observations.0.value"] == [
        "Body temperature of 95 Cel is not plausible (expected 25 to 45)."]
    unit = obs("29463-7", 70, "lb")
    assert errors_of({"observations": [unit]}, "vi")["observations.0.unit"] == ["Cân nặng được ghi bằng đơn vị kg."]
    assert errors_of({"observations": [unit]}, "en")["observations.0.unit"] == ["Body weight is recorded in kg."]
    empty = {"observations": [], "vaccines": []}
    assert errors_of(empty, "vi")["vaccines"] == ["Trường không được hỗ trợ."]
    assert errors_of(empty, "en")["vaccines"] == ["Unknown field."]


def test_a_measured_value_in_a_message_takes_the_readers_decimal_mark():
    glucose = obs("1558-6", 60.5, "mmol/L")  # fasting glucose above 55 mmol/L
    assert errors_of({"observations": [glucose]}, "vi")["observations.0.value"] == [
        "Đường huyết lúc đói 60,5 mmol/L không hợp lý (giới hạn từ 1,1 đến 55)."]
    assert errors_of({"observations": [glucose]}, "en")["observations.0.value"] == [
        "Fasting glucose of 60.5 mmol/L is not plausible (expected 1.1 to 55)."]


def test_every_observation_code_has_a_name_in_both_languages():
    assert set(OBSERVATION_NAMES) == set(codes.OBSERVATION_CODES)
    for code, name in OBSERVATION_NAMES.items():
        assert translate("en", name) == codes.OBSERVATION_CODES[code].name
        assert translate("vi", name) and translate("vi", name) != name.msgid


def test_diastolic_above_systolic_is_refused():
    errors = errors_of({"observations": [obs("8480-6", 90, "mm[Hg]", source_id="s"),
                                         obs("8462-4", 120, "mm[Hg]", source_id="d")]})
    assert "below the systolic" in errors["observations.1.value"][0]


@pytest.mark.parametrize("batch, field", [
    ({"conditions": [{"code": "hypertension", "source_id": "c"}]}, "conditions.0.code"),
    ({"conditions": [{"code": "I10", "status": "cured", "source_id": "c"}]}, "conditions.0.status"),
    ({"conditions": [{"code": "I10", "onset_date": "2099-01-01", "source_id": "c"}]}, "conditions.0.onset_date"),
    ({"encounters": [{"start": AT, "diagnoses": ["I10", "10I"], "source_id": "e"}]}, "encounters.0.diagnoses.1"),
    ({"encounters": [{"start": AT, "end": "2024-09-30T08:00:00+07:00", "source_id": "e"}]}, "encounters.0.end"),
    ({"immunizations": [{"vaccine": "BCG", "date": "2024-01-01", "dose_number": 0, "source_id": "i"}]},
     "immunizations.0.dose_number"),
    ({"risk_factors": [{"kind": "smoking", "value": "sometimes", "source_id": "r"}]}, "risk_factors.0.value"),
    ({"risk_factors": [{"kind": "astrology", "value": "x", "source_id": "r"}]}, "risk_factors.0.kind"),
    ({"allergies": [{"substance": " ", "source_id": "a"}]}, "allergies.0.substance"),
    ({"allergies": [{"substance": "latex", "source_id": "a", "facility_code": "X"}]}, "allergies.0.facility_code"),
    ({"observations": [obs("8867-4", 70, "/min"), obs("8867-4", 72, "/min")]}, "observations.1.source_id"),
    ({"vaccines": []}, "vaccines"),
    ({}, "_body"),
])
def test_other_entries_are_checked(batch, field):
    assert field in errors_of(batch)


def test_icd10_codes_are_normalised_and_a_good_batch_passes():
    batch = parse_batch({"conditions": [{"code": "e11.9", "source_id": "c"}],
                         "encounters": [{"start": AT, "diagnoses": ["z00.0"], "source_id": "e"}]}, CTX)
    assert batch.entries["conditions"][0]["code"] == "E11.9"
    assert batch.entries["conditions"][0]["status"] == "active"
    assert batch.entries["encounters"][0]["diagnoses"] == ["Z00.0"]


def test_bmi_is_computed_from_height_and_weight_of_the_same_day():
    batch = parse_batch({"observations": [obs("8302-2", 175, "cm", source_id="h"),
                                          obs("29463-7", 70, "kg", at="2024-10-01T15:00:00+07:00", source_id="w")]},
                        CTX)
    derived, errors = derive_bmi(batch.entries["observations"], lambda moment: None)
    assert errors == {}
    assert [(d["code"], d["value"], d["unit"], d["source_id"]) for d in derived] == [("39156-5", 22.9, "kg/m2", "w#bmi")]
    assert bmi_of(70, 175) == 22.9


def test_bmi_uses_a_stored_height_and_rejects_an_absurd_result():
    batch = parse_batch({"observations": [obs("29463-7", 300, "kg", source_id="w")]}, CTX)
    derived, errors = derive_bmi(batch.entries["observations"], lambda moment: 100.0)
    assert derived == [] and "BMI of 300" in translate("en", errors["observations.0.value"][0])
    assert "chỉ số BMI 300" in translate("vi", errors["observations.0.value"][0])
    batch = parse_batch({"observations": [obs("29463-7", 64, "kg", source_id="w")]}, CTX)
    assert derive_bmi(batch.entries["observations"], lambda moment: None) == ([], {})
    assert derive_bmi(batch.entries["observations"], lambda moment: 160.0)[0][0]["value"] == 25.0


def test_a_moment_a_few_minutes_ahead_is_tolerated_as_clock_skew():
    soon = (NOW + timedelta(minutes=2)).isoformat()
    assert parse_batch({"observations": [obs("8867-4", 70, "/min", at=soon)]}, CTX).size == 1
