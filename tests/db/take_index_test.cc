// What a take reads on PostgreSQL (db/host_leases.cc): the due sources in
// its order and a host's sources, through the indexes of schema version 9,
// so that a take costs what its batch holds, not every source configured.
#include <gtest/gtest.h>

#include <string>

#include "db/leases_internal.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

class TakeIndexTest : public StoreTest {
 protected:
  // The plan PostgreSQL makes for `sql` when told to avoid reading whole
  // tables: an index it names is one the query can use.
  std::string Plan(const std::string& sql) {
    std::string why;
    PostgresServer* server = PostgresServer::Shared(&why);
    if (server == nullptr) {
      ADD_FAILURE() << why;
      return "";
    }
    Result<std::string> plan = server->Psql(pg_name_, "SET enable_seqscan = off; EXPLAIN " + sql);
    EXPECT_OK(plan);
    return plan.ok() ? *plan : "";
  }
};

// The index's expression is the take's, character for character: a
// changed MEETLEAK_URL_HOST needs a migration, or every take reads every
// source again.
TEST_P(TakeIndexTest, AHostsSourcesAreReadThroughTheHostIndex) {
  if (sqlite()) return;
  const std::string plan = Plan("SELECT id FROM source WHERE active = 1 AND " MEETLEAK_URL_HOST
                                " = ANY (ARRAY['h0.example', 'h1.example'])");
  EXPECT_NE(plan.find("source_host"), std::string::npos) << plan;
}

TEST_P(TakeIndexTest, TheNeverPolledSourcesAreReadInUrlOrderThroughTheirIndex) {
  if (sqlite()) return;
  const std::string plan =
      Plan("SELECT id FROM source WHERE active = 1 AND next_due IS NULL ORDER BY url, id LIMIT 10");
  EXPECT_NE(plan.find("source_unpolled"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Sort"), std::string::npos) << "read in order, not sorted: " << plan;
}

TEST_P(TakeIndexTest, ThePolledDueSourcesAreReadMostDueFirstThroughTheirIndex) {
  if (sqlite()) return;
  const std::string plan = Plan(
      "SELECT id FROM source WHERE active = 1 AND next_due <= 100 ORDER BY next_due, url LIMIT 10");
  EXPECT_NE(plan.find("source_due_order"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Sort"), std::string::npos) << "read in order, not sorted: " << plan;
}

INSTANTIATE_TEST_SUITE_P(Backends, TakeIndexTest, BothBackends(), BackendName);

}  // namespace
}  // namespace meetleak::testing
