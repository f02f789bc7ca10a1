#!/usr/bin/env bash
# Regenerates the committed seed corpora (fuzz/corpus/<fuzzer>/): a few valid and near-valid
# inputs per fuzzer, proto messages encoded from text format with protoc. Run after changing
# the protos' fields used here; libFuzzer grows its own corpus from these during a run.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=..
C=corpus
# Inputs that once failed (regression_*) are kept; everything else is made anew.
mkdir -p "$C"; find "$C" -type f ! -name 'regression_*' -delete
seed() { # fuzzer name bytes...
  mkdir -p "$C/$1"; printf '%b' "$3" >"$C/$1/$2"
}
encode() { # fuzzer name prefix-bytes message-type proto-file text
  mkdir -p "$C/$1"
  { printf '%b' "$3"; printf '%s' "$6" | protoc -I"$ROOT/proto" --encode="$4" "$ROOT/proto/$5"; } \
    >"$C/$1/$2"
}

F=identifiers_fuzzer
seed $F insz '75031512353'; seed $F insz_dots '85.07.30-033.28'; seed $F bis '75231512354'
seed $F born2000 '00010112318'; seed $F kbo 'BE 0412.345.614'; seed $F kbo9 '412345614'
seed $F institution '123456'; seed $F junk '12345678901'

F=jwt_verifier_fuzzer
seed $F garbage '\x00eyJhbGciOiJFUzI1NiIsImtpZCI6ImZ1enota2V5LTEifQ.eyJzdWIiOiJ4In0.c2ln'
seed $F none_alg '\x00eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'
seed $F jwks_ec '\x01{"keys":[{"alg":"ES256","crv":"P-256","kid":"k1","kty":"EC","use":"sig","x":"NMNLyU47st4Z5v-37t-NRY50oQeU7e--G8dnzqNxtSs","y":"DJ0Kv1WoryD6AvLD9w971G2Zjvs67EwJ1seaY_xj-GI"}]}'
seed $F jwks_rsa '\x01{"keys":[{"alg":"RS256","kty":"RSA","kid":"r1","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}'
seed $F base64 '\x02aGVsbG8gd29ybGQ'
seed $F claims_ok '\x03{}\n{"iss":"https://identity.wse-loket.invalid","aud":"wse-loket","sub":"p1","sid":"s1","jti":"j1","acr":"eid","iat":1800000000,"exp":1800000600,"org":"organizations/o1"}'
seed $F claims_aud_array '\x03{"typ":"at+jwt"}\n{"iss":"https://identity.wse-loket.invalid","aud":["x","wse-loket"],"sub":"p1","sid":"s1","exp":1800000600,"nbf":1799999990}'
seed $F claims_types '\x03{"kid":7}\n{"iss":"https://identity.wse-loket.invalid","aud":"wse-loket","sub":5,"sid":null,"exp":"1800000600","iat":1.5e300}'

F=registration_names_fuzzer
for n in organizations/o1 trainings/ODB-Y000123 organizations/o1/drafts/d1 \
         organizations/o1/drafts/d1/participants/p1 organizations/o1/registrations/r1@2 \
         organizations/o1/registrations/r1/receipts/1 2025-2026 persons/abc; do
  seed $F "$(echo "$n" | tr '/@' '__')" "$n"
done

F=registration_input_fuzzer
P='insz: "75031512353" display_name: "Jan Peeters" attendance { hours_present: 36 contact_hours_to_follow: 40 unjustified_absence_hours: 2 } final_assessment: FINAL_ASSESSMENT_PARTICIPATED route_completed: true exam_contract: false'
encode $F participant '\x00\x01' wse.registration.v1.Participant wse/registration/v1/participant.proto "$P"
encode $F participation '\x00\x03' wse.registration.v1.Participant wse/registration/v1/participant.proto \
  'insz: "85.07.30-033.28" display_name: "An" participation { participated: true completed_module_codes: "M1" } actual_end_date { year: 2026 month: 2 day: 29 }'
encode $F rows '\x01\x01' wse.registration.v1.ParticipantRowBatch wse/registration/v1/participant.proto \
  "rows { row_number: 2 participant { $P } } rows { row_number: 3 participant { $P } }"
encode $F training '\x02\x00' wse.registration.v1.Training wse/registration/v1/training.proto \
  'odb_number: "ODB-D004567" provider_organization: "organizations/o1" title: "Webontwikkeling" type: TRAINING_TYPE_CONTACT_HOURS planned_hours: 60 delivery_mode: DELIVERY_MODE_DISTANCE recognition_start_date { year: 2020 month: 9 day: 1 } modules { code: "M1" title: "HTML" hours: 30 }'

F=identity_import_fuzzer
encode $F person '\x00' wse.identity.v1.Person wse/identity/v1/directory.proto \
  'insz: "75031512353" given_name: "Marie" family_name: "Lambert" email_address: "marie@school.example" phone_number: "+32470123456" preferred_locale: "nl"'
encode $F organization '\x01' wse.identity.v1.Organization wse/identity/v1/directory.proto \
  'identifier { kbo_number: "0412345614" } display_name: "Atheneum Demo" kind: ORGANIZATION_KIND_SCHOOL email_address: "info@atheneum.example" legal_representatives { insz: "75031512353" }'
seed $F email '\x02a.b+c@example.be'

F=rights_request_fuzzer
seed $F etag '\x00v12'; seed $F etag_big '\x00v9223372036854775807'
encode $F validity '\x01' wse.rights.v1.ValidityPeriod wse/rights/v1/validity.proto \
  'start_time { seconds: 1700000000 } end_time { seconds: 1800000000 nanos: 5 }'
seed $F name '\x02organizations/abc-DEF_1'
seed $F route '\x03/wse.registration.v1.RegistrationService/ListDrafts'
seed $F route_open '\x03/wse.identity.v1.IdentityService/ExchangeIdToken'
echo "seeds: $(find "$C" -type f | wc -l) files"
