// The shared corpus of real pages holds no Zoom meeting references (its
// README says a grep found none): every reference found there would be a
// false positive. Also checks the fast path against the plain one on it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "matchers/inventory.h"
#include "matchers/matcher.h"
#include "tests/support/shared_corpus.h"

namespace meetleak {
namespace {

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(Corpus, RealPagesHoldNoReferences) {
  MEETLEAK_REQUIRE_SHARED();
  Matcher m;
  // An inventory makes the bare-ID rule run too.
  Inventory inv =
      Inventory::FromRows({{"85512345678", "ana@acme.example", "", MeetingKind::kRecurring},
                           {"1234567890", "bo@acme.example", "", MeetingKind::kPmi}},
                          {});
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(testing::SharedDir() / "corpus" / "pages")) {
    if (!entry.is_regular_file()) continue;
    std::string text = Slurp(entry.path());
    ++files;
    for (const MeetingRef& r : m.Find(text, &inv))
      ADD_FAILURE() << entry.path() << ": " << ToString(r.form) << " " << r.key
                    << " in: " << r.context;
  }
  EXPECT_GT(files, 100);
}

TEST(Corpus, FastPathEqualsPlainPathOnRealPages) {
  MEETLEAK_REQUIRE_SHARED();
  Matcher m;
  // Real pages with planted references, so both paths have work to agree on.
  const std::string planted =
      " https://acme.zoom.us/j/85512345678?pwd=x Meeting ID: 855 1234 5678 "
      "+16699009128,,85512345678# zoom[.]us/my/ana ";
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(testing::SharedDir() / "corpus" / "pages")) {
    if (!entry.is_regular_file() || ++files > 12) continue;
    std::string text = Slurp(entry.path());
    text.insert(text.size() / 2, planted);
    std::vector<MeetingRef> fast = m.Find(text), slow = m.FindSlow(text);
    ASSERT_EQ(fast.size(), slow.size()) << entry.path();
    EXPECT_EQ(fast.size(), 4u) << entry.path();
    for (std::size_t k = 0; k < fast.size(); ++k) {
      EXPECT_EQ(fast[k].offset, slow[k].offset);
      EXPECT_EQ(fast[k].key, slow[k].key);
      EXPECT_EQ(fast[k].context, slow[k].context);
    }
  }
}

}  // namespace
}  // namespace meetleak
