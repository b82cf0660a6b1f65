// A sitemap flooding meetleak with URLs it must refuse or not follow: the
// refused ones (private addresses, Zoom hosts) are counted, never stored as
// documents or links; no document yields more than max_urls_per_document.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/hostile/hostile_fixture.h"

namespace meetleak::testing {
namespace {

// The first column of the first row of `sql` on the DB at `path`.
long long QueryInt(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  long long value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  EXPECT_NE(value, -1) << sql;
  return value;
}

std::string Sitemap(const std::vector<std::string>& urls) {
  std::string xml =
      "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
  for (const std::string& u : urls) xml += "<url><loc>" + u + "</loc></url>";
  return xml + "</urlset>";
}

TEST_F(HostileTest, SitemapOfRefusedUrlsStoresNoDocumentsAndCountsThem) {
  // 3000 URLs: private addresses (refused by the address guard before any
  // connection), Zoom URLs (never queued), one loopback page; only the
  // first 2000 are followed.
  std::vector<std::string> urls;
  urls.push_back(server_.Url("/ok"));  // loopback: refused too (a discovered URL)
  for (int i = 0; i < 1500; ++i)
    urls.push_back("http://10.1.2." + std::to_string(i % 250) + "/p" + std::to_string(i));
  for (int i = 0; i < 1499; ++i) urls.push_back("https://zoom.us/about/p" + std::to_string(i));
  server_.Route("/sitemap.xml",
                Reply{.body = Sitemap(urls), .headers = {{"Content-Type", "application/xml"}}});
  WriteConfig({server_.Url("/sitemap.xml")}, "max_urls_per_document = 2000",
              /*private_ok=*/false);
  ProgramResult r = Meetleak({"run", "--once"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1501 discovered URLs refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1000 URLs not followed: over max_urls_per_document (2000)"),
            std::string::npos)
      << r.err;
  // The log names a few refused URLs, not thousands.
  EXPECT_LT(std::count(r.err.begin(), r.err.end(), '\n'), 40) << r.err;

  const auto db = dir_.path() / "meetleak.db";
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM document"), 1) << "only the sitemap itself";
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM link"), 0);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM source"), 1);
  EXPECT_TRUE(server_.RequestsFor("/ok").empty());
}

TEST_F(HostileTest, ScanOfAHugeSitemapFollowsAtMostMaxUrlsPerDocument) {
  std::vector<std::string> urls;
  urls.reserve(60);
  for (int i = 0; i < 60; ++i) urls.push_back(server_.Url("/p" + std::to_string(i)));
  for (int i = 0; i < 60; ++i) server_.Route("/p" + std::to_string(i), Reply{.body = "<p>x</p>"});
  server_.Route("/sitemap.xml",
                Reply{.body = Sitemap(urls), .headers = {{"Content-Type", "application/xml"}}});
  dir_.Write("meetleak.toml",
             "[crawler]\ndelay_ms = 0\nper_host = 8\nmax_urls_per_document = 25\n");
  ProgramResult r = Meetleak({"scan", server_.Url("/sitemap.xml"), "--allow-private-addresses",
                              "--no-store", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int fetched = 0;
  for (int i = 0; i < 60; ++i) fetched += !server_.RequestsFor("/p" + std::to_string(i)).empty();
  EXPECT_EQ(fetched, 25);
  EXPECT_NE(r.err.find("35 more URLs not followed"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace meetleak::testing
