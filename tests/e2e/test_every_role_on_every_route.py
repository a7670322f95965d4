"""Every role on every route: one table says what each caller gets from each route.

Rows: every path x method of the served OpenAPI document, plus the routes the app serves
outside it (the dashboard, the docs). A route without a row, or a row for a route that is
no longer served, fails the test: a new route cannot ship before someone decides who may
call it. Columns: the callers of tests/roles_support.CALLERS.

    anon      no Authorization header          expired   the owner's token, expired (real key)
    owner     the citizen who owns everything the calls name (and guardian of the child)
    other     another citizen                  officer   officer of Ba Đình (the dossiers' agency,
    officer2  officer of Cầu Giấy                          the signature request's counter)
    doctor    health_provider of the clinic that wrote the records (and holds the consent)
    doctor2   health_provider of another hospital
    analyst, admin                             key/key2  agency API key of Ba Đình / Cầu Giấy
    basic     a citizen of assurance level 1 (signed up with the ID card and phone only): 403
              `assurance_level_required` wherever services/identity/assurance.py says level 2

A cell is the expected status. `*` marks an answer that may carry the owner's personal data
(name); every other answer must not contain the owner's or the child's name or ID number, and
no answer to anyone but the owner may contain a full ID number. Every 4xx of the API is
problem+json, and every status of a documented route is one its operation documents.
(POST /signatures/verify names the signer to anyone, and POST /signatures/archive gives any
citizen the PDF back: the uploaded PDF carries the signer's certificate, so the name is the
caller's own input; the verifier's report keeps the ID number masked.)

Each cell runs in a savepoint rolled back afterwards (see tests/roles_support.py), so the
allowed callers of a state change all get the 2xx (the officer and the Ba Đình key both move
the same submitted dossier). Two answers are not 401/403/404 on purpose:
- POST /signature-requests: the owner already has an open request, 409 (the other citizen,
  who has none, gets the 201);
- POST /signatures/sign: the other citizen sends the owner's challenge and code, 400
  invalid_otp ("this code was not issued to you"); nothing is signed.
On the dashboard a caller is a browser whose session cookie holds that account's tokens
(the expired caller: only the expired access token); 303 sends a visitor without a valid
session to the sign-in form, and an Authorization header (the agency keys') counts for nothing.
"""
import base64
from datetime import timedelta

from asn1crypto import tsp

from services.dossiers.ratings import CRITERIA
from services.signatures.city_services import ocsp_request

from tests.dossiers_support import BUSINESS, BUSINESS_FORM
from tests.health_support import CLINIC, days_ago, obs
from tests.roles_support import (API, CALLERS, STAGES, Call, World, arrange, call_as, later, parse_table,
                                 pdf_upload, served_routes, staged, visible_text)
from tests.signatures_support import COUNTER, business_day, minimal_pdf
from tests.support import PASSWORD

