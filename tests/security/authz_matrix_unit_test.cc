// The authorization matrix cannot forget an RPC: every method of every covered service, as the
// generated descriptors list them, must have its row (and every row must name a real method whose
// request type its builder produces). A new RPC without a row fails here, before any stack runs.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/security/authz_matrix.h"

namespace wse::testing::security {
namespace {

TEST(AuthzMatrixTableTest, EveryMethodOfEveryServiceHasARow) {
  const auto& services = CoveredServices();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::map<std::string, int> rows;
  std::set<std::string> answered_by;  // A method may be served by several services (targets).
  for (const Row& row : MatrixRows()) {
    ++rows[absl::StrCat(row.service, "/", row.method)];
    EXPECT_TRUE(
        answered_by.insert(absl::StrCat(row.service, "/", row.method, "@", row.target)).second)
        << row.service << "/" << row.method << " has two rows for " << row.target;
  }
  // wse.rights.v1.ReplicaCacheService/InvalidateRevisions is served by rights-svc's replicas and
  // by registration-svc (its kept permission answers).
  const std::map<std::string, int> kServedTwice = {
      {"wse.rights.v1.ReplicaCacheService/InvalidateRevisions", 2}};
  int methods = 0;
  for (const std::string& name : services) {
    const auto* service = pool->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name << " is not in the generated descriptor pool";
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string key = absl::StrCat(name, "/", service->method(i)->name());
      const auto twice = kServedTwice.find(key);
      EXPECT_EQ(rows[key], twice == kServedTwice.end() ? 1 : twice->second)
          << key
          << ": add exactly one row per serving service to tests/security/authz_matrix_table.cc "
             "with the expected status for every principal";
      ++methods;
    }
  }
  // 14 identity + 20 rights + 20 registration + 6 notify + ext_authz + membership + replica cache.
  EXPECT_GE(methods, 63);
}

TEST(AuthzMatrixTableTest, EveryRowNamesARealMethodAndBuildsItsRequestType) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  World world;
  world.fresh_id_token = [] { return std::string("id-token"); };
  world.fresh_refresh_token = [] { return std::string("refresh-token"); };
  world.training_a = "trainings/ODB-X0000000001";
  for (const Row& row : MatrixRows()) {
    const auto* service = pool->FindServiceByName(row.service);
    ASSERT_NE(service, nullptr) << row.service;
    const auto* method = service->FindMethodByName(row.method);
    ASSERT_NE(method, nullptr) << row.service << "/" << row.method << " does not exist";
    EXPECT_FALSE(method->server_streaming()) << row.method
                                             << ": the harness calls unary and "
                                                "client-streaming methods only";
    for (int p = 0; p < kPrincipalCount; ++p) {
      Messages requests = row.request(world, static_cast<Principal>(p));
      ASSERT_FALSE(requests.empty()) << row.method;
      if (!method->client_streaming()) {
        EXPECT_EQ(requests.size(), 1u) << row.method;
      }
      for (const auto& r : requests) {
        EXPECT_EQ(r->GetDescriptor(), method->input_type()) << row.method;
      }
      const Cell& cell = row.cells[static_cast<size_t>(p)];
      if (cell.now) {
        EXPECT_NE(*cell.now, cell.want) << row.method;
        EXPECT_FALSE(cell.why.empty()) << row.method << ": a deviation needs its reason";
      }
    }
  }
}

}  // namespace
}  // namespace wse::testing::security
