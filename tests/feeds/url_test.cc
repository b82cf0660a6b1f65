// ResolveUrl: RFC 3986 section 5.4's examples plus the WHATWG leniencies.
#include <gtest/gtest.h>

#include "feeds/document.h"

namespace meetleak {
namespace {

TEST(ResolveUrlTest, Rfc3986NormalExamples) {
  const char* base = "http://a/b/c/d;p?q";
  EXPECT_EQ(ResolveUrl(base, "g"), "http://a/b/c/g");
  EXPECT_EQ(ResolveUrl(base, "./g"), "http://a/b/c/g");
  EXPECT_EQ(ResolveUrl(base, "g/"), "http://a/b/c/g/");
  EXPECT_EQ(ResolveUrl(base, "/g"), "http://a/g");
  EXPECT_EQ(ResolveUrl(base, "//g"), "http://g/");
  EXPECT_EQ(ResolveUrl(base, "?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(ResolveUrl(base, "g?y"), "http://a/b/c/g?y");
  EXPECT_EQ(ResolveUrl(base, "#s"), "http://a/b/c/d;p?q");  // fragment removed
  EXPECT_EQ(ResolveUrl(base, "g#s"), "http://a/b/c/g");
  EXPECT_EQ(ResolveUrl(base, ""), "http://a/b/c/d;p?q");
  EXPECT_EQ(ResolveUrl(base, "."), "http://a/b/c/");
  EXPECT_EQ(ResolveUrl(base, ".."), "http://a/b/");
  EXPECT_EQ(ResolveUrl(base, "../g"), "http://a/b/g");
  EXPECT_EQ(ResolveUrl(base, "../../g"), "http://a/g");
  EXPECT_EQ(ResolveUrl(base, "../../../g"), "http://a/g");
  EXPECT_EQ(ResolveUrl(base, "/./g"), "http://a/g");
  EXPECT_EQ(ResolveUrl(base, "g;x=1/../y"), "http://a/b/c/y");
}

TEST(ResolveUrlTest, OnlyHttpAndHttpsComeOut) {
  EXPECT_EQ(ResolveUrl("http://a/", "mailto:x@y"), "");
  EXPECT_EQ(ResolveUrl("http://a/", "javascript:alert(1)"), "");
  EXPECT_EQ(ResolveUrl("http://a/", "zoommtg://zoom.us/join?confno=1"), "");
  EXPECT_EQ(ResolveUrl("file:///tmp/x.html", "page.html"), "");
  EXPECT_EQ(ResolveUrl("stdin:", "https://x.example/a"), "https://x.example/a");
  EXPECT_EQ(ResolveUrl("file:///tmp/x.html", "HTTPS://X.Example:443/a"), "https://x.example/a");
}

TEST(ResolveUrlTest, WhatwgLeniencies) {
  EXPECT_EQ(ResolveUrl("http://a/b", "  /c\n "), "http://a/c");
  EXPECT_EQ(ResolveUrl("http://a/b", "/c\td"), "http://a/cd");
  EXPECT_EQ(ResolveUrl("http://a/b", "\\c\\d"), "http://a/c/d");
  EXPECT_EQ(ResolveUrl("http://a/b/", "c d"), "http://a/b/c%20d");
  EXPECT_EQ(ResolveUrl("https://a/b/", "//cdn.example/x"), "https://cdn.example/x");
  EXPECT_EQ(ResolveUrl("http://a/b/", "http:c"), "http://a/b/c");
  EXPECT_EQ(ResolveUrl("http://a:80/", "x"), "http://a/x");
  EXPECT_EQ(ResolveUrl("http://a/", "http://b:8080"), "http://b:8080/");
}

TEST(ResolveUrlTest, InvalidHostsGiveNothing) {
  EXPECT_EQ(ResolveUrl("http://a/", "http://exa[mple.com/"), "");
  EXPECT_EQ(ResolveUrl("http://a/", "http://a b/"), "");
  EXPECT_EQ(ResolveUrl("http://a/", "http://"), "");
  EXPECT_EQ(ResolveUrl("http://a/", "http:///x"), "http://x/");  // WHATWG skips extra slashes
  EXPECT_EQ(ResolveUrl("http://a/", "http://a:port/"), "");
  EXPECT_EQ(ResolveUrl("http://a/", "http://[::1]:8080/x"), "http://[::1]:8080/x");
}

}  // namespace
}  // namespace meetleak