TABLE = parse_table("""
route                                                                  anon expired owner other officer officer2 doctor doctor2 analyst admin key  key2 basic
GET    /healthz                                                        200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /readyz                                                         200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /.well-known/jwks.json                                          200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/openapi.json                                            200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/docs                                                    200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/docs/assets/{filename}                                  200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /static/{filename}                                              404  404     404   404   404     404      404    404     404     404   404  404  404
POST   /api/v1/auth/register                                           202  202     202   202   202     202      202    202     202     202   202  202  202
POST   /api/v1/auth/register/verify                                    201  201     201   201   201     201      201    201     201     201   201  201  201
POST   /api/v1/auth/token                                              200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/auth/refresh                                            200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/auth/logout                                             401  401     204   204   204     204      204    204     204     204   403  403  204
GET    /api/v1/me                                                      401  401     200*  200   200     200      200    200     200     200   403  403  200
PATCH  /api/v1/me                                                      401  401     200*  200   200     200      200    200     200     200   403  403  200
GET    /api/v1/me/sessions                                             401  401     200*  200   200     200      200    200     200     200   403  403  200
DELETE /api/v1/me/sessions/{session_id}                                401  401     204   404   404     404      404    404     404     404   403  403  404
POST   /api/v1/officer/identity-verifications                          401  401     403   403   200*    200*     403    403     403     403   403  403  403
GET    /api/v1/auth/eid/authorize                                      404  404     404   404   404     404      404    404     404     404   404  404  404
POST   /api/v1/auth/eid/callback                                       404  404     404   404   404     404      404    404     404     404   404  404  404
GET    /api/v1/me/security-events                                      401  401     200   200   200     200      200    200     200     200   403  403  200
POST   /api/v1/officer/accounts/recover                                401  401     403   403   200     200      403    403     403     403   403  403  403
GET    /api/v1/me/data-access                                          401  401     200*  200   403     403      403    403     403     403   403  403  200
GET    /api/v1/me/notifications                                        401  401     200*  200   200     200      200    200     200     200   403  403  200
POST   /api/v1/me/notifications/{notification_id}/read                 401  401     200*  404   404     404      404    404     404     404   403  403  404
POST   /api/v1/me/devices                                              401  401     201   201   201     201      201    201     201     201   403  403  201
GET    /api/v1/me/health/summary                                       401  401     200*  403   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/observations                                  401  401     200*  403   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/observations/{observation_id}                 401  401     200*  404   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/encounters                                    401  401     200*  403   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/encounters/{encounter_id}                     401  401     200*  404   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/immunizations                                 401  401     200*  403   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/fhir                                          401  401     200*  403   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/access-log                                    401  401     200*  200   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/consents/{facility_code}                      401  401     200*  404   403     403      403    403     403     403   403  403  403
PUT    /api/v1/me/health/consents/{facility_code}                      401  401     200*  200   403     403      403    403     403     403   403  403  403
DELETE /api/v1/me/health/consents/{facility_code}                      401  401     204   404   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/health/correction-requests                           401  401     200*  403   403     403      403    403     403     403   403  403  403
POST   /api/v1/me/health/correction-requests                           401  401     201*  404   403     403      403    403     403     403   403  403  403
POST   /api/v1/providers/patients/{national_id}/records                401  401     403   403   403     403      201    201     403     403   403  403  403
GET    /api/v1/providers/patients/{national_id}/summary                401  401     403   403   403     403      200*   403     403     403   403  403  403
POST   /api/v1/providers/patient/records                               401  401     403   403   403     403      201    201     403     403   403  403  403
GET    /api/v1/providers/patient/summary                               401  401     403   403   403     403      200*   403     403     403   403  403  403
GET    /api/v1/providers/correction-requests                           401  401     403   403   403     403      200*   200     403     403   403  403  403
POST   /api/v1/providers/correction-requests/{request_id}/acknowledge  401  401     403   403   403     403      200*   404     403     403   403  403  403
POST   /api/v1/providers/correction-requests/{request_id}/resolve      401  401     403   403   403     403      200*   404     403     403   403  403  403
GET    /api/v1/signature-providers                                     200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/service-counters                                        200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/units                                                   200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/units/{code}                                            200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/signature-requests                                      401  401     409   201   403     403      403    403     403     403   403  403  201
GET    /api/v1/me/signature-requests                                   401  401     200*  200   403     403      403    403     403     403   403  403  200
GET    /api/v1/signature-requests/{request_id}                         401  401     200*  404   200*    404      403    403     403     403   403  403  404
POST   /api/v1/signature-requests/{request_id}/cancel                  401  401     200*  404   403     403      403    403     403     403   403  403  404
GET    /api/v1/officer/signature-requests                              401  401     403   403   200*    200      403    403     403     403   403  403  403
POST   /api/v1/signature-requests/{request_id}/approve                 401  401     403   403   200*    404      403    403     403     403   403  403  403
POST   /api/v1/signature-requests/{request_id}/reject                  401  401     403   403   200*    404      403    403     403     403   403  403  403
GET    /api/v1/me/certificates                                         401  401     200*  200   403     403      403    403     403     403   403  403  403
POST   /api/v1/certificates/{serial}/revoke                            401  401     200*  404   200*    200*     403    403     403     403   403  403  403
POST   /api/v1/certificates/{serial}/renew                             401  401     201*  404   403     403      403    403     403     403   403  403  403
GET    /api/v1/ca/crl                                                  200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/signature-requests/{request_id}/confirm                 401  401     409   404   403     403      403    403     403     403   403  403  404
GET    /api/v1/me/signatures                                           401  401     200*  200   403     403      403    403     403     403   403  403  403
GET    /api/v1/ca/certificates                                         200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/ca/certificates/{name}.cer                              200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/ca/tsa                                                  200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/ca/ocsp                                                 200  200     200   200   200     200      200    200     200     200   200  200  200
GET    /api/v1/ca/ocsp/{encoded}                                       200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/signatures/challenges                                   401  401     202   202   403     403      403    403     403     403   403  403  403
POST   /api/v1/signatures/sign                                         401  401     200*  400   403     403      403    403     403     403   403  403  403
POST   /api/v1/signatures/verify                                       200* 200*    200*  200*  200*    200*     200*   200*    200*    200*  200* 200* 200*
POST   /api/v1/signatures/archive                                      401  401     200*  200*  403     403      403    403     403     403   403  403  200*
GET    /api/v1/procedures                                              200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/dossiers                                                401  401     201*  201   403     403      403    403     403     403   403  403  403
GET    /api/v1/me/dossiers                                             401  401     200*  200   403     403      403    403     403     403   403  403  200
GET    /api/v1/dossiers/{code}                                         401  401     200*  404   200*    404      403    403     403     403   403  403  403
GET    /api/v1/public/dossiers/{code}                                  200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/dossiers/{code}/withdraw                                401  401     200*  404   403     403      403    403     403     403   403  403  404
POST   /api/v1/dossiers/{code}/supplement                              401  401     200*  404   403     403      403    403     403     403   403  403  404
POST   /api/v1/agency/dossiers                                         401  401     403   403   201*    403      403    403     403     403   201* 403  403
POST   /api/v1/agency/dossiers/{code}/transitions                      401  401     403   403   200*    404      403    403     403     403   200* 404  403
POST   /api/v1/agency/dossiers/{code}/extensions                       401  401     403   403   201*    404      403    403     403     403   201* 404  403
GET    /api/v1/procedures/{code}                                       200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /api/v1/dossiers/{code}/documents                               401  401     201   404   403     403      403    403     403     403   403  403  403
GET    /api/v1/dossiers/{code}/documents                               401  401     200   404   200     404      403    403     403     403   403  403  403
GET    /api/v1/dossiers/{code}/documents/{document_id}                 401  401     200   404   200     404      403    403     403     403   403  403  403
POST   /api/v1/dossiers/{code}/payments                                401  401     409   404   403     403      403    403     403     403   403  403  403
GET    /api/v1/dossiers/{code}/payments                                401  401     200   404   200     404      403    403     403     403   403  403  403
GET    /api/v1/dossiers/{code}/payments/{payment_id}/receipt           401  401     404   404   404     404      403    403     403     403   403  403  403
POST   /api/v1/payments/callbacks/{gateway}                            404  404     404   404   404     404      404    404     404     404   404  404  404
POST   /api/v1/agency/dossiers/{code}/result                           401  401     403   403   201     404      403    403     403     403   201  404  403
GET    /api/v1/dossiers/{code}/result                                  401  401     200   404   200     404      403    403     403     403   403  403  403
GET    /api/v1/rating-criteria                                         200  200     200   200   200     200      200    200     200     200   200  200  200
PUT    /api/v1/dossiers/{code}/rating                                  401  401     200   404   403     403      403    403     403     403   403  403  404
GET    /api/v1/agency/ratings                                          401  401     403   403   200     200      403    403     403     403   403  403  403
GET    /api/v1/procedures/{code}/form                                  401  401     200*  200   403     403      403    403     403     403   403  403  403
GET    /api/v1/dossiers/{code}/application.pdf                         401  401     200*  404   403     403      403    403     403     403   403  403  403
POST   /api/v1/dossiers/{code}/signed-application                      401  401     422   404   403     403      403    403     403     403   403  403  403
GET    /api/v1/agency/dossiers/{code}                                  401  401     403   403   200*    404      403    403     403     403   403  403  403
GET    /api/v1/metrics/indicators                                      401  401     403   403   403     403      403    403     200     200   403  403  403
GET    /api/v1/metrics/service-index                                   401  401     403   403   403     403      403    403     200     200   403  403  403
GET    /api/v1/metrics/usage                                           401  401     403   403   403     403      403    403     200     200   403  403  403
GET    /dashboard/sign-in                                              200  200     200   200   200     200      200    200     200     200   200  200  200
POST   /dashboard/sign-in                                              401  401     401   401   401     401      401    401     303     303   401  401  401
POST   /dashboard/sign-out                                             303  303     303   303   303     303      303    303     303     303   303  303  303
GET    /dashboard/indicators.csv                                       303  303     403   403   403     403      403    403     200     200   303  303  403
GET    /dashboard/service-index                                        303  303     403   403   403     403      403    403     200     200   303  303  403
GET    /dashboard                                                      303  303     403   403   403     403      403    403     200     200   303  303  403
""")


