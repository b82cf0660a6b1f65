// db/postgres.h against a real PostgreSQL 15 started by the test
// (tests/support/postgres_server.h): prepared statements with SQLite-style
// parameters, NULLs, bytea, upserts, transactions, and errors that name the
// server and PostgreSQL's SQLSTATE.
#include <gtest/gtest.h>

#include "db/postgres.h"
#include "tests/support/postgres_server.h"
#include "tests/support/status_matchers.h"

namespace meetleak::db {
namespace {

using postgres_internal::PgPlaceholders;

TEST(PgPlaceholdersTest, NumbersSqliteParametersAndLeavesQuotesAndCommentsAlone) {
  int n = 0;
  EXPECT_EQ(PgPlaceholders("SELECT a FROM t WHERE a = ?2 AND b = ?1", &n),
            "SELECT a FROM t WHERE a = $2 AND b = $1");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(PgPlaceholders("INSERT INTO t VALUES (?, ?, '?', \"a?\") -- why?\n", &n),
            "INSERT INTO t VALUES ($1, $2, '?', \"a?\") -- why?\n");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(PgPlaceholders("SELECT 'it''s ?' , ?3", &n), "SELECT 'it''s ?' , $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(PgPlaceholders("SELECT 1", &n), "SELECT 1");
  EXPECT_EQ(n, 0);
}

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = meetleak::testing::PostgresServer::Shared(&why);
    ASSERT_NE(server_, nullptr) << "PostgreSQL did not start: " << why;
    Result<std::string> db = server_->NewDatabase();
    ASSERT_OK(db);
    Result<std::unique_ptr<PgConnection>> c = PgConnection::Open(server_->Conninfo(*db));
    ASSERT_OK(c);
    conn_ = std::move(*c);
  }

  meetleak::testing::PostgresServer* server_ = nullptr;
  std::unique_ptr<PgConnection> conn_;
};

TEST_F(PgConnectionTest, PreparedStatementsRoundTripTextIntegersNullsAndBytes) {
  ASSERT_OK(conn_->Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, n BIGINT, b BYTEA)"));
  const std::string bytes("\x00\x01\xff'\\x", 6);
  {
    Result<Query> q = conn_->Prepare("INSERT INTO t (id, name, n, b) VALUES (?1, ?2, ?3, ?4)");
    ASSERT_OK(q);
    q->Bind(1, std::int64_t{1}).Bind(2, "O'Brien ?").Bind(3, std::nullopt).BindBlob(4, bytes);
    ASSERT_OK(q->Run());
    EXPECT_EQ(conn_->Changes(), 1);
  }
  {  // the same SQL again: the cached statement, fresh bindings
    Result<Query> q = conn_->Prepare("INSERT INTO t (id, name, n, b) VALUES (?1, ?2, ?3, ?4)");
    ASSERT_OK(q);
    q->Bind(1, 2).Bind(2, std::string(300, 'x')).Bind(3, std::int64_t{-9007199254740993});
    ASSERT_OK(q->Run());
  }
  Result<Query> q = conn_->Prepare("SELECT id, name, n, b FROM t ORDER BY id");
  ASSERT_OK(q);
  Result<bool> row = q->Step();
  ASSERT_OK(row);
  ASSERT_TRUE(*row);
  EXPECT_EQ(q->Int(0), 1);
  EXPECT_EQ(q->Text(1), "O'Brien ?");
  EXPECT_TRUE(q->IsNull(2));
  EXPECT_EQ(q->OptInt(2), std::nullopt);
  EXPECT_EQ(q->Text(3), bytes);
  row = q->Step();
  ASSERT_OK(row);
  ASSERT_TRUE(*row);
  EXPECT_EQ(q->Text(1), std::string(300, 'x'));
  EXPECT_EQ(q->OptInt(2), std::int64_t{-9007199254740993});
  EXPECT_TRUE(q->IsNull(3));
  row = q->Step();
  ASSERT_OK(row);
  EXPECT_FALSE(*row);
}

TEST_F(PgConnectionTest, AnUpsertNeverDuplicatesAndReportsWhatItChanged) {
  ASSERT_OK(conn_->Exec("CREATE TABLE s (k TEXT PRIMARY KEY, seen BIGINT NOT NULL)"));
  const char* upsert =
      "INSERT INTO s (k, seen) VALUES (?1, 1) ON CONFLICT (k) DO UPDATE SET seen = s.seen + 1";
  for (int i = 0; i < 3; ++i) {
    Result<Query> q = conn_->Prepare(upsert);
    ASSERT_OK(q);
    q->Bind(1, "a");
    ASSERT_OK(q->Run());
  }
  Result<std::int64_t> rows = conn_->QueryInt("SELECT COUNT(*) FROM s");
  ASSERT_OK(rows);
  EXPECT_EQ(*rows, 1);
  Result<std::int64_t> seen = conn_->QueryInt("SELECT seen FROM s WHERE k = 'a'");
  ASSERT_OK(seen);
  EXPECT_EQ(*seen, 3);
}

TEST_F(PgConnectionTest, ATransactionNotCommittedLeavesNothing) {
  ASSERT_OK(conn_->Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  {
    Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
    ASSERT_OK(tx);
    ASSERT_OK(conn_->Run("INSERT INTO t VALUES (1)"));
  }  // dropped: rolled back
  {
    Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
    ASSERT_OK(tx);
    ASSERT_OK(conn_->Run("INSERT INTO t VALUES (2)"));
    ASSERT_OK((*tx)->Commit());
  }
  Result<std::int64_t> ids = conn_->QueryInt("SELECT SUM(id) FROM t");
  ASSERT_OK(ids);
  EXPECT_EQ(*ids, 2);
}

TEST_F(PgConnectionTest, ErrorsNameTheServerTheStatementAndTheSqlstate) {
  ASSERT_OK(conn_->Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  ASSERT_OK(conn_->Run("INSERT INTO t VALUES (1)"));
  Status dup = conn_->Run("INSERT INTO t VALUES (1)");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.message().find("127.0.0.1:" + std::to_string(server_->port())), std::string::npos)
      << dup.message();
  EXPECT_NE(dup.message().find("23505"), std::string::npos) << dup.message();  // unique_violation
  Result<Query> bad = conn_->Prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("nope"), std::string::npos) << bad.status().message();
  // The connection is still usable after both.
  Result<std::int64_t> one = conn_->QueryInt("SELECT 1");
  ASSERT_OK(one);
  EXPECT_EQ(*one, 1);
}

TEST_F(PgConnectionTest, ARefusedConnectionIsUnavailableAndNamesTheServer) {
  Result<std::unique_ptr<PgConnection>> c =
      PgConnection::Open("host=127.0.0.1 port=1 user=postgres dbname=x connect_timeout=5");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(c.status().message().find("127.0.0.1"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace meetleak::db
