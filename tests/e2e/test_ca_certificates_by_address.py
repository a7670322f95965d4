"""The chain in the open (issue 14, point 4): every certificate's authority-information access
names its issuer's address (caIssuers), and that address serves the issuer's certificate in DER,
so a client holding only a leaf and the root builds the chain by following the addresses."""
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import AuthorityInformationAccessOID

from services.signatures.demo import load_catalogues
from tests.conftest import join_outer_transaction
from tests.signatures_support import DATA, issued_certificate
from tests.support import PeopleFactory

API = "https://api.ihanoi.example/api/v1"


def _ca_issuers(certificate: x509.Certificate) -> str:
    access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    [url] = [d.access_location.value for d in access if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS]
    return url


def _issuer_of(client, certificate: x509.Certificate) -> x509.Certificate:
    """Fetched at the certificate's caIssuers address (the test client stands for HTTP) and checked."""
    answer = client.get(urlsplit(_ca_issuers(certificate)).path)
    assert answer.status_code == 200 and answer.mimetype == "application/pkix-cert"
    issuer = x509.load_der_x509_certificate(answer.data)
    certificate.verify_directly_issued_by(issuer)  # raises unless `issuer` signed it
    return issuer


def test_a_leaf_leads_to_its_issuing_ca_and_on_to_the_root_by_its_addresses(make_app, base_app, tmp_path):
    # base_app: the reference data (agencies of the counters) is committed
    app = make_app(SIGNATURE_CA_DIR=str(tmp_path / "ca"),
                   SIGNATURE_CA_ISSUERS_URL=f"{API}/ca/certificates/issuing.cer",
                   SIGNATURE_ROOT_CERTIFICATE_URL=f"{API}/ca/certificates/root.cer")
    for app in join_outer_transaction(app):
        client = app.test_client()
        with app.extensions["runtime"].sessions() as session:
            load_catalogues(session, DATA)
            people = PeopleFactory(app, session)
            citizen, _, _ = issued_certificate(client, people)
            session.commit()
        pem = client.get("/api/v1/me/certificates", headers=citizen.headers).json["items"][0]["pem"]
        leaf = x509.load_pem_x509_certificate(pem.encode())
        assert _ca_issuers(leaf) == f"{API}/ca/certificates/issuing.cer"

        issuing = _issuer_of(client, leaf)
        assert _ca_issuers(issuing) == f"{API}/ca/certificates/root.cer"
        root = _issuer_of(client, issuing)
        root.verify_directly_issued_by(root)  # self-signed: the anchor
        published = client.get("/api/v1/ca/certificates").json
        assert root.public_bytes(Encoding.PEM).decode() == published["root"]
        assert issuing.public_bytes(Encoding.PEM).decode() == published["issuing"]

        authority = app.extensions["runtime"].authority
        for service in (authority.tsa_key_pair().certificate, authority.ocsp_key_pair().certificate):
            assert _issuer_of(client, service) == issuing


def test_only_the_root_and_the_issuing_ca_are_published(client):
    assert client.get("/api/v1/ca/certificates/root.cer").status_code == 200
    answer = client.get("/api/v1/ca/certificates/tsa.cer")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
