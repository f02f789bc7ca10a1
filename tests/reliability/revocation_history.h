#pragma once
// The recorded history of a randomized fault run against rights-svc replicas
// (revocation_fault_test.cc), and the checker over it.
//
// Each subject is one person in one organisation: "allowed" (vov.registration.write) holds when
// the person has an active work relation and an active grant there. Writes to one subject are
// issued one after another (the next only once the previous one's outcome is known: from its
// answer, or for a write without an answer from the database afterwards); reads run all the time
// on every replica.
//
// What the checker demands of a read that returned an answer (times are the test's clock, which
// is the services' clock too: one machine):
//   - a write answered OK is visible to every read that started after the answer came back;
//   - a write whose caller never got an answer (the writer was killed, the database failed) but
//     that did commit is visible to every read that started more than one lease after the
//     caller saw the failure (which is no earlier than the commit: a bound in the services'
//     favour by the time between the commit and that failure);
//   - a read may also see any write issued before it returned (it ran concurrently).
// A read answering allowed where only "refused" is possible is a stale allow (a revoked grant or
// an ended work relation honoured): the failure this test exists for. The reverse is a stale
// deny (a grant that did not count yet after its RPC returned): also reported.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace wse::testing {

enum class WriteKind { kCreateRelation, kGrant, kRevoke, kEndRelation };
const char* WriteKindName(WriteKind kind);

struct WriteOp {
  int subject = 0;
  WriteKind kind = WriteKind::kGrant;
  int replica = 0;
  absl::Time invoked, completed;
  bool answered = false;       // The RPC returned OK.
  bool applied = false;        // It took effect (the answer, or the database afterwards).
  bool allowed_after = false;  // The subject's "allowed" once applied.
  std::string error;           // When not answered.
};

struct ReadOp {
  int subject = 0;
  int replica = 0;
  absl::Time invoked, completed;
  bool allowed = false;
  int64_t revision = 0;
};

struct Violation {
  bool stale_allow = false;  // Otherwise a stale deny.
  ReadOp read;
  std::optional<WriteOp> must_see;  // The write the read should have seen (none: initial state).
  absl::Duration lease;
};

struct CheckResult {
  std::vector<Violation> violations;
  int64_t stale_allows = 0, stale_denies = 0, reads_checked = 0;
  // Reads that had to answer "refused" because a revoke or an ended relation came before them
  // (what the run had to test: zero would mean the checker was never put to work).
  int64_t reads_after_revoke = 0;
  // Violations counted by Cause (all of them; `violations` keeps the first 100 of each cause).
  std::map<std::string, int64_t> by_cause;
};

// "allowed after RevokeGrant (no answer)", "refused after CreateGrant", "initial state", ...
std::string Cause(const Violation& violation);

// `lease`: the replicas' --replica_lease, the bound for writes without an answer.
CheckResult CheckHistory(std::vector<WriteOp> writes, std::vector<ReadOp> reads,
                         absl::Duration lease);

std::string Describe(const Violation& violation, absl::Time origin);

}  // namespace wse::testing
