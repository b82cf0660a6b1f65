// PostgreSQL connection strings: passwords refused without an echo, TLS
// verified for a server off this machine (db/store.h, PostgresConninfo).
#include <gtest/gtest.h>

#include "db/store.h"

namespace meetleak {
namespace {

constexpr char kPassword[] = "Pw0rdInUrl77";

TEST(PostgresUrlTest, APasswordInTheStringIsRefusedAndNeverQuoted) {
  for (std::string url : {std::string("postgresql://meetleak:") + kPassword + "@db.example/leaks",
                          std::string("postgres://meetleak@127.0.0.1/leaks?password=") + kPassword,
                          std::string("host=db.example dbname=leaks password=") + kPassword,
                          std::string("postgresql://meetleak:") + kPassword + "@db.example/%zz"}) {
    Result<std::string> c = PostgresConninfo(url);
    ASSERT_FALSE(c.ok()) << url;
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidInput);
    EXPECT_EQ(c.status().message().find(kPassword), std::string::npos) << c.status().message();
    if (url.find("%zz") == std::string::npos) {  // that one is not even a URL
      EXPECT_NE(c.status().message().find("PGPASSWORD"), std::string::npos) << url;
    }
  }
}

TEST(PostgresUrlTest, AServerOffThisMachineGetsVerifiedTls) {
  EXPECT_EQ(*PostgresConninfo("postgresql://meetleak@db.example/leaks"),
            "postgresql://meetleak@db.example/leaks?sslmode=verify-full");
  EXPECT_EQ(*PostgresConninfo("postgresql://db.example/leaks?connect_timeout=5"),
            "postgresql://db.example/leaks?connect_timeout=5&sslmode=verify-full");
  EXPECT_EQ(*PostgresConninfo("host=10.1.2.3 dbname=leaks"),
            "host=10.1.2.3 dbname=leaks sslmode=verify-full");
  // One remote host among several is enough.
  EXPECT_EQ(*PostgresConninfo("postgresql://127.0.0.1,db.example/leaks"),
            "postgresql://127.0.0.1,db.example/leaks?sslmode=verify-full");
  // A name that only starts like a loopback address is a name.
  EXPECT_EQ(*PostgresConninfo("postgresql://127.evil.example/leaks"),
            "postgresql://127.evil.example/leaks?sslmode=verify-full");
}

TEST(PostgresUrlTest, LoopbackSocketsAndAnExplicitSslmodeAreLeftAlone) {
  for (const char* url : {"postgresql://meetleak@127.0.0.1:54321/leaks",
                          "postgresql://localhost/leaks", "postgresql://[::1]/leaks",
                          "postgresql:///leaks?host=/run/postgresql", "host=/tmp/pg dbname=leaks",
                          "postgresql://db.example/leaks?sslmode=require", "postgresql:///leaks"})
    EXPECT_EQ(*PostgresConninfo(url), url);
}

TEST(PostgresUrlTest, OnlyPostgresSchemesAreDatabasesOnAServer) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://db/leaks"));
  EXPECT_TRUE(IsPostgresUrl("POSTGRES://db/leaks"));
  EXPECT_FALSE(IsPostgresUrl("postgresql.db"));
  EXPECT_FALSE(IsPostgresUrl("state/meetleak.db"));
}

}  // namespace
}  // namespace meetleak
