#!/usr/bin/env bash
# The README's API tour, as a script that stops at the first unexpected status.
#
#   make run                      # in one terminal: the demo on :8000
#   bash docs/tour.sh             # in another, from the repository root
#   BASE_URL=http://127.0.0.1:8001 bash docs/tour.sh      # after `make run PORT=8001`
#
# Needs bash, curl and python3 (for reading JSON; no jq). Two steps use the project's CLI on
# the same database as the server: `registry import` and `agency-keys create`, through
# $FLASK (default .venv/bin/flask, the venv `make run` builds). It expects the demo data of
# `make seed` and leaves it as it found it where it can, so it can run again; every run adds
# one registered resident and one dossier. tests/e2e/test_tour.py runs it on every test run.
set -euo pipefail

HERE=${HERE:-$(cd "$(dirname "$0")" && pwd)}   # the docs/ folder
BASE_URL=${BASE_URL:-http://127.0.0.1:8000}
B=$BASE_URL/api/v1
FLASK=${FLASK:-$HERE/../.venv/bin/flask}
SAMPLE_PDF=$HERE/tour/sample.pdf
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
JSON='Content-Type: application/json'
RUN=$(date +%s)$RANDOM   # makes this run's Idempotency-Keys and new ID number its own

# call STATUS CURL_ARGS...: prints the status and the start of the body (kept in $WORK/body,
# or in $OUT when set), and fails (which stops the script) unless the status is STATUS.
call() {
  local want=$1 out=${OUT:-$WORK/body} got
  shift
  got=$(curl -s -o "$out" -w '%{http_code}' "$@")
  if [ -n "${OUT:-}" ]; then echo "$got (saved to $out)"; else echo "$got $(head -c 240 "$out")"; fi
  if [ "$got" != "$want" ]; then
    echo "tour: expected $want, got $got from: curl $*" >&2
    return 1
  fi
}
# val EXPR: a Python expression over d, the JSON body of the last call.
val() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$WORK/body" "$1"; }
# days N: the date N days from today, ISO 8601.
days() { python3 -c 'import datetime, sys; print(datetime.date.today() + datetime.timedelta(days=int(sys.argv[1])))' "$1"; }
tok() {
  call 200 "$B/auth/token" -H "$JSON" -d "{\"national_id\":\"$1\",\"password\":\"$2\"}" >/dev/null || return 1
  val 'd["access_token"]'
}

echo "== Identity"
# A resident who is not in the registry yet: a new ID number (born 1995, male) each run.
NEW_ID=001095$(printf '%06d' $(( (RANDOM * 32768 + RANDOM) % 1000000 )))
NEW_PASSWORD='Tour-pass-2025'
REGISTER="{\"national_id\":\"$NEW_ID\",\"full_name\":\"Lê Văn An\",\"date_of_birth\":\"1995-01-01\",\"phone\":\"0912345678\",\"password\":\"$NEW_PASSWORD\"}"
call 422 "$B/auth/register" -H "$JSON" -d "$REGISTER"           # identity_mismatch, "detail" in Vietnamese (the default)
call 422 "$B/auth/register" -H "$JSON" -H "Accept-Language: en" -d "$REGISTER"   # the same code, "detail" in English
printf 'national_id,full_name,date_of_birth,sex,district_code,phone\n%s,Lê Văn An,1995-01-01,male,005,0912345678\n' "$NEW_ID" > "$WORK/resident.csv"
"$FLASK" --app wsgi registry import "$WORK/resident.csv"
call 202 "$B/auth/register" -H "$JSON" -d "$REGISTER"           # {verification_id, expires_at, debug_otp}
VERIFY="{\"verification_id\":\"$(val 'd["verification_id"]')\",\"otp\":\"$(val 'd["debug_otp"]')\"}"
call 201 "$B/auth/register/verify" -H "$JSON" -d "$VERIFY"      # account, access_token, refresh_token
N=$(val 'd["access_token"]'); REFRESH=$(val 'd["refresh_token"]')
call 200 "$B/me" -H "Authorization: Bearer $N"                  # national_id_masked, assurance_level 1
call 200 "$B/me" -X PATCH -H "Authorization: Bearer $N" -H "$JSON" -d '{"language":"en"}'   # notices and texts in English
call 200 "$B/me/sessions" -H "Authorization: Bearer $N"
call 200 "$B/auth/refresh" -H "$JSON" -d "{\"refresh_token\":\"$REFRESH\"}"   # a new pair; the old one is spent
N=$(val 'd["access_token"]')
call 204 -X POST "$B/auth/logout" -H "Authorization: Bearer $N"  # the token is dead at once
call 401 "$B/me" -H "Authorization: Bearer $N"
O=$(tok 001080001111 Officer@2024)
call 200 "$B/officer/identity-verifications" -H "Authorization: Bearer $O" \
  -H "$JSON" -d "{\"national_id\":\"$NEW_ID\",\"method\":\"in_person\"}"   # assurance_level 2

echo "== Signing in with the national e-ID (the development provider, started with the app on loopback)"
call 403 "$B/me/health/summary" -H "Authorization: Bearer $(tok 001195007777 Hanoi@2024)"   # level 1: assurance_level_required, how: eid, counter
call 200 "$B/auth/eid/authorize?redirect_uri=ihanoi://eid-callback&login_hint=$NEW_ID"   # {authorization_url, expires_at}
EID_URL=$(val 'd["authorization_url"]')
EID_BACK=$(curl -s -o /dev/null -D - "$EID_URL" | sed -n 's/^[Ll]ocation: //p' | tr -d '\r')   # the provider consents at once: ihanoi://eid-callback?code=...&state=...
EID_BODY=$(python3 -c 'import json, sys, urllib.parse as u; q = dict(u.parse_qsl(u.urlsplit(sys.argv[1]).query)); print(json.dumps({"code": q["code"], "state": q["state"]}))' "$EID_BACK")
call 200 "$B/auth/eid/callback" -H "$JSON" -d "$EID_BODY"          # token pair, account_created false, assurance_level 2
E=$(val 'd["access_token"]')
call 400 "$B/auth/eid/callback" -H "$JSON" -d "$EID_BODY"          # eid_state_invalid: a state is used once
call 200 "$B/me/security-events" -H "Authorization: Bearer $E"     # sign_in, new_device, level_changed, ...

echo "== Health records"
T=$(tok 001185004321 Hanoi@2024); D=$(tok 001082004444 Doctor@2024)
call 200 "$B/me/health/summary" -H "Authorization: Bearer $T"           # latest vitals, I10 + E78, allergy, last visit
call 200 "$B/me/health/observations?code=8480-6&limit=2" -H "Authorization: Bearer $T"
OBSERVATION=$(val 'd["items"][0]["id"]')
call 200 "$B/me/health/summary?subject=001215006789" -H "Authorization: Bearer $T"   # the child, as guardian
call 200 "$B/me/health/fhir" -H "Authorization: Bearer $T"              # FHIR R4 Bundle (collection)
call 403 "$B/providers/patients/001185004321/summary" -H "Authorization: Bearer $D"   # consent_required
call 200 -X PUT "$B/me/health/consents/TTYT-CAUGIAY" -H "Authorization: Bearer $T" \
  -H "$JSON" -d "{\"expires_at\":\"$(days 180)T00:00:00+07:00\"}"
call 200 "$B/providers/patients/001185004321/summary" -H "Authorization: Bearer $D"   # 200 now, and logged
call 200 "$B/providers/patient/summary?emergency_reason=unconscious" -H "Authorization: Bearer $D" \
  -H "X-Subject: 001185004321" -H "X-Subject-Birth-Date: 1985-03-14"   # the ID number out of the URL; date as on the card
call 200 "$B/me/health/access-log" -H "Authorization: Bearer $T"        # who read it, why, when
call 422 "$B/providers/patients/001185004321/records" -H "Authorization: Bearer $D" \
  -H "$JSON" -H "Idempotency-Key: visit-$RUN" -H "X-Subject-Birth-Date: 1985-03-14" \
  -d "{\"observations\":[{\"code\":\"8310-5\",\"value\":95,\"unit\":\"Cel\",\"effective_at\":\"$(days -1)T08:00:00+07:00\",\"source_id\":\"t-$RUN\"}]}"
# -> {"errors":{"observations.0.value":["Nhiệt độ cơ thể 95 Cel không hợp lý (giới hạn từ 25 đến 45)."]}}
call 201 "$B/me/health/correction-requests" -H "Authorization: Bearer $T" -H "$JSON" \
  -d "{\"resource_type\":\"observation\",\"resource_id\":\"$OBSERVATION\",\"reason\":\"I measured 124 at home\"}"   # acknowledge_by, resolve_by
CORRECTION=$(val 'd["id"]')
call 200 -X POST "$B/providers/correction-requests/$CORRECTION/acknowledge" -H "Authorization: Bearer $D"
call 200 "$B/providers/correction-requests/$CORRECTION/resolve" -H "Authorization: Bearer $D" \
  -H "$JSON" -d '{"outcome":"refused","note":"The reading was taken twice at the visit."}'
call 204 -X DELETE "$B/me/health/consents/TTYT-CAUGIAY" -H "Authorization: Bearer $T"   # consent revoked

echo "== Free digital signatures"
T=$(tok 001192007777 Trang@2024); O=$(tok 001080001111 Officer@2024)
call 200 "$B/service-counters?agency_code=UBND-00004"
call 200 "$B/me/signature-requests" -H "Authorization: Bearer $T"       # Trang's pending demo request
DAY=$(val 'next(r["appointment_date"] for r in d["items"] if r["status"] == "submitted")')   # a business day ahead
call 409 -X POST "$B/signature-requests" -H "Authorization: Bearer $T" -H "Idempotency-Key: r-$RUN" \
  -H "$JSON" -d "{\"provider_code\":\"VNPT-CA\",\"counter_code\":\"MC-P-BADINH\",\"appointment_date\":\"$DAY\"}"
# -> open_request_exists: Trang already has the demo pending request
call 200 "$B/officer/signature-requests?status=submitted" -H "Authorization: Bearer $O"
REQUEST=$(val 'next(r["id"] for r in d["items"] if r["applicant_id_masked"].endswith("7777"))')
call 200 -X POST "$B/signature-requests/$REQUEST/approve" -H "Authorization: Bearer $O"   # in-person check: level 2 + certificate
call 200 "$B/me/certificates" -H "Authorization: Bearer $T"
SERIAL=$(val 'next(c["serial"] for c in d["items"] if c["status"] == "valid")')
call 202 -X POST "$B/signatures/challenges" -H "Authorization: Bearer $T"    # OTP to the phone (debug_otp in dev)
CHALLENGE=$(val 'd["challenge_id"]'); OTP=$(val 'd["debug_otp"]')
OUT=$WORK/signed.pdf call 200 -X POST "$B/signatures/sign" -H "Authorization: Bearer $T" \
  -F challenge_id="$CHALLENGE" -F otp="$OTP" -F file=@"$SAMPLE_PDF"
call 200 -X POST "$B/signatures/verify" -F file=@"$WORK/signed.pdf"   # {"valid":true,"intact":true,"chain_trusted":true,...}
[ "$(val 'd["valid"] and d["intact"] and d["chain_trusted"]')" = True ] || { echo "tour: signature not valid" >&2; false; }
call 200 -X POST "$B/certificates/$SERIAL/revoke" -H "Authorization: Bearer $T" \
  -H "$JSON" -d '{"reason":"key_compromise"}'
OUT=$WORK/city.crl call 200 "$B/ca/crl"
if command -v openssl >/dev/null; then openssl crl -inform DER -noout -in "$WORK/city.crl" -lastupdate -nextupdate; fi
call 201 -X POST "$B/signature-requests" -H "Authorization: Bearer $T" -H "Idempotency-Key: r2-$RUN" \
  -H "$JSON" -d "{\"provider_code\":\"VNPT-CA\",\"counter_code\":\"MC-P-BADINH\",\"appointment_date\":\"$DAY\"}"
# -> Trang asks again (the certificate is revoked): the demo has its pending request back

echo "== Online issuance for level 2, a timestamped signature, OCSP, archiving"
# The new resident signed in with the e-ID (level 2, $E): no counter visit, a texted code instead.
call 202 -X POST "$B/signature-requests" -H "Authorization: Bearer $E" -H "Idempotency-Key: o-$RUN" \
  -H "$JSON" -d '{"provider_code":"VNPT-CA","channel":"online"}'   # {id, challenge_id, expires_at, debug_otp}
ONLINE=$(val 'd["id"]'); OTP=$(val 'd["debug_otp"]')
call 200 -X POST "$B/signature-requests/$ONLINE/confirm" -H "Authorization: Bearer $E" \
  -H "$JSON" -d "{\"otp\":\"$OTP\"}"                                # status issued, certificate_serial: issued at once
call 200 "$B/me/certificates" -H "Authorization: Bearer $E"             # ECDSA P-256, with OCSP and CRL addresses
val 'd["items"][0]["pem"]' > "$WORK/leaf.pem"
call 202 -X POST "$B/signatures/challenges" -H "Authorization: Bearer $E"
CHALLENGE=$(val 'd["challenge_id"]'); OTP=$(val 'd["debug_otp"]')
OUT=$WORK/stamped.pdf call 200 -X POST "$B/signatures/sign" -H "Authorization: Bearer $E" \
  -F challenge_id="$CHALLENGE" -F otp="$OTP" -F level=B-T -F file=@"$SAMPLE_PDF"   # PAdES B-T: the city TSA's timestamp
call 200 -X POST "$B/signatures/verify" -F file=@"$WORK/stamped.pdf"   # level B-T, signed_at_source: timestamp
[ "$(val 'd["valid"] and d["signed_at_source"] == "timestamp"')" = True ] || { echo "tour: no trusted timestamp" >&2; false; }
call 200 "$B/ca/certificates"                                          # {root, issuing, certificates}: the chain in the open
val 'd["root"]' > "$WORK/root.pem"; val 'd["issuing"]' > "$WORK/issuing.pem"
if command -v openssl >/dev/null; then   # the OCSP responder the certificate names, asked and checked by openssl
  openssl ocsp -url "$(openssl x509 -in "$WORK/leaf.pem" -noout -ocsp_uri)" \
    -issuer "$WORK/issuing.pem" -cert "$WORK/leaf.pem" \
    -CAfile "$WORK/root.pem" -verify_other "$WORK/issuing.pem" -no_nonce 2>&1 | tee "$WORK/ocsp.txt"   # Response verify OK; leaf.pem: good
  grep -q "Response verify OK" "$WORK/ocsp.txt" && grep -q ": good" "$WORK/ocsp.txt" || { echo "tour: OCSP not good" >&2; false; }
fi
OUT=$WORK/archived.pdf call 200 -X POST "$B/signatures/archive" -H "Authorization: Bearer $E" -F file=@"$WORK/stamped.pdf"
call 200 -X POST "$B/signatures/verify" -F file=@"$WORK/archived.pdf"  # level B-LTA, document_timestamps: the TSA's
[ "$(val 'd["valid"] and d["level"] == "B-LTA" and len(d["document_timestamps"]) == 1')" = True ] || { echo "tour: not B-LTA" >&2; false; }

echo "== Public-service dossiers"
T=$(tok 001185004321 Hanoi@2024); KEY=$("$FLASK" --app wsgi agency-keys create UBND-00004)
call 200 "$B/procedures?q=ho%20kinh%20doanh"
call 200 "$B/procedures/2.000488/form?prefill=true" -H "Authorization: Bearer $T"
# -> {form: {applicant_full_name: "Nguyễn Thị Hoa", applicant_date_of_birth, applicant_national_id, ...}, prefilled}
call 201 "$B/dossiers" -H "Authorization: Bearer $T" -H "Idempotency-Key: k-$RUN" -H "$JSON" \
  -d '{"procedure_code":"2.000720","form":{"business_name":"Quán phở Hoa","address":"12 Phúc Xá",
       "lines_of_business":["Ăn uống"],"capital_vnd":50000000}}'           # {code, status, due_at}
