#pragma once
// The one check of an e-mail address the suite will mail: identity-svc applies it to what it
// stores (imports, the identity provider's claim, addresses people give), notify-svc to every
// recipient, so an address accepted upstream is never refused when the mail leaves.

#include "absl/strings/string_view.h"

namespace wse {

// RFC 5322 dot-atom local part (at most 64 characters, no leading, trailing or double dot), a
// domain of at least two LDH labels (letters, digits, hyphens; at most 63 each), at most 254
// characters in all. No spaces, quotes, comments or non-ASCII: what every SMTP server takes.
bool IsDeliverableEmailAddress(absl::string_view address);

// An RFC 5322 `atext` character.
bool IsAtext(char c);

}  // namespace wse
