#include "tests/reliability/revocation_history.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wse::testing {
namespace {

// When a write must be visible to reads that start later.
absl::Time VisibleBy(const WriteOp& write, absl::Duration lease) {
  return write.answered ? write.completed : write.completed + lease;
}

double Ms(absl::Time t, absl::Time origin) { return absl::ToDoubleMilliseconds(t - origin); }

}  // namespace

const char* WriteKindName(WriteKind kind) {
  switch (kind) {
    case WriteKind::kCreateRelation:
      return "CreateWorkRelation";
    case WriteKind::kGrant:
      return "CreateGrant";
    case WriteKind::kRevoke:
      return "RevokeGrant";
    case WriteKind::kEndRelation:
      return "EndWorkRelation";
  }
  return "?";
}

CheckResult CheckHistory(std::vector<WriteOp> writes, std::vector<ReadOp> reads,
                         absl::Duration lease) {
  CheckResult result;
  // Per subject, the writes that took effect, in the order they were issued.
  std::map<int, std::vector<WriteOp>> applied;
  std::sort(writes.begin(), writes.end(),
            [](const WriteOp& a, const WriteOp& b) { return a.invoked < b.invoked; });
  for (WriteOp& w : writes) {
    if (w.applied) applied[w.subject].push_back(std::move(w));
  }
  for (const ReadOp& read : reads) {
    ++result.reads_checked;
    const std::vector<WriteOp>& history = applied[read.subject];
    // The last write that must be visible when the read started (none: the initial state,
    // nothing allowed).
    int last_visible = -1;
    for (int i = 0; i < static_cast<int>(history.size()); ++i) {
      if (VisibleBy(history[i], lease) <= read.invoked) last_visible = i;
    }
    bool may_allow = last_visible >= 0 && history[last_visible].allowed_after;
    bool may_refuse = !may_allow;
    // Later writes issued before the read returned may have been seen already.
    for (int i = last_visible + 1; i < static_cast<int>(history.size()); ++i) {
      if (history[i].invoked >= read.completed) break;
      (history[i].allowed_after ? may_allow : may_refuse) = true;
    }
    if (!may_allow && last_visible > 0) ++result.reads_after_revoke;
    if ((read.allowed && may_allow) || (!read.allowed && may_refuse)) continue;
    Violation v;
    v.stale_allow = read.allowed;
    v.read = read;
    v.lease = lease;
    if (last_visible >= 0) v.must_see = history[last_visible];
    (v.stale_allow ? result.stale_allows : result.stale_denies)++;
    if (++result.by_cause[Cause(v)] <= 100) result.violations.push_back(std::move(v));
  }
  return result;
}

std::string Cause(const Violation& violation) {
  if (!violation.must_see) return "initial state";
  return absl::StrCat(violation.stale_allow ? "allowed after " : "refused after ",
                      WriteKindName(violation.must_see->kind),
                      violation.must_see->answered ? "" : " (no answer)");
}

std::string Describe(const Violation& violation, absl::Time origin) {
  const ReadOp& r = violation.read;
  std::string out = absl::StrFormat(
      "%s: subject %d, CheckPermission on replica %d [%.1f .. %.1f ms] answered %s "
      "(revision %d); ",
      violation.stale_allow ? "STALE ALLOW" : "stale deny", r.subject, r.replica,
      Ms(r.invoked, origin), Ms(r.completed, origin), r.allowed ? "allowed" : "refused",
      r.revision);
  if (!violation.must_see) return out + "no write had taken effect";
  const WriteOp& w = *violation.must_see;
  absl::StrAppendFormat(&out, "%s through replica %d [%.1f .. %.1f ms] %s, to be seen from %.1f ms",
                        WriteKindName(w.kind), w.replica, Ms(w.invoked, origin),
                        Ms(w.completed, origin),
                        w.answered ? "answered OK" : "failed without answer (" + w.error + ")",
                        Ms(VisibleBy(w, violation.lease), origin));
  return out;
}

}  // namespace wse::testing
