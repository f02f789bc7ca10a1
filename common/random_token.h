#pragma once
// Unguessable tokens from OpenSSL's generator (credentials such as a lease holder's push token).

#include <string>

namespace wse {

// `bytes` random bytes as lower-case hex (2 * bytes characters); aborts if OpenSSL has no
// randomness, since a predictable credential is worse than none.
std::string RandomHexToken(int bytes);

}  // namespace wse
