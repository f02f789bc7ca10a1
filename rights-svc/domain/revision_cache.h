#pragma once
// The organisation revisions a rights-svc replica remembers, so that CheckPermission needs no
// database round trip while nothing changed (grant_cache.h keys the grants by revision). Keys are
// organisation ids; kept true by the replicas' leases (common/leased_cache.h, replica_leases.h).

#include <cstdint>

#include "common/leased_cache.h"

namespace wse::rights {

using RevisionCache = LeasedCache<int64_t>;

}  // namespace wse::rights
