"""The whole record as a FHIR R4 Bundle, validated by the fhir.resources R4(B) models."""
from fhir.resources.R4B.bundle import Bundle

from tests.health_support import check_up, days_ago, written

API = "/api/v1/me/health"


def test_the_export_is_a_valid_fhir_r4_collection(client, people, clinic_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("v", days_ago(30)))
    later = check_up("w", days_ago(2), systolic=125)
    later["observations"].append({"code": "1558-6", "value": 5.4, "unit": "mmol/L",
                                  "effective_at": days_ago(2).isoformat(), "source_id": "w-glu"})
    written(client, clinic_doctor, me.national_id, later)

    answer = client.get(f"{API}/fhir", headers=me.headers)
    assert answer.status_code == 200
    assert answer.mimetype == "application/fhir+json"
    bundle = Bundle.model_validate_json(answer.get_data(as_text=True))
    assert bundle.type == "collection"

    resources = [entry.resource for entry in bundle.entry]
    by_type: dict[str, list] = {}
    for resource in resources:
        by_type.setdefault(resource.get_resource_type(), []).append(resource)
    assert set(by_type) == {"Patient", "Observation", "Condition", "AllergyIntolerance", "Immunization", "Encounter"}
    patient_url = bundle.entry[0].fullUrl
    assert by_type["Patient"][0].identifier[0].value == me.national_id

    measured = [o for o in by_type["Observation"] if o.valueQuantity is not None]
    assert len(measured) == 11  # 2 x (height, weight, BMI, systolic, diastolic) + glucose
    for observation in measured:
        assert observation.code.coding[0].system == "http://loinc.org"
        assert observation.valueQuantity.system == "http://unitsofmeasure.org"
        assert observation.subject.reference == patient_url
    glucose = next(o for o in measured if o.code.coding[0].code == "1558-6")
    assert glucose.category[0].coding[0].code == "laboratory" and glucose.valueQuantity.code == "mmol/L"
    smoking = next(o for o in by_type["Observation"] if o.valueString)
    assert smoking.code.coding[0].code == "72166-2" and smoking.valueString == "former"
    assert all(c.code.coding[0].system == "http://hl7.org/fhir/sid/icd-10" for c in by_type["Condition"])
    visit = by_type["Encounter"][0]
    assert [r.coding[0].code for r in visit.reasonCode if r.coding] == ["Z00.0", "I10"]
    assert visit.reasonCode[0].text == "annual check-up" and visit.period.start is not None
    assert by_type["Immunization"][0].protocolApplied[0].doseNumberPositiveInt == 1
    assert by_type["AllergyIntolerance"][0].reaction[0].manifestation[0].text == "rash"


def test_an_empty_record_exports_the_patient_only(client, people):
    me = people.citizen()
    bundle = Bundle.model_validate_json(client.get(f"{API}/fhir", headers=me.headers).get_data(as_text=True))
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["Patient"]
