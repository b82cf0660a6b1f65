#include "base/ascii.h"

#include <gtest/gtest.h>

#include <clocale>

namespace meetleak {
namespace {

TEST(Ascii, ClassifiesAsciiOnly) {
  EXPECT_TRUE(ascii::IsDigit('7'));
  EXPECT_FALSE(ascii::IsDigit('a'));
  EXPECT_TRUE(ascii::IsAlpha('Q'));
  EXPECT_TRUE(ascii::IsAlnum('z'));
  EXPECT_FALSE(ascii::IsAlnum('_'));
  EXPECT_TRUE(ascii::IsHexDigit('F'));
  EXPECT_FALSE(ascii::IsHexDigit('g'));
  EXPECT_TRUE(ascii::IsSpace('\v'));
  EXPECT_FALSE(ascii::IsSpace('\0'));
  for (int b = 0x80; b <= 0xFF; ++b) {
    char c = static_cast<char>(b);
    EXPECT_FALSE(ascii::IsAlpha(c) || ascii::IsDigit(c) || ascii::IsSpace(c)) << b;
    EXPECT_EQ(ascii::ToLower(c), c) << b;
    EXPECT_EQ(ascii::ToUpper(c), c) << b;
  }
}

// std::tolower under a Latin-1 locale folds 0xC4 (Ä) to 0xE4, which breaks
// UTF-8 text; the helpers never look at the locale.
TEST(Ascii, UnaffectedByTheLocale) {
  const char* old = std::setlocale(LC_CTYPE, nullptr);
  std::string saved = old ? old : "C";
  std::setlocale(LC_CTYPE, "de_DE.ISO-8859-1");  // may not exist: the test holds either way
  EXPECT_EQ(ascii::Lower("\xC3\x84RGER Zoom.US"), "\xC3\x84rger zoom.us");
  EXPECT_EQ(ascii::Upper("stra\xC3\x9F"
                         "e"),
            "STRA\xC3\x9F"
            "E");
  std::setlocale(LC_CTYPE, saved.c_str());
}

TEST(Ascii, CaseInsensitiveComparisons) {
  EXPECT_TRUE(ascii::EqualsIgnoreCase("Content-Type", "content-TYPE"));
  EXPECT_FALSE(ascii::EqualsIgnoreCase("abc", "abcd"));
  EXPECT_TRUE(ascii::StartsWithIgnoreCase("HTTPS://x", "https://"));
  EXPECT_FALSE(ascii::StartsWithIgnoreCase("http", "https"));
  EXPECT_TRUE(ascii::EndsWithIgnoreCase("Acme.ZOOM.us", ".zoom.US"));
  EXPECT_TRUE(ascii::HasAtIgnoreCase("x<!DOCTYPE", 1, "<!doctype"));
  EXPECT_FALSE(ascii::HasAtIgnoreCase("abc", 4, ""));
  EXPECT_TRUE(ascii::HasAtIgnoreCase("abc", 3, ""));
}

TEST(Ascii, HexValueAndTrim) {
  EXPECT_EQ(ascii::HexValue('0'), 0);
  EXPECT_EQ(ascii::HexValue('a'), 10);
  EXPECT_EQ(ascii::HexValue('F'), 15);
  EXPECT_EQ(ascii::HexValue('g'), -1);
  EXPECT_EQ(ascii::Trim(" \t value \r\n"), "value");
  EXPECT_EQ(ascii::Trim(" \t "), "");
}

}  // namespace
}  // namespace meetleak
