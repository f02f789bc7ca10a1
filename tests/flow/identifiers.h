#pragma once
// Fresh identifiers for test and benchmark data: valid by the Belgian check-digit rules, unique
// within one process (a counter walked from a random start) and unlikely to meet another
// process's, so runs never collide with each other or with seeded data. Thread-safe.

#include <string>

namespace wse::flow {

std::string NewInsz();               // National register number, born 1950-1999.
std::string NewKboNumber();          // Enterprise number (0 + 7 digits + check).
std::string NewInstitutionNumber();  // Six digits, 100000-999999.
std::string NewOdbNumber();          // "ODB-F" + ten digits.
std::string NewRequestId();          // 16 + 16 hex digits (idempotency keys, x-request-id).
std::string CurrentSchoolYear();     // "2026-2027": 1 September - 31 August, UTC.

}  // namespace wse::flow