def _verification(w: World) -> Call:
    """A sign-up started just now (its code is single use, so one per cell)."""
    started = w.client.post(f"{API}/auth/register", json=_applicant(w))
    assert started.status_code == 202, started.get_json()
    return Call(f"{API}/auth/register/verify",
                json={"verification_id": started.json["verification_id"], "otp": started.json["debug_otp"]})


def _applicant(w: World) -> dict:
    person = w.registrant
    return {"national_id": person.national_id, "full_name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat(), "phone": "0912345670", "password": PASSWORD}


def _refresh(w: World) -> Call:
    """A refresh token of the owner's that was never used (rotation spends it)."""
    signed_in = w.client.post(f"{API}/auth/token", json={"national_id": w.owner.national_id, "password": PASSWORD})
    return Call(f"{API}/auth/refresh", json={"refresh_token": signed_in.json["refresh_token"]})


def _signing(w: World) -> Call:
    """The owner's signing code, just texted: the owner signs with it; nobody else can."""
    challenge = w.client.post(f"{API}/signatures/challenges", headers=w.owner.headers)
    assert challenge.status_code == 202, challenge.get_json()
    return Call(f"{API}/signatures/sign", form={
        "challenge_id": challenge.json["challenge_id"], "otp": challenge.json["debug_otp"],
        "file": pdf_upload(minimal_pdf("Giay uy quyen"))})


def _timestamp_query() -> bytes:
    return tsp.TimeStampReq({"version": "v1", "message_imprint": {
        "hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x01" * 32}, "cert_req": True}).dump()


def _ocsp_request(w: World) -> bytes:
    """An OCSP request about the TSA's own certificate (the responder says good to anyone)."""
    authority = w.app.extensions["runtime"].authority
    return ocsp_request(authority.tsa_key_pair().certificate, authority.issuing_certificate)


def _batch() -> dict:
    return {"observations": [obs("walk-pulse", "8867-4", 72, "/min", days_ago(1))]}


def _card(w: World) -> dict[str, str]:
    """The owner's date of birth as on the ID card: a provider's write needs it."""
    return {"X-Subject-Birth-Date": w.owner.date_of_birth.isoformat()}


ME_HEALTH = f"{API}/me/health"
PATIENT = f"{API}/providers/patients"

# How each route is called: the concrete path and a minimal valid request. A builder runs
# inside the cell's savepoint, once per cell.
CALLS = {
    "GET /healthz": lambda w: Call("/healthz"),
    "GET /readyz": lambda w: Call("/readyz"),
    "GET /.well-known/jwks.json": lambda w: Call("/.well-known/jwks.json"),
    "GET /api/v1/openapi.json": lambda w: Call(f"{API}/openapi.json"),
    "GET /api/v1/docs": lambda w: Call(f"{API}/docs"),
    "GET /api/v1/docs/assets/{filename}": lambda w: Call(f"{API}/docs/assets/swagger-ui.css"),
    "GET /static/{filename}": lambda w: Call("/static/app.css"),  # Flask's own; the app has no static folder
    "POST /api/v1/auth/register": lambda w: Call(f"{API}/auth/register", json=_applicant(w)),
    "POST /api/v1/auth/register/verify": _verification,
    "POST /api/v1/auth/token": lambda w: Call(f"{API}/auth/token", json={
        "national_id": w.owner.national_id, "password": PASSWORD, "device_name": "new phone"}),
    "POST /api/v1/auth/refresh": _refresh,
    "POST /api/v1/auth/logout": lambda w: Call(f"{API}/auth/logout", own_session=True),
    "GET /api/v1/me": lambda w: Call(f"{API}/me"),
    "PATCH /api/v1/me": lambda w: Call(f"{API}/me", json={"language": "en"}),
    "GET /api/v1/me/sessions": lambda w: Call(f"{API}/me/sessions"),
    "DELETE /api/v1/me/sessions/{session_id}": lambda w: Call(f"{API}/me/sessions/{w.ids['spare_session']}"),
    "POST /api/v1/officer/identity-verifications": lambda w: Call(
        f"{API}/officer/identity-verifications", json={"national_id": w.owner.national_id, "method": "in_person"}),
    "GET /api/v1/me/data-access": lambda w: Call(f"{API}/me/data-access"),
    # The walk's app has no EID_ISSUER: the e-ID routes answer 404 eid_not_offered to everyone
    # (tests/e2e/test_eid_sign_in.py drives them against the development provider).
    "GET /api/v1/auth/eid/authorize": lambda w: Call(f"{API}/auth/eid/authorize",
                                                     query={"redirect_uri": "ihanoi://eid-callback"}),
    "POST /api/v1/auth/eid/callback": lambda w: Call(f"{API}/auth/eid/callback",
                                                     json={"code": "c", "state": "s"}),
    "GET /api/v1/me/security-events": lambda w: Call(f"{API}/me/security-events"),
    # A citizen of its own: the recovery ends every session of the account it names.
    "POST /api/v1/officer/accounts/recover": lambda w: Call(f"{API}/officer/accounts/recover", json={
        "national_id": w.ids["recoverable"], "phone": "0987654321"}),
    "GET /api/v1/me/notifications": lambda w: Call(f"{API}/me/notifications"),
    "POST /api/v1/me/notifications/{notification_id}/read": lambda w: Call(
        f"{API}/me/notifications/{w.ids['notification']}/read"),
    "POST /api/v1/me/devices": lambda w: Call(f"{API}/me/devices", json={
        "platform": "android", "push_token": "fcm-token-of-the-role-walk"}),
    # The child's record through the guardian (?subject=), or the owner's own entries by id.
    "GET /api/v1/me/health/summary": lambda w: Call(f"{ME_HEALTH}/summary", query={"subject": w.child.national_id}),
    "GET /api/v1/me/health/observations": lambda w: Call(
        f"{ME_HEALTH}/observations", query={"subject": w.child.national_id}),
    "GET /api/v1/me/health/observations/{observation_id}": lambda w: Call(
        f"{ME_HEALTH}/observations/{w.ids['observation']}"),
    "GET /api/v1/me/health/encounters": lambda w: Call(
        f"{ME_HEALTH}/encounters", query={"subject": w.child.national_id}),
    "GET /api/v1/me/health/encounters/{encounter_id}": lambda w: Call(f"{ME_HEALTH}/encounters/{w.ids['encounter']}"),
    "GET /api/v1/me/health/immunizations": lambda w: Call(
        f"{ME_HEALTH}/immunizations", query={"subject": w.child.national_id}),
    "GET /api/v1/me/health/fhir": lambda w: Call(f"{ME_HEALTH}/fhir", query={"subject": w.child.national_id}),
    "GET /api/v1/me/health/access-log": lambda w: Call(f"{ME_HEALTH}/access-log"),
    "GET /api/v1/me/health/consents/{facility_code}": lambda w: Call(f"{ME_HEALTH}/consents/{CLINIC}"),
    "PUT /api/v1/me/health/consents/{facility_code}": lambda w: Call(
        f"{ME_HEALTH}/consents/{CLINIC}", json={"expires_at": later(days_ago(0), days=365)}),
    "DELETE /api/v1/me/health/consents/{facility_code}": lambda w: Call(f"{ME_HEALTH}/consents/{CLINIC}"),
    "GET /api/v1/me/health/correction-requests": lambda w: Call(
        f"{ME_HEALTH}/correction-requests", query={"subject": w.child.national_id}),
    "POST /api/v1/me/health/correction-requests": lambda w: Call(f"{ME_HEALTH}/correction-requests", json={
        "resource_type": "observation", "resource_id": w.ids["observation_to_correct"], "reason": "Sai đơn vị"}),
    "POST /api/v1/providers/patients/{national_id}/records": lambda w: Call(
        f"{PATIENT}/{w.owner.national_id}/records", json=_batch(), headers=_card(w)),
    "GET /api/v1/providers/patients/{national_id}/summary": lambda w: Call(
        f"{PATIENT}/{w.owner.national_id}/summary", query={"purpose": "treatment"}),
    # The same two with the owner's ID number in X-Subject instead of the path.
    "POST /api/v1/providers/patient/records": lambda w: Call(
        f"{API}/providers/patient/records", json=_batch(), headers={"X-Subject": w.owner.national_id, **_card(w)}),
    "GET /api/v1/providers/patient/summary": lambda w: Call(
        f"{API}/providers/patient/summary", query={"purpose": "treatment"},
        headers={"X-Subject": w.owner.national_id}),
    "GET /api/v1/providers/correction-requests": lambda w: Call(f"{API}/providers/correction-requests"),
    "POST /api/v1/providers/correction-requests/{request_id}/acknowledge": lambda w: Call(
        f"{API}/providers/correction-requests/{w.ids['correction']}/acknowledge"),
    "POST /api/v1/providers/correction-requests/{request_id}/resolve": lambda w: Call(
        f"{API}/providers/correction-requests/{w.ids['correction']}/resolve",
        json={"outcome": "refused", "note": "Đã đối chiếu sổ khám: số đo đúng."}),
    "GET /api/v1/signature-providers": lambda w: Call(f"{API}/signature-providers"),
    "GET /api/v1/service-counters": lambda w: Call(f"{API}/service-counters"),
    "GET /api/v1/units": lambda w: Call(f"{API}/units", query={"at": "2024-06-01", "kind": "district"}),
    "GET /api/v1/units/{code}": lambda w: Call(f"{API}/units/001", query={"at": "2024-06-01"}),
    "POST /api/v1/signature-requests": lambda w: Call(f"{API}/signature-requests", json={
        "provider_code": "VNPT-CA", "counter_code": COUNTER, "appointment_date": business_day().isoformat()}),
    "GET /api/v1/me/signature-requests": lambda w: Call(f"{API}/me/signature-requests"),
    "GET /api/v1/signature-requests/{request_id}": lambda w: Call(f"{API}/signature-requests/{w.ids['request']}"),
    "POST /api/v1/signature-requests/{request_id}/cancel": lambda w: Call(
        f"{API}/signature-requests/{w.ids['request']}/cancel"),
    "GET /api/v1/officer/signature-requests": lambda w: Call(f"{API}/officer/signature-requests"),
    "POST /api/v1/signature-requests/{request_id}/approve": lambda w: Call(
        f"{API}/signature-requests/{w.ids['request']}/approve", json={"note": "Đã đối chiếu CCCD gắn chip"}),
    "POST /api/v1/signature-requests/{request_id}/reject": lambda w: Call(
        f"{API}/signature-requests/{w.ids['request']}/reject", json={"reason": "Ảnh chân dung không khớp"}),
    "GET /api/v1/me/certificates": lambda w: Call(f"{API}/me/certificates"),
    "POST /api/v1/certificates/{serial}/revoke": lambda w: Call(
        f"{API}/certificates/{w.ids['serial']}/revoke", json={"reason": "key_compromise"}),
    # A month before expiry the holder renews without a counter visit.
    "POST /api/v1/certificates/{serial}/renew": lambda w: Call(
        f"{API}/certificates/{w.ids['serial']}/renew", at=w.ids["certificate_valid_to"] - timedelta(days=10)),
    "GET /api/v1/ca/crl": lambda w: Call(f"{API}/ca/crl"),
    "GET /api/v1/me/signatures": lambda w: Call(f"{API}/me/signatures"),
    # The owner's request is a counter one: no code confirms it (409 not_an_online_request).
    "POST /api/v1/signature-requests/{request_id}/confirm": lambda w: Call(
        f"{API}/signature-requests/{w.ids['request']}/confirm", json={"otp": "123456"}),
    "GET /api/v1/ca/certificates": lambda w: Call(f"{API}/ca/certificates"),
    "GET /api/v1/ca/certificates/{name}.cer": lambda w: Call(f"{API}/ca/certificates/issuing.cer"),
    "POST /api/v1/ca/tsa": lambda w: Call(f"{API}/ca/tsa", body=(_timestamp_query(), "application/timestamp-query")),
    "POST /api/v1/ca/ocsp": lambda w: Call(f"{API}/ca/ocsp", body=(_ocsp_request(w), "application/ocsp-request")),
    "GET /api/v1/ca/ocsp/{encoded}": lambda w: Call(
        f"{API}/ca/ocsp/{base64.urlsafe_b64encode(_ocsp_request(w)).decode()}"),
    "POST /api/v1/signatures/challenges": lambda w: Call(f"{API}/signatures/challenges"),
    "POST /api/v1/signatures/sign": _signing,
    "POST /api/v1/signatures/verify": lambda w: Call(f"{API}/signatures/verify",
                                                     form={"file": pdf_upload(w.ids["signed_pdf"])}),
    "POST /api/v1/signatures/archive": lambda w: Call(f"{API}/signatures/archive",
                                                      form={"file": pdf_upload(w.ids["signed_pdf"])}),
    "GET /api/v1/procedures": lambda w: Call(f"{API}/procedures", query={"q": "hộ kinh doanh"}),
    "POST /api/v1/dossiers": lambda w: Call(f"{API}/dossiers", json={"procedure_code": BUSINESS,
                                                                     "form": BUSINESS_FORM}),
    "GET /api/v1/me/dossiers": lambda w: Call(f"{API}/me/dossiers"),
    "GET /api/v1/dossiers/{code}": lambda w: Call(f"{API}/dossiers/{w.ids['dossier']}"),
    "GET /api/v1/public/dossiers/{code}": lambda w: Call(
        f"{API}/public/dossiers/{w.ids['dossier']}", query={"id_last4": w.owner.national_id[-4:]}),
    "POST /api/v1/dossiers/{code}/withdraw": lambda w: Call(
        f"{API}/dossiers/{w.ids['dossier']}/withdraw", json={"reason": "Nộp nhầm thủ tục"}),
    "POST /api/v1/dossiers/{code}/supplement": lambda w: Call(
        f"{API}/dossiers/{w.ids['dossier_waiting']}/supplement", json={"documents": ["Bản sao hợp đồng thuê nhà"]}),
    "POST /api/v1/agency/dossiers": lambda w: Call(f"{API}/agency/dossiers", json={
        "national_id": w.owner.national_id, "full_name": w.owner.full_name, "procedure_code": BUSINESS,
        "channel": "post"}),
    "POST /api/v1/agency/dossiers/{code}/transitions": lambda w: Call(
        f"{API}/agency/dossiers/{w.ids['dossier']}/transitions", json={"to": "received"}),
    "POST /api/v1/agency/dossiers/{code}/extensions": lambda w: Call(
        f"{API}/agency/dossiers/{w.ids['dossier_received']}/extensions",
        json={"new_due_at": later(days_ago(0), days=40), "apology": "Xin lỗi ông/bà vì cần thêm thời gian."}),
    "GET /api/v1/procedures/{code}": lambda w: Call(f"{API}/procedures/{BUSINESS}"),
    "POST /api/v1/dossiers/{code}/documents": lambda w: Call(f"{API}/dossiers/{w.ids['dossier']}/documents", form={
        "component_code": "HD-THUE", "file": pdf_upload(minimal_pdf("Hop dong thue nha"), "hợp đồng.pdf")}),
    "GET /api/v1/dossiers/{code}/documents": lambda w: Call(f"{API}/dossiers/{w.ids['dossier']}/documents"),
    "GET /api/v1/dossiers/{code}/documents/{document_id}": lambda w: Call(
        f"{API}/dossiers/{w.ids['dossier']}/documents/{w.ids['document']}"),
    # No gateway is configured in the walk: fees are paid at the counter, so the owner's payment
    # is 409 nothing_owed, there is no receipt, and no gateway answers to a callback.
    "POST /api/v1/dossiers/{code}/payments": lambda w: Call(f"{API}/dossiers/{w.ids['dossier']}/payments"),
    "GET /api/v1/dossiers/{code}/payments": lambda w: Call(f"{API}/dossiers/{w.ids['dossier']}/payments"),
    "GET /api/v1/dossiers/{code}/payments/{payment_id}/receipt": lambda w: Call(
        f"{API}/dossiers/{w.ids['dossier']}/payments/1/receipt"),
    "POST /api/v1/payments/callbacks/{gateway}": lambda w: Call(f"{API}/payments/callbacks/dev", json={
        "gateway_ref": "DEV0000", "amount_vnd": 100000, "status": "paid"}),
    "POST /api/v1/agency/dossiers/{code}/result": lambda w: Call(
        f"{API}/agency/dossiers/{w.ids['dossier_processing']}/result", form={"file": pdf_upload(minimal_pdf("Ket qua"))}),
    "GET /api/v1/dossiers/{code}/result": lambda w: Call(f"{API}/dossiers/{w.ids['dossier_processing']}/result"),
    "GET /api/v1/rating-criteria": lambda w: Call(f"{API}/rating-criteria"),
    "PUT /api/v1/dossiers/{code}/rating": lambda w: Call(f"{API}/dossiers/{w.ids['dossier_decided']}/rating", json={
        "scores": {code: 4 for code in CRITERIA}, "comment": "Cán bộ hướng dẫn tận tình"}),
    "GET /api/v1/agency/ratings": lambda w: Call(f"{API}/agency/ratings", query={"period": "2026"}),
    "GET /api/v1/procedures/{code}/form": lambda w: Call(f"{API}/procedures/{BUSINESS}/form", query={"prefill": "true"}),
    "GET /api/v1/dossiers/{code}/application.pdf": lambda w: Call(f"{API}/dossiers/{w.ids['dossier']}/application.pdf"),
    # An unsigned PDF: the owner gets 422 not_signed, nothing is attached.
    "POST /api/v1/dossiers/{code}/signed-application": lambda w: Call(
        f"{API}/dossiers/{w.ids['dossier']}/signed-application", form={"file": pdf_upload(minimal_pdf("To khai"))}),
    "GET /api/v1/agency/dossiers/{code}": lambda w: Call(f"{API}/agency/dossiers/{w.ids['dossier']}"),
    "GET /api/v1/metrics/indicators": lambda w: Call(f"{API}/metrics/indicators", query={"period": "2024"}),
    "GET /api/v1/metrics/service-index": lambda w: Call(f"{API}/metrics/service-index", query={"period": "2026"}),
    "GET /api/v1/metrics/usage": lambda w: Call(f"{API}/metrics/usage", query={
        "from": "2024-01-01", "to": "2024-12-31", "granularity": "month"}),
    "GET /dashboard/sign-in": lambda w: Call("/dashboard/sign-in"),
    "POST /dashboard/sign-in": lambda w: Call("/dashboard/sign-in", form={}, sign_in_form=True),
    "POST /dashboard/sign-out": lambda w: Call("/dashboard/sign-out", form={}),
    "GET /dashboard/indicators.csv": lambda w: Call("/dashboard/indicators.csv", query={"period": "2024"}),
    "GET /dashboard/service-index": lambda w: Call("/dashboard/service-index", query={"period": "2026"}),
    "GET /dashboard": lambda w: Call("/dashboard", query={"period": "2024"}),
}
# Routes walked once the owner's request has been approved (a valid certificate to act on,
# a PDF signed with it).
STAGE_OF = {route: "certified" for route in (
    "GET /api/v1/me/certificates", "POST /api/v1/certificates/{serial}/revoke",
    "POST /api/v1/certificates/{serial}/renew", "POST /api/v1/signatures/challenges",
    "POST /api/v1/signatures/sign", "POST /api/v1/signatures/verify", "POST /api/v1/signatures/archive",
    "GET /api/v1/me/signatures")}


def test_the_table_has_one_row_per_served_route(app, client):
    documented, undocumented = served_routes(app, client.get(f"{API}/openapi.json").json)
    served = documented | undocumented
    assert sorted(served - set(TABLE)) == [], "served routes without a row: decide who may call them"
    assert sorted(set(TABLE) - served) == [], "rows for routes that are no longer served"
    assert set(CALLS) == set(TABLE)
    assert set(STAGE_OF) <= set(TABLE)


def test_every_status_in_the_table_is_documented_for_its_route(client):
    document = client.get(f"{API}/openapi.json").json
    undocumented = []
    for route, cells in TABLE.items():
        method, path = route.split(" ", 1)
        operation = document["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue  # served outside the document (dashboard, docs)
        undocumented += [f"{route}: {status}" for status in sorted({c.status for c in cells})
                         if str(status) not in operation["responses"]]
    assert undocumented == []


def test_every_role_on_every_route(app, client, people, db_session):
    world = arrange(app, client, people, db_session)
    failures: list[str] = []
    for stage, prepare in STAGES.items():
        routes = [route for route in TABLE if STAGE_OF.get(route, "arranged") == stage]
        with staged(world, prepare):
            for route in routes:
                for caller, cell in zip(CALLERS, TABLE[route]):
                    answer = call_as(world, caller, route, CALLS[route])
                    failures += [f"{route} as {caller}: {problem}" for problem in _check(world, caller, cell, route,
                                                                                        answer)]
    assert not failures, "\n".join(failures)


def _check(world, caller, cell, route, answer) -> list[str]:
    problems = []
    text = visible_text(answer)
    if answer.status_code != cell.status:
        problems.append(f"status {answer.status_code}, expected {cell.status}: {text[:300]}")
    if caller != "owner":
        shown = world.full_ids() if cell.personal else world.private_values()
        problems += [f"the answer shows {value!r}" for value in shown if value in text]
    is_api = route.split(" ", 1)[1].startswith(API)
    if is_api and 400 <= answer.status_code < 500:
        if answer.mimetype != "application/problem+json" or answer.json.get("status") != answer.status_code:
            problems.append(f"not problem+json: {answer.mimetype} {text[:200]}")
    return problems
