// rights-svc's request parsing over arbitrary input: etags (VersionFromEtag), validity periods
// from arbitrary Timestamps (ValidityFromProto), resource names, and the gateway route table
// (Catalogue::RouteFor, which ext_authz applies to every proxied path).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "common/resource_name.h"
#include "fuzz/fuzz_check.h"
#include "rights-svc/adapters/convert.h"
#include "rights-svc/domain/catalogue.h"

namespace {

const wse::rights::Catalogue& TheCatalogue() {
  static const wse::rights::Catalogue* const catalogue = [] {
    std::ifstream in(WSE_CATALOGUE_JSON);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = wse::rights::Catalogue::FromJson(text.str());
    FUZZ_CHECK(parsed.ok());
    return new wse::rights::Catalogue(*std::move(parsed));
  }();
  return *catalogue;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 4;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode) {
    case 0: {
      auto version = wse::rights::VersionFromEtag(text, "etag");
      if (version.ok()) {
        FUZZ_CHECK(*version >= 1);
        auto again = wse::rights::VersionFromEtag(wse::rights::Etag(*version), "etag");
        FUZZ_CHECK(again.ok() && *again == *version);
      }
      break;
    }
    case 1: {
      wse::rights::v1::ValidityPeriod period;
      if (!period.ParseFromString(text)) return 0;
      for (bool present : {false, true}) {
        auto validity = wse::rights::ValidityFromProto(period, present, "validity");
        if (!validity.ok()) {
          FUZZ_CHECK(validity.status().code() == absl::StatusCode::kInvalidArgument);
          continue;
        }
        if (validity->from && validity->until) FUZZ_CHECK(*validity->until > *validity->from);
        if (validity->from) FUZZ_CHECK(*validity->from != absl::InfiniteFuture());
      }
      break;
    }
    case 2: {
      for (const char* collection : {"organizations", "persons", "grants", "workRelations"}) {
        auto id = wse::IdFromName(text, collection, "name");
        if (id.ok()) FUZZ_CHECK(!id->empty() && id->find('/') == std::string::npos);
      }
      break;
    }
    default: {
      const wse::rights::RouteRule* route = TheCatalogue().RouteFor(text);
      // Whatever the path, a route is one of the catalogue's, and an unknown service is refused.
      if (route != nullptr) FUZZ_CHECK(text.rfind("/", 0) == 0);
      break;
    }
  }
  return 0;
}
