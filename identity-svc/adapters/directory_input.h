#pragma once
// Validation of operator imports: proto items -> directory records, with every problem reported
// as a violation on the item's field path ("organizations[3].identifier.kbo_number").

#include <string>
#include <vector>

#include "identity-svc/domain/email_address.h"
#include "identity-svc/domain/model.h"
#include "wse/identity/v1/directory.pb.h"

namespace wse::identity {

inline constexpr int kMaxImportBatch = 1000;

struct ItemViolation {
  std::string field;
  std::string reason;       // UPPER_SNAKE
  std::string description;  // Dutch, for the operator.
};

// Returns the record (id left empty) or fills `violations`.
PersonRecord PersonFromImport(const v1::Person& item, const std::string& path,
                              std::vector<ItemViolation>* violations);
OrganizationRecord OrganizationFromImport(const v1::Organization& item, const std::string& path,
                                          std::vector<ItemViolation>* violations);

// Shared field checks (also used by other inputs).
bool IsE164Phone(const std::string& phone);
bool IsValidUtf8(const std::string& text);

}  // namespace wse::identity