CODE=$(val 'd["code"]')
call 201 "$B/dossiers/$CODE/documents" -H "Authorization: Bearer $T" \
  -F component_code=HD-THUE -F "file=@$SAMPLE_PDF;filename=hợp đồng thuê nhà.pdf"   # type read from the bytes
DOC=$(val 'd["id"]')
OUT=$WORK/lease.pdf call 200 "$B/dossiers/$CODE/documents/$DOC" -H "Authorization: Bearer $T"
OUT=$WORK/application.pdf call 200 "$B/dossiers/$CODE/application.pdf" -H "Authorization: Bearer $T"   # the tờ khai
call 202 -X POST "$B/signatures/challenges" -H "Authorization: Bearer $T"    # Hoa signs it with her demo certificate
CHALLENGE=$(val 'd["challenge_id"]'); OTP=$(val 'd["debug_otp"]')
OUT=$WORK/application-signed.pdf call 200 -X POST "$B/signatures/sign" -H "Authorization: Bearer $T" \
  -F challenge_id="$CHALLENGE" -F otp="$OTP" -F file=@"$WORK/application.pdf"
call 201 "$B/dossiers/$CODE/signed-application" -H "Authorization: Bearer $T" \
  -F "file=@$WORK/application-signed.pdf"          # {signed: true, signer_name, certificate_serial, verifies: true}
