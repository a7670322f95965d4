"""Agency seals (`flask ca seal issue`, `seal_pdf`) and trust beyond the city
(`flask ca trust import`): a PDF of another CA verifies against its own imported root."""
from cryptography import x509
from cryptography.x509 import ocsp

from api.context import context_of
from services.signatures import city_services, seals
from tests.signatures_support import minimal_pdf, verify

AGENCY = "000.01.01.H26"


def test_an_agency_seal_is_issued_by_the_cli_and_seals_results(runner, app, client, catalogues, db_session):
    result = runner.invoke(args=["ca", "seal", "issue", AGENCY])
    assert result.exit_code == 0, result.output
    rt = app.extensions["runtime"]
    ctx = context_of(rt, db_session)
    sealed = seals.seal_pdf(ctx, rt.authority, rt.vault, AGENCY, minimal_pdf("Ket qua giai quyet"))
    report = verify(client, sealed).json
    assert report["valid"] is True and report["signed_at_source"] == "timestamp"
    from models.signatures import AgencySeal

    seal = db_session.query(AgencySeal).filter_by(agency_code=AGENCY).one()
    certificate = x509.load_pem_x509_certificate(seal.pem.encode())
    assert certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == AGENCY
    assert b"PRIVATE KEY" not in seal.ciphertext
    request = city_services.ocsp_request(certificate, rt.authority.issuing_certificate)
    answer = ocsp.load_der_ocsp_response(client.post("/api/v1/ca/ocsp", data=request,
                                                     content_type="application/ocsp-request").data)
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_no_seal_no_sealing(runner, app, catalogues, db_session):
    import pytest

    from services.errors import Conflict

    rt = app.extensions["runtime"]
    with pytest.raises(Conflict) as refused:
        seals.seal_pdf(context_of(rt, db_session), rt.authority, rt.vault, "000.05.01.H26", minimal_pdf())
    assert refused.value.code == "no_valid_seal"
    unknown = runner.invoke(args=["ca", "seal", "issue", "NO-SUCH-AGENCY"])
    assert unknown.exit_code == 1 and "NO-SUCH-AGENCY" in unknown.output


def test_a_pdf_of_another_ca_verifies_once_its_root_is_imported(runner, client, foreign_signed_pdf_and_root,
                                                                tmp_path):
    pdf, root_pem = foreign_signed_pdf_and_root
    before = verify(client, pdf).json
    assert before["chain_trusted"] is False and before["valid"] is False
    path = tmp_path / "national-root.pem"
    path.write_text(root_pem)
    imported = runner.invoke(args=["ca", "trust", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    after = verify(client, pdf).json
    assert after["chain_trusted"] is True and "Foreign iHanoi Test Root CA" in after["trust_anchor"]
    # Its certificate names no CRL or OCSP address: revocation cannot be checked, so not valid
    # (tests/e2e/test_foreign_revocation.py checks one that does).
    assert after["revocation_status"] == "unknown" and after["status"] == "indeterminate"
    not_ca = tmp_path / "leaf.pem"
    not_ca.write_text("not a certificate")
    assert runner.invoke(args=["ca", "trust", "import", str(not_ca)]).exit_code == 1
