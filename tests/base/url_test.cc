#include "base/url.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace meetleak {
namespace {

TEST(Url, ParsesAndNormalisesWithoutTheFragment) {
  Result<Url> u_r = Url::Parse("HTTPS://Example.ORG/a/b?x=1#top");
  ASSERT_OK(u_r);
  const Url& u = *u_r;
  EXPECT_EQ(u.spec(), "https://Example.ORG/a/b?x=1");
  EXPECT_EQ(u.scheme(), "https");
  EXPECT_EQ(u.host(), "example.org");
  EXPECT_EQ(u.port(), 443);
  EXPECT_FALSE(u.port_written());
  EXPECT_EQ(u.path_and_query(), "/a/b?x=1");
  EXPECT_EQ(u.origin(), "https://example.org:443");
}

TEST(Url, Ipv6HostWithoutBrackets) {
  Result<Url> u_r = Url::Parse("http://[::1]:8080");
  ASSERT_OK(u_r);
  const Url& u = *u_r;
  EXPECT_EQ(u.host(), "::1");
  EXPECT_EQ(u.host_for_url(), "[::1]");
  EXPECT_EQ(u.port(), 8080);
  EXPECT_TRUE(u.port_written());
  EXPECT_EQ(u.path_and_query(), "/");
  EXPECT_EQ(u.origin(), "http://[::1]:8080");
}

TEST(Url, RefusesWhatHasNoHost) {
  EXPECT_FALSE(Url::Parse("not a url").ok());
  EXPECT_FALSE(Url::Parse("/relative/path").ok());
  EXPECT_FALSE(Url::Parse("file:///etc/passwd").ok());
}

TEST(Url, ResolvesARedirectLocation) {
  Result<Url> u_r = Url::Parse("https://a.example/dir/page?q=1");
  ASSERT_OK(u_r);
  const Url& u = *u_r;
  Result<std::string> rel_r = u.Resolve("../other#frag");
  ASSERT_OK(rel_r);
  const std::string& rel = *rel_r;
  EXPECT_EQ(rel, "https://a.example/other");
  Result<std::string> abs_r = u.Resolve("http://b.example/x");
  ASSERT_OK(abs_r);
  const std::string& abs = *abs_r;
  EXPECT_EQ(abs, "http://b.example/x");
}

TEST(Url, SameHostIgnoresCaseTrailingDotSchemeAndPort) {
  EXPECT_TRUE(SameHost("https://Site.Example/a", "http://site.example.:8080/b"));
  EXPECT_TRUE(SameHost("https://user:pw@site.example/", "https://site.example/"));
  EXPECT_FALSE(SameHost("https://site.example/", "https://other.example/"));
  EXPECT_FALSE(SameHost("https://site.example/", "https://www.site.example/"));
  EXPECT_FALSE(SameHost("https://site.example/", "not a url"));
}

}  // namespace
TEST(Url, LoopbackNamesAreLoopbackBySpellingAlone) {
  for (const char* h : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"})
    EXPECT_TRUE(IsLoopbackName(h)) << h;
  for (const char* h : {"127.evil.example", "127.0.0.1.evil.example", "10.0.0.1",
                        "localhost.example", "", "0x7f.0.0.1"})
    EXPECT_FALSE(IsLoopbackName(h)) << h;
}

}  // namespace meetleak