call 201 -X POST "$B/dossiers/$CODE/payments" -H "Authorization: Bearer $T" -H "Idempotency-Key: p-$RUN"
# -> the fee (the dossier was filed payment_requested): {amount_vnd, qr_payload (VietQR), pay_url, expires_at}
PAY=$(val 'd["id"]'); PAY_URL=$(val 'd["pay_url"]')
call 200 -X POST "${PAY_URL%/pay/*}/payments/${PAY_URL##*/}/paid"   # development gateway: paid; it calls back
OUT=$WORK/receipt.pdf call 200 "$B/dossiers/$CODE/payments/$PAY/receipt" -H "Authorization: Bearer $T"
call 200 "$B/me/dossiers?status=submitted" -H "Authorization: Bearer $T"
call 200 "$B/agency/dossiers/$CODE/transitions" -H "Authorization: ApiKey $KEY" -H "Idempotency-Key: t-$RUN" \
  -H "$JSON" -d '{"to":"received"}'                                        # due_at counted in business days
NEW_DUE=$(python3 -c 'import datetime, sys; print((datetime.datetime.fromisoformat(sys.argv[1]) + datetime.timedelta(days=7)).isoformat())' "$(val 'd["due_at"]')")
call 409 "$B/agency/dossiers/$CODE/transitions" -H "Authorization: ApiKey $KEY" -H "$JSON" \
  -d '{"to":"returned"}'   # {"code":"invalid_transition","current":"received","allowed":["processing","rejected","withdrawn"]}
