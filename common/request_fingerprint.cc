#include "common/request_fingerprint.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"

namespace wse {

std::string RequestFingerprint(std::initializer_list<absl::string_view> fields) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (absl::string_view field : fields) {
    const std::string length = absl::StrCat(field.size(), ":");
    EVP_DigestUpdate(ctx.get(), length.data(), length.size());
    EVP_DigestUpdate(ctx.get(), field.data(), field.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &size);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

absl::Status RequestIdReused() {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument,
                      "request_id was already used for a different request")
      .Violation("request_id",
                 "already used for a different request; resend that request unchanged or use a "
                 "new request_id")
      .Reason("REQUEST_ID_REUSED")
      .Dutch("Deze aanvraag-id werd al voor een andere aanvraag gebruikt.");
}

absl::Status CheckSameRequest(absl::string_view recorded, absl::string_view fingerprint) {
  if (recorded.empty() || fingerprint.empty() || recorded == fingerprint) {
    return absl::OkStatus();
  }
  return RequestIdReused();
}

}  // namespace wse
