// The tokenizer and character references, against what the WHATWG spec
// says a browser's tokenizer produces.
#include "feeds/html_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "feeds/html_entities.h"

namespace meetleak::feeds_internal {
namespace {

std::string Decoded(std::string_view text, bool in_attribute = false) {
  std::string out;
  AppendDecoded(text, in_attribute, &out);
  return out;
}

// "S:name[attr=value,…]", "E:name", "T:text", "C:comment", "D:doctype".
std::vector<std::string> Tokens(std::string_view html,
                                HtmlTokenizer::Mode mode = HtmlTokenizer::Mode::kHtml) {
  HtmlTokenizer tokenizer(html, mode);
  HtmlToken token;
  std::vector<std::string> out;
  while (tokenizer.Next(&token)) {
    switch (token.type) {
      case HtmlToken::Type::kStartTag: {
        std::string s = "S:" + token.name;
        for (const HtmlAttribute& a : token.attributes) s += "[" + a.name + "=" + a.value + "]";
        if (token.self_closing) s += "/";
        out.push_back(s);
        break;
      }
      case HtmlToken::Type::kEndTag:
        out.push_back("E:" + token.name);
        break;
      case HtmlToken::Type::kText:
        out.push_back("T:" + token.text);
        break;
      case HtmlToken::Type::kComment:
        out.push_back("C:" + token.text);
        break;
      case HtmlToken::Type::kDoctype:
        out.push_back("D:" + token.text);
        break;
    }
  }
  return out;
}

using Expected = std::vector<std::string>;

TEST(CharacterReferenceTest, NamedNumericAndLegacy) {
  EXPECT_EQ(Decoded("a&amp;b"), "a&b");
  EXPECT_EQ(Decoded("&lt;&gt;&quot;&apos;"), "<>\"'");
  EXPECT_EQ(Decoded("&#47;&#x2F;&#X2f;"), "///");
  EXPECT_EQ(Decoded("&nbsp;"), "\xC2\xA0");
  EXPECT_EQ(Decoded("&notin;"), "\xE2\x88\x89");
  EXPECT_EQ(Decoded("&notit;"), "\xC2\xACit;");  // legacy "&not" then "it;"
  EXPECT_EQ(Decoded("&copy 2024"), "\xC2\xA9 2024");
  EXPECT_EQ(Decoded("&bogus; & &#; &#x;"), "&bogus; & &#; &#x;");
  EXPECT_EQ(Decoded("&CounterClockwiseContourIntegral;"), "\xE2\x88\xB3");
}

TEST(CharacterReferenceTest, NumericEdgeCasesFollowWhatwg) {
  EXPECT_EQ(Decoded("&#128;"), "\xE2\x82\xAC");  // 0x80 is the euro sign (windows-1252)
  EXPECT_EQ(Decoded("&#0;"), "\xEF\xBF\xBD");
  EXPECT_EQ(Decoded("&#xD800;"), "\xEF\xBF\xBD");
  EXPECT_EQ(Decoded("&#99999999999999;"), "\xEF\xBF\xBD");
  EXPECT_EQ(Decoded("&#x1F600;"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(Decoded("&#58x"), ":x");  // no ';' needed
}

TEST(CharacterReferenceTest, AttributeValueKeepsLegacyNameBeforeEqualsOrAlnum) {
  // The classic: ?a=1&copy=2 in an href must not become ©=2.
  EXPECT_EQ(Decoded("?a=1&copy=2", true), "?a=1&copy=2");
  EXPECT_EQ(Decoded("?a=1&ampx", true), "?a=1&ampx");
  EXPECT_EQ(Decoded("?a=1&amp;b=2", true), "?a=1&b=2");
  EXPECT_EQ(Decoded("?a=1&copy=2", false), "?a=1\xC2\xA9=2");
}

TEST(HtmlTokenizerTest, TagsAttributesAndText) {
  EXPECT_EQ(Tokens("<P Class=x ID='y' data-z=\"a&amp;b\" checked>Hi</p>"),
            (Expected{"S:p[class=x][id=y][data-z=a&b][checked=]", "T:Hi", "E:p"}));
  EXPECT_EQ(Tokens("<br/><img src=a.png />"), (Expected{"S:br/", "S:img[src=a.png]/"}));
  EXPECT_EQ(Tokens("<a href=x href=y>"), (Expected{"S:a[href=x]"}));  // first wins
  EXPECT_EQ(Tokens("<a href=\"x\"title=\"t\">"), (Expected{"S:a[href=x][title=t]"}));
}

TEST(HtmlTokenizerTest, LessThanThatStartsNoTagIsText) {
  EXPECT_EQ(Tokens("1 < 2 <3 a<b>"), (Expected{"T:1 < 2 <3 a", "S:b"}));
  EXPECT_EQ(Tokens("x </> y"), (Expected{"T:x ", "T: y"}));
}

TEST(HtmlTokenizerTest, CommentsDoctypeAndBogusComments) {
  EXPECT_EQ(Tokens("<!DOCTYPE html><!-- a -- b --><!---->"),
            (Expected{"D: html", "C: a -- b ", "C:"}));
  EXPECT_EQ(Tokens("<!-->x"), (Expected{"C:", "T:x"}));
  EXPECT_EQ(Tokens("<!--a--!>b"), (Expected{"C:a", "T:b"}));
  EXPECT_EQ(Tokens("<?php echo 1 ?>x"), (Expected{"C:php echo 1 ?", "T:x"}));
  EXPECT_EQ(Tokens("<![CDATA[x]]>"), (Expected{"C:[CDATA[x]]"}));  // HTML content: bogus
  EXPECT_EQ(Tokens("<!-- never closed"), (Expected{"C: never closed"}));
}

TEST(HtmlTokenizerTest, RawTextElementsHideMarkup) {
  EXPECT_EQ(Tokens("<script>if (a<b) x='<a href=1>';</script><a href=2>"),
            (Expected{"S:script", "T:if (a<b) x='<a href=1>';", "E:script", "S:a[href=2]"}));
  EXPECT_EQ(Tokens("<style>a{}</style >"), (Expected{"S:style", "T:a{}", "E:style"}));
  EXPECT_EQ(Tokens("<title>a &amp; <b></title>"),
            (Expected{"S:title", "T:a & <b>", "E:title"}));  // RCDATA decodes references
  EXPECT_EQ(Tokens("<textarea><a href=x></textarea>"),
            (Expected{"S:textarea", "T:<a href=x>", "E:textarea"}));
  EXPECT_EQ(Tokens("<plaintext></plaintext><a>"), (Expected{"S:plaintext", "T:</plaintext><a>"}));
  EXPECT_EQ(Tokens("<noscript><a href=x></noscript>"),
            (Expected{"S:noscript", "S:a[href=x]", "E:noscript"}));
}

TEST(HtmlTokenizerTest, ScriptEscapeStatesFollowWhatwg) {
  // Inside "<!--", a "<script>" makes the next "</script>" part of the script.
  EXPECT_EQ(
      Tokens("<script><!--document.write('<script>x</script>');--></script><b>"),
      (Expected{"S:script", "T:<!--document.write('<script>x</script>');-->", "E:script", "S:b"}));
  EXPECT_EQ(Tokens("<script><!-- a --></script><b>"),
            (Expected{"S:script", "T:<!-- a -->", "E:script", "S:b"}));
}

TEST(HtmlTokenizerTest, ForeignContentIsNotRawText) {
  EXPECT_EQ(Tokens("<svg><style><a href=x></style></svg>"),
            (Expected{"S:svg", "S:style", "S:a[href=x]", "E:style", "E:svg"}));
}

TEST(HtmlTokenizerTest, TagCutOffByEndOfInputIsDropped) {
  EXPECT_EQ(Tokens("x<a href=\"y"), (Expected{"T:x"}));
  EXPECT_EQ(Tokens("x<a href=y"), (Expected{"T:x"}));
}

TEST(HtmlTokenizerTest, AttributesPastTheLimitAreCountedAndDropped) {
  std::string tag = "<p";
  for (int i = 0; i < 100; ++i) tag += " a" + std::to_string(i) + "=1";
  tag += ">";
  HtmlTokenizer tokenizer(tag);
  HtmlToken token;
  ASSERT_TRUE(tokenizer.Next(&token));
  EXPECT_EQ(token.attributes.size(), HtmlTokenizer::kMaxAttributes);
  EXPECT_EQ(tokenizer.dropped_attributes(), 100 - HtmlTokenizer::kMaxAttributes);
}

TEST(HtmlTokenizerTest, XmlModeKeepsCaseAndReadsCdata) {
  EXPECT_EQ(Tokens("<?xml version='1.0'?><pubDate>x</pubDate><d><![CDATA[<a href=1>]]></d>",
                   HtmlTokenizer::Mode::kXml),
            (Expected{"C:xml version='1.0'", "S:pubDate", "T:x", "E:pubDate", "S:d", "T:<a href=1>",
                      "E:d"}));
  EXPECT_EQ(Tokens("<title>x</title><script>a</script>", HtmlTokenizer::Mode::kXml),
            (Expected{"S:title", "T:x", "E:title", "S:script", "T:a", "E:script"}));
}

}  // namespace
}  // namespace meetleak::feeds_internal
