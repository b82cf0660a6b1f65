// HtmlTokenizer: a streaming tokenizer after the WHATWG HTML tokenizer, for
// pulling text and links out of a page without building a tree. Internal to
// feeds/.
//
//   HtmlTokenizer tokenizer(utf8_text);
//   HtmlToken token;
//   while (tokenizer.Next(&token)) { ... }
//
// It switches to the raw-text states a tree builder would choose after
// <script> (with the script-data escape states), <style>, <xmp>, <iframe>,
// <noembed>, <noframes>, <plaintext>, and to RCDATA after <title> and
// <textarea>; <noscript> is tokenized as markup (scripting disabled, like
// html5lib). Character references are decoded in text and attribute values.
// Each call costs time linear in the bytes it consumes; there is no stack, so
// nesting depth costs nothing. At most kMaxAttributes attributes are kept per
// tag (the rest are parsed and dropped, and dropped_attributes() counts them)
// so the duplicate-name check stays bounded.
//
// Mode::kXml is the lenient pass over broken feeds: tag and attribute names
// keep their case, no element is raw text, <![CDATA[...]]> is text, <?...?>
// is skipped.
#ifndef MEETLEAK_FEEDS_HTML_TOKENIZER_H_
#define MEETLEAK_FEEDS_HTML_TOKENIZER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace meetleak::feeds_internal {

struct HtmlAttribute {
  std::string name;   // lower-case in HTML mode
  std::string value;  // character references decoded
};

struct HtmlToken {
  enum class Type { kStartTag, kEndTag, kText, kComment, kDoctype };
  Type type = Type::kText;
  std::string name;  // tags: the tag name (lower-case in HTML mode)
  std::vector<HtmlAttribute> attributes;
  bool self_closing = false;
  std::string text;    // kText (decoded unless raw), kComment, kDoctype
  bool raw = false;    // kText from a raw-text element (script, style, …) or CDATA
  bool cdata = false;  // kText from <![CDATA[…]]> (XML mode)

  const std::string* Attribute(std::string_view name) const;  // nullptr if absent
};

class HtmlTokenizer {
 public:
  enum class Mode { kHtml, kXml };
  static constexpr size_t kMaxAttributes = 64;

  explicit HtmlTokenizer(std::string_view input, Mode mode = Mode::kHtml)
      : input_(input), mode_(mode) {}

  // Fills `token` with the next token; false at the end of the input.
  bool Next(HtmlToken* token);

  size_t dropped_attributes() const { return dropped_attributes_; }

 private:
  enum class RawKind { kNone, kRawText, kRcdata, kScript, kPlaintext };

  bool ReadMarkup(HtmlToken* token);
  bool ReadTag(HtmlToken* token, bool end_tag);
  bool ReadAttributes(HtmlToken* token);
  void AddAttribute(HtmlToken* token, std::string_view raw_name, std::string_view raw_value);
  void ReadText(HtmlToken* token);
  void ReadRawText(HtmlToken* token);
  size_t FindScriptEnd(size_t from) const;
  size_t FindEndTag(size_t from, std::string_view name) const;
  void ReadComment(HtmlToken* token);
  void ReadUntil(HtmlToken* token, HtmlToken::Type type, std::string_view terminator);
  void EnterRawState(const HtmlToken& start_tag);

  std::string_view input_;
  Mode mode_;
  size_t pos_ = 0;
  RawKind raw_kind_ = RawKind::kNone;
  std::string raw_end_name_;  // the element whose end tag closes the raw text
  int foreign_depth_ = 0;     // open <svg>/<math> elements: no raw-text states inside
  size_t dropped_attributes_ = 0;
};

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_HTML_TOKENIZER_H_