call 201 "$B/agency/dossiers/$CODE/extensions" -H "Authorization: ApiKey $KEY" -H "$JSON" \
  -d "{\"new_due_at\":\"$NEW_DUE\",\"apology\":\"Thành thật xin lỗi ông/bà...\"}"
call 200 "$B/agency/dossiers/$CODE" -H "Authorization: Bearer $(tok 001080001111 Officer@2024)"
[ "$(val 'd["signed_application"]["verifies"]')" = True ] || { echo "tour: the signed application does not verify" >&2; false; }
call 200 "$B/agency/dossiers/$CODE/transitions" -H "Authorization: ApiKey $KEY" -H "$JSON" -d '{"to":"processing"}'
call 201 "$B/agency/dossiers/$CODE/result" -H "Authorization: ApiKey $KEY" \
  -F "file=@$SAMPLE_PDF;filename=giấy chứng nhận hộ kinh doanh.pdf"    # sealed in the agency's name (PAdES)
OUT=$WORK/result.pdf call 200 "$B/dossiers/$CODE/result" -H "Authorization: Bearer $T"
call 200 "$B/signatures/verify" -F "file=@$WORK/result.pdf"   # signer_name: the agency; intact: true
call 200 "$B/public/dossiers/$CODE?id_last4=4321"                       # status only, nothing personal
call 200 "$B/me/notifications" -H "Authorization: Bearer $T"             # one entry per change, unread_count

echo "== Metrics"
A=$(tok 001190002222 Analyst@2024)
call 200 "$B/metrics/indicators?period=2024&level=district" -H "Authorization: Bearer $A"
OUT=$WORK/dti.csv call 200 "$B/metrics/indicators?period=2024-Q3&format=csv" -H "Authorization: Bearer $A"   # UTF-8 + BOM
call 200 "$B/metrics/usage?from=2024-11-01&to=2024-11-30&unit_code=005" -H "Authorization: Bearer $A"

echo "tour: every step answered as expected"
