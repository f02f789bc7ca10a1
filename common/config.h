#pragma once
// Configuration = absl flags, settable from the environment as WSE_<FLAG_NAME_UPPER>.
// Precedence: command line > environment > default. Unknown flags, unknown WSE_* variables and
// unparsable values stop the program with a one-line reason and exit code 2, before anything
// starts; semantic checks (ranges, files) use RequireConfig() in the same way.

#include "absl/strings/string_view.h"

namespace wse {

// Parses argv and the environment; exits(2) on any problem.
void ParseConfig(int argc, char** argv, absl::string_view usage);

// Exits(2) with "<program>: invalid configuration: <reason>" unless `ok`.
void RequireConfig(bool ok, absl::string_view reason);

// Reads a whole secret file (DB password, key material), trimming one trailing newline.
// Exits(2) with a clear reason if the file cannot be read.
std::string ReadSecretFile(absl::string_view flag_name, absl::string_view path);

// Bits of randomness a bearer credential can at most carry, judged by its alphabet: 4 per
// character of hex, 6 of base64 / base64url; none for any other alphabet (a phrase, a JWT-shaped
// value), for fewer than 8 distinct characters or for one word repeated ("changeme..."). Only
// a shape check: a hex digest of a password passes, so make tokens with `openssl rand`.
int CredentialStrengthBits(absl::string_view credential);

// ReadSecretFile for a bearer credential (operator or service token): exits(2) with one line
// unless it can carry at least 256 random bits (`openssl rand -hex 32` or more).
std::string ReadCredentialFile(absl::string_view flag_name, absl::string_view path);

}  // namespace wse
