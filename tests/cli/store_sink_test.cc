// StoreSink (the crawler's sink, written through a StoreWriter), against a
// real SQLite file.
#include "cli/store_sink.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace meetleak::cli {
namespace {

class StoreSinkTest : public ::testing::Test {
 protected:
  StoreSinkTest() {
    Result<std::unique_ptr<LeakStore>> s =
        LeakStore::Open((dir_.path() / "meetleak.db").string(), SystemClock());
    EXPECT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  testing::TempDir dir_;
  std::unique_ptr<LeakStore> store_;
};

TEST_F(StoreSinkTest, CommitsEverythingByFlushAndReportsAWriteFailureOnItsThread) {
  StoreSink sink(store_.get(), {}, {});
  int errors_reported = 0;
  std::thread::id reported_on;
  sink.set_on_error([&] {
    ++errors_reported;
    reported_on = std::this_thread::get_id();
  });
  for (int i = 0; i < 3 * static_cast<int>(StoreSink::kGroup); ++i) {
    CrawledDocument doc;
    doc.url = doc.page_url = "https://example.org/p" + std::to_string(i);
    doc.source_url = "https://example.org/";
    doc.outcome = DocumentOutcome::kFetched;
    doc.status = 200;
    doc.etag = "\"" + std::to_string(i) + "\"";
    sink.OnDocument(std::move(doc));
  }
  ASSERT_OK(sink.Flush());
  std::vector<std::optional<StoredValidators>> v =
      sink.Validators({"https://example.org/p0", "https://example.org/p767", "https://x.example/"});
  ASSERT_EQ(v.size(), 3u);
  ASSERT_TRUE(v[0] && v[1]);
  EXPECT_EQ(v[1]->etag, "\"767\"");
  EXPECT_FALSE(v[2]);

  CrawledDocument bad;  // no URL: the store refuses the group
  bad.outcome = DocumentOutcome::kFetched;
  sink.OnDocument(std::move(bad));
  Status s = sink.Flush();
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput) << s.message();
  EXPECT_EQ(sink.error().code(), Status::Code::kInvalidInput);
  EXPECT_EQ(errors_reported, 1);
  EXPECT_EQ(reported_on, std::this_thread::get_id()) << "the crawler is stopped from its thread";
}

}  // namespace
}  // namespace meetleak::cli
