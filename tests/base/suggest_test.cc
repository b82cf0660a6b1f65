#include "base/suggest.h"

#include <gtest/gtest.h>

namespace meetleak {
namespace {

TEST(Suggest, ClosestWordIsALikelyTypoOrNothing) {
  const std::vector<std::string_view> commands = {"inventory", "scan", "run", "leaks", "report"};
  EXPECT_EQ(ClosestWord("lekas", commands), "leaks");
  EXPECT_EQ(ClosestWord("scna", commands), "scan");
  EXPECT_EQ(ClosestWord("REPROT", commands), "report");
  EXPECT_EQ(ClosestWord("zzzzzzzz", commands), "");
  EXPECT_EQ(ClosestWord("x", {}), "");
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

}  // namespace
}  // namespace meetleak
