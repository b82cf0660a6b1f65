// URLs in the store: kept redacted (pwd, zak, tk …), looked up by that form,
// so a source or page whose URL carries a secret still finds its documents.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "db/store.h"
#include "matchers/matcher.h"
#include "tests/db/store_fixture.h"

namespace meetleak::testing {
namespace {

constexpr char kSource[] = "https://feed.example/feed.xml?tk=TkSourceSecret1";
constexpr char kPage[] = "https://feed.example/e1?zak=ZakPageSecret2";
constexpr char kFinal[] = "https://feed.example/e1?pwd=PwdFinalSecret3";
constexpr char kLinked[] = "https://feed.example/e2?tk=TkLinkSecret4";
constexpr char kEntry[] = "https://feed.example/entry?tk=TkEntrySecret5";
const std::vector<std::string> kSecrets = {"TkSourceSecret1", "ZakPageSecret2", "PwdFinalSecret3",
                                           "TkLinkSecret4", "TkEntrySecret5"};

TEST_P(StoreTest, UrlsWithSecretsAreStoredRedactedAndFoundByAnyOfTheirForms) {
  ASSERT_OK(store_->SyncSources({{kSource, "feed", 900}}));
  LeakStore::DocumentWrite source = Fetched(kSource, {}, kSource);
  source.body_hash = "hash-source";  // the fixture's default names the URL
  source.linked_urls = {kPage, kLinked};
  LeakStore::Sighting s = CompanySighting("85512345678");
  s.ref.entry_url = kEntry;
  LeakStore::DocumentWrite page = Fetched(kPage, {s}, kSource);
  page.body_hash = "hash-page";
  page.page_url = kFinal;
  page.error = std::string("slow answer from ") + kPage;
  Write({page, source});
  LeakStore::SourceResult done;
  done.url = kSource;
  done.status = 200;
  ASSERT_OK(store_->WriteSourceResult(done));

  const std::string bytes = StoredBytes();
  for (const std::string& secret : kSecrets)
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " is stored in clear";

  Result<std::vector<LeakStore::SourceRow>> sources = store_->ListSources();
  ASSERT_OK(sources);
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].url, RedactSecrets(kSource));
  EXPECT_NE((*sources)[0].url.find("tk="), std::string::npos) << "the key stays readable";
  EXPECT_EQ((*sources)[0].open_leaks, 1);

  // The live URL, its stored form, or another token of it: one document.
  for (const std::string& url : {std::string(kPage), RedactSecrets(kPage),
                                 std::string("https://feed.example/e1?zak=Other")}) {
    Result<std::optional<LeakStore::FetchState>> f = store_->GetFetchState(url);
    ASSERT_OK(f);
    ASSERT_TRUE(f->has_value()) << url;
    EXPECT_EQ((*f)->etag, "\"e1\"");
    EXPECT_EQ((*f)->source_url, RedactSecrets(kSource));
    EXPECT_TRUE((*f)->still_linked);
  }
  Result<std::vector<std::optional<LeakStore::FetchState>>> batch =
      store_->GetFetchStates({kSource, kPage});
  ASSERT_OK(batch);
  EXPECT_TRUE((*batch)[0].has_value());
  EXPECT_TRUE((*batch)[1].has_value());
  Result<std::vector<std::string>> watch = store_->WatchList(kSource);
  ASSERT_OK(watch);
  EXPECT_EQ(*watch, std::vector<std::string>{RedactSecrets(kPage)});

  LeakStore::LeakRow leak = Leak("85512345678");
  EXPECT_EQ(leak.page_url, RedactSecrets(kFinal));
  EXPECT_EQ(leak.entry_url, RedactSecrets(kEntry));
  EXPECT_EQ(leak.source_url, RedactSecrets(kSource));

  // The page fixed: re-fetched under its live URL, its leak goes gone.
  LeakStore::DocumentWrite fixed = Fetched(kPage, {}, kSource);
  fixed.body_hash = "hash-fixed";
  fixed.page_url = kFinal;
  EXPECT_EQ(Write({fixed}).gone, 1);
}

TEST_P(StoreTest, SourcesEqualOnceRedactedAreOneSourceAndRefusedTogether) {
  Status twice = store_->SyncSources({{"https://a.example/f?tk=One1One1", "feed", 900},
                                      {"https://a.example/f?tk=Two2Two2", "feed", 900}});
  EXPECT_EQ(twice.code(), Status::Code::kInvalidInput);
  EXPECT_EQ(twice.message().find("One1One1"), std::string::npos) << twice.message();
  EXPECT_EQ(twice.message().find("Two2Two2"), std::string::npos) << twice.message();
  ASSERT_OK(store_->SyncSources({{"https://a.example/f?tk=One1One1", "feed", 900}}));
  // Its token changed in the config: the same source, not a new one.
  ASSERT_OK(store_->SyncSources({{"https://a.example/f?tk=Two2Two2", "feed", 900}}));
  Result<std::vector<LeakStore::SourceRow>> sources = store_->ListSources();
  ASSERT_OK(sources);
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_TRUE((*sources)[0].active);
}

// PostgreSQL writes a config's sources as arrays in one statement: every
// character of a URL, kind and interval comes back as configured, and a
// dropped source is the one the config no longer names.
TEST_P(StoreTest, SourcesWithQuotesBracesAndBackslashesAreStoredAsConfigured) {
  const std::vector<LeakStore::SourceConfig> odd = {
      {"https://a.example/q?x=%22quoted%22&y=\"raw\"", "page", 900},
      {"https://a.example/back\\slash", "feed", 1800},
      {"https://a.example/{braces},comma", "sitemap", 3600},
      {"https://a.example/NULL", "page", 60},
      {"https://a.example/caf\u00e9 space", "page", 120}};
  std::vector<LeakStore::SourceConfig> all = odd;
  all.push_back({"https://a.example/dropped", "page", 900});
  ASSERT_OK(store_->SyncSources(all));
  ASSERT_OK(store_->SyncSources(odd));
  Result<std::vector<LeakStore::SourceRow>> stored = store_->ListSources();
  ASSERT_OK(stored);
  std::map<std::string, std::pair<std::string, int>> active;
  for (const LeakStore::SourceRow& row : *stored) {
    if (row.active) active[row.url] = {row.kind, row.interval_s};
    if (row.url == "https://a.example/dropped") {
      EXPECT_FALSE(row.active);
    }
  }
  ASSERT_EQ(active.size(), odd.size());
  for (const LeakStore::SourceConfig& s : odd) {
    ASSERT_EQ(active.count(s.url), 1u) << s.url;
    EXPECT_EQ(active[s.url].first, s.kind) << s.url;
    EXPECT_EQ(active[s.url].second, s.interval_s) << s.url;
  }
}

}  // namespace
}  // namespace meetleak::testing
