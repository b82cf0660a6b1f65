// The shared corpus against independent oracles (tests/feeds/oracle.py):
// python3-feedparser for feeds, python3-html5lib for pages, run once per
// suite over every file, read in place.
//
// Feeds: for every file feedparser parses with bozo == 0, meetleak's entry
// count and each entry's link equal feedparser's (feedparser's link resolved
// against the same document URL with ResolveUrl, since meetleak keeps only
// absolute http(s) links).
// Pages: the a[href] and area[href] values html5lib finds, resolved against
// the page URL and the first <base href> (what the tokenizer and the tree
// builder must agree on), each URL at its first occurrence, equal meetleak's
// Link::Rel::kAnchor links in order.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "feeds/document.h"
#include "tests/support/shared_corpus.h"
#include "tests/support/temp_dir.h"

namespace meetleak {
namespace {

using testing::ReadFile;
using testing::RunProgram;
using testing::SharedDir;

nlohmann::json RunOracle(const std::string& mode, const std::filesystem::path& dir) {
  testing::ProgramResult r =
      RunProgram({MEETLEAK_PYTHON, MEETLEAK_FEEDS_ORACLE, mode, dir.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

std::string Join(const std::vector<std::string>& items) {
  std::ostringstream out;
  for (const std::string& s : items) out << "\n      " << (s.empty() ? "(none)" : s);
  return out.str();
}

// Files feedparser itself mis-parses in a way a conforming feed reader must
// not copy; each with the reason. Kept as narrow as possible.
const std::set<std::string>& FeedExclusions() {
  static const std::set<std::string> kExclusions = {
      // feedparser's guid-is-link fallback fires on the first <id> anywhere in
      // the entry, here a nested <image><id>; its own assertion in this file is
      // that the entry's direct-child <id> wins. meetleak reads direct children.
      "feedparser/wellformed/node_precedence/atom10_id.xml",
      // feedparser takes <link uri="at://…"> as the link's href (not http, so
      // no link); the element's text is the http link, which meetleak keeps.
      "gofeed/parser/rss/rss_channel_item_uri_at_protocol.xml",
  };
  return kExclusions;
}

TEST(CorpusTest, FeedsMatchFeedparserEntryCountAndLinks) {
  MEETLEAK_REQUIRE_SHARED();
  const std::filesystem::path root = SharedDir() / "corpus" / "feeds";
  nlohmann::json oracle = RunOracle("feeds", root);
  ASSERT_TRUE(oracle.is_object());
  size_t compared = 0, mismatched = 0;
  std::ostringstream diffs;
  for (auto& [rel, expected] : oracle.items()) {
    std::string body = ReadFile(root / rel);
    std::string url = "http://corpus.test/feeds/" + rel;
    Document doc = ParseDocument(body, "", url);  // must not crash, bozo or not
    ASSERT_FALSE(doc.segments.empty());
    if (!expected.contains("bozo") || expected["bozo"] != 0 || FeedExclusions().count(rel)) {
      continue;
    }
    ++compared;
    std::vector<std::string> want, got;
    for (const auto& link : expected["links"]) {
      std::string raw = link.get<std::string>();  // "" is feedparser's "no link"
      want.push_back(raw.empty() ? "" : ResolveUrl(url, raw));
    }
    for (const FeedEntry& e : doc.entries) got.push_back(e.link);
    if (want != got) {
      ++mismatched;
      diffs << "\n  " << rel << " (" << ToString(doc.kind) << "): feedparser " << want.size()
            << " entries:" << Join(want) << "\n    meetleak " << got.size() << ":" << Join(got);
    }
  }
  EXPECT_GT(compared, 2000u);
  EXPECT_EQ(mismatched, 0u) << mismatched << " of " << compared << " feeds differ:" << diffs.str();
}

TEST(CorpusTest, PagesMatchHtml5libAnchorLinks) {
  MEETLEAK_REQUIRE_SHARED();
  const std::filesystem::path root = SharedDir() / "corpus" / "pages";
  nlohmann::json oracle = RunOracle("pages", root);
  ASSERT_TRUE(oracle.is_object());
  size_t compared = 0, mismatched = 0, links = 0;
  std::ostringstream diffs;
  for (auto& [rel, expected] : oracle.items()) {
    std::string body = ReadFile(root / rel);
    std::string url = "http://corpus.test/pages/" + rel;
    Document doc = ParseDocument(body, "", url);
    EXPECT_EQ(doc.kind, DocumentKind::kHtml) << rel;
    std::string base = url;
    if (expected["base"].is_string()) {
      std::string resolved = ResolveUrl(url, expected["base"].get<std::string>());
      if (!resolved.empty()) base = resolved;
    }
    std::vector<std::string> want, got;
    std::set<std::string> seen;
    for (const auto& href : expected["hrefs"]) {
      std::string resolved = ResolveUrl(base, href.get<std::string>());
      if (!resolved.empty() && seen.insert(resolved).second) want.push_back(resolved);
    }
    for (const Link& link : doc.links) {
      if (link.rel == Link::Rel::kAnchor) got.push_back(link.url);
    }
    ++compared;
    links += want.size();
    if (want != got) {
      ++mismatched;
      size_t first = 0;
      while (first < want.size() && first < got.size() && want[first] == got[first]) ++first;
      diffs << "\n  " << rel << ": html5lib " << want.size() << " links, meetleak " << got.size()
            << "; first difference at #" << first << ": html5lib "
            << (first < want.size() ? want[first] : "(end)") << " vs meetleak "
            << (first < got.size() ? got[first] : "(end)");
    }
  }
  EXPECT_GT(compared, 100u);
  EXPECT_GT(links, 10000u);
  EXPECT_EQ(mismatched, 0u) << mismatched << " of " << compared << " pages differ:" << diffs.str();
}

}  // namespace
}  // namespace meetleak
