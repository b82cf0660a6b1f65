#include "feeds/html_tokenizer.h"

#include "base/ascii.h"
#include "feeds/html_entities.h"

namespace meetleak::feeds_internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

// True when `text` at `at` is "</name" or "<name" (per `closing`) followed by
// a character that ends a tag name.
bool IsTagNamed(std::string_view text, size_t at, std::string_view name, bool closing) {
  size_t name_at = at + (closing ? 2 : 1);
  if (!ascii::HasAtIgnoreCase(text, at, closing ? "</" : "<")) return false;
  if (!ascii::HasAtIgnoreCase(text, name_at, name)) return false;
  size_t after = name_at + name.size();
  return after < text.size() && (IsSpace(text[after]) || text[after] == '/' || text[after] == '>');
}

}  // namespace

const std::string* HtmlToken::Attribute(std::string_view attribute_name) const {
  for (const HtmlAttribute& a : attributes) {
    if (a.name == attribute_name) return &a.value;
  }
  return nullptr;
}

bool HtmlTokenizer::Next(HtmlToken* token) {
  token->type = HtmlToken::Type::kText;
  token->name.clear();
  token->attributes.clear();
  token->self_closing = false;
  token->text.clear();
  token->raw = false;
  token->cdata = false;
  while (pos_ < input_.size()) {
    if (raw_kind_ != RawKind::kNone) {
      size_t start = pos_;
      ReadRawText(token);
      if (pos_ > start) return true;
      continue;
    }
    if (input_[pos_] != '<') {
      ReadText(token);
      return true;
    }
    if (ReadMarkup(token)) return true;
  }
  return false;
}

void HtmlTokenizer::ReadText(HtmlToken* token) {
  size_t end = pos_;
  while (true) {
    end = input_.find('<', end + (end == pos_ && input_[pos_] == '<' ? 1 : 0));
    if (end == std::string_view::npos || end + 1 >= input_.size()) {
      end = input_.size();
      break;
    }
    char next = input_[end + 1];
    if (ascii::IsAlpha(next) || next == '/' || next == '!' || next == '?') break;
    ++end;
  }
  AppendDecoded(input_.substr(pos_, end - pos_), false, &token->text);
  token->type = HtmlToken::Type::kText;
  pos_ = end;
}

// At a '<'. Returns false when the markup yields no token ("</>", a tag cut
// off by the end of input) or is not markup at all (then it is text).
bool HtmlTokenizer::ReadMarkup(HtmlToken* token) {
  char next = pos_ + 1 < input_.size() ? input_[pos_ + 1] : '\0';
  if (ascii::IsAlpha(next)) return ReadTag(token, false);
  if (next == '/') {
    char after = pos_ + 2 < input_.size() ? input_[pos_ + 2] : '\0';
    if (ascii::IsAlpha(after)) return ReadTag(token, true);
    if (after == '>') {
      pos_ += 3;
      return false;
    }
    if (after == '\0') {
      ReadText(token);
      return true;
    }
    pos_ += 2;
    ReadUntil(token, HtmlToken::Type::kComment, ">");
    return true;
  }
  if (next == '!') {
    if (input_.compare(pos_, 4, "<!--") == 0) {
      ReadComment(token);
    } else if (ascii::HasAtIgnoreCase(input_, pos_, "<!doctype")) {
      pos_ += 9;
      ReadUntil(token, HtmlToken::Type::kDoctype, ">");
    } else if (mode_ == Mode::kXml && input_.compare(pos_, 9, "<![CDATA[") == 0) {
      pos_ += 9;
      ReadUntil(token, HtmlToken::Type::kText, "]]>");
      token->raw = token->cdata = true;
    } else {
      pos_ += 2;
      ReadUntil(token, HtmlToken::Type::kComment, ">");
    }
    return true;
  }
  if (next == '?') {
    pos_ += 2;
    ReadUntil(token, HtmlToken::Type::kComment, mode_ == Mode::kXml ? "?>" : ">");
    return true;
  }
  ReadText(token);
  return true;
}

void HtmlTokenizer::ReadUntil(HtmlToken* token, HtmlToken::Type type, std::string_view terminator) {
  size_t end = input_.find(terminator, pos_);
  if (end == std::string_view::npos) end = input_.size();
  token->type = type;
  token->text.assign(input_.substr(pos_, end - pos_));
  pos_ = end == input_.size() ? end : end + terminator.size();
}

void HtmlTokenizer::ReadComment(HtmlToken* token) {
  token->type = HtmlToken::Type::kComment;
  size_t body = pos_ + 4;
  if (input_.compare(body, 1, ">") == 0 || input_.compare(body, 2, "->") == 0) {
    pos_ = body + (input_[body] == '>' ? 1 : 2);  // "<!-->" and "<!--->": empty comments
    return;
  }
  size_t dash = body;
  while (true) {
    dash = input_.find("--", dash);
    if (dash == std::string_view::npos) {
      token->text.assign(input_.substr(body));
      pos_ = input_.size();
      return;
    }
    size_t close = input_.compare(dash + 2, 1, ">") == 0    ? 3
                   : input_.compare(dash + 2, 2, "!>") == 0 ? 4
                                                            : 0;
    if (close != 0) {
      token->text.assign(input_.substr(body, dash - body));
      pos_ = dash + close;
      return;
    }
    ++dash;
  }
}

bool HtmlTokenizer::ReadTag(HtmlToken* token, bool end_tag) {
  size_t p = pos_ + (end_tag ? 2 : 1);
  size_t name_start = p;
  while (p < input_.size() && !IsSpace(input_[p]) && input_[p] != '/' && input_[p] != '>') ++p;
  token->type = end_tag ? HtmlToken::Type::kEndTag : HtmlToken::Type::kStartTag;
  token->name.assign(input_.substr(name_start, p - name_start));
  if (mode_ == Mode::kHtml) {
    for (char& c : token->name) c = ascii::ToLower(c);
  }
  pos_ = p;
  if (!ReadAttributes(token)) return false;  // eof-in-tag: dropped, as WHATWG says
  if (end_tag) {
    token->attributes.clear();
    if (token->name == "svg" || token->name == "math") foreign_depth_ -= foreign_depth_ > 0;
    return true;
  }
  if (mode_ == Mode::kHtml) EnterRawState(*token);
  return true;
}

// Reads up to and including the tag's '>'; false when the input ends first.
bool HtmlTokenizer::ReadAttributes(HtmlToken* token) {
  const size_t n = input_.size();
  while (true) {
    while (pos_ < n && IsSpace(input_[pos_])) ++pos_;
    if (pos_ >= n) return false;
    char c = input_[pos_];
    if (c == '>') {
      ++pos_;
      return true;
    }
    if (c == '/') {
      ++pos_;
      if (pos_ < n && input_[pos_] == '>') {
        token->self_closing = true;
        ++pos_;
        return true;
      }
      continue;
    }
    size_t name_start = pos_++;
    while (pos_ < n && !IsSpace(input_[pos_]) && input_[pos_] != '/' && input_[pos_] != '>' &&
           input_[pos_] != '=') {
      ++pos_;
    }
    std::string_view raw_name = input_.substr(name_start, pos_ - name_start);
    while (pos_ < n && IsSpace(input_[pos_])) ++pos_;
    std::string_view raw_value;
    if (pos_ < n && input_[pos_] == '=') {
      ++pos_;
      while (pos_ < n && IsSpace(input_[pos_])) ++pos_;
      if (pos_ >= n) return false;
      char quote = input_[pos_];
      if (quote == '"' || quote == '\'') {
        size_t end = input_.find(quote, pos_ + 1);
        if (end == std::string_view::npos) {
          pos_ = n;
          return false;
        }
        raw_value = input_.substr(pos_ + 1, end - pos_ - 1);
        pos_ = end + 1;
      } else {
        size_t start = pos_;
        while (pos_ < n && !IsSpace(input_[pos_]) && input_[pos_] != '>') ++pos_;
        raw_value = input_.substr(start, pos_ - start);
      }
    }
    AddAttribute(token, raw_name, raw_value);
  }
}

void HtmlTokenizer::AddAttribute(HtmlToken* token, std::string_view raw_name,
                                 std::string_view raw_value) {
  if (token->attributes.size() >= kMaxAttributes) {
    ++dropped_attributes_;
    return;
  }
  std::string name(raw_name);
  if (mode_ == Mode::kHtml) {
    for (char& c : name) c = ascii::ToLower(c);
  }
  for (const HtmlAttribute& a : token->attributes) {
    if (a.name == name) return;  // duplicate-attribute: the first one wins
  }
  HtmlAttribute attribute{std::move(name), {}};
  AppendDecoded(raw_value, true, &attribute.value);
  token->attributes.push_back(std::move(attribute));
}

void HtmlTokenizer::EnterRawState(const HtmlToken& start_tag) {
  const std::string& name = start_tag.name;
  if (name == "svg" || name == "math") {
    if (!start_tag.self_closing) ++foreign_depth_;
    return;
  }
  if (foreign_depth_ > 0) return;  // <title>, <style> in SVG/MathML are markup
  if (name == "script") {
    raw_kind_ = RawKind::kScript;
  } else if (name == "style" || name == "xmp" || name == "iframe" || name == "noembed" ||
             name == "noframes") {
    raw_kind_ = RawKind::kRawText;
  } else if (name == "title" || name == "textarea") {
    raw_kind_ = RawKind::kRcdata;
  } else if (name == "plaintext") {
    raw_kind_ = RawKind::kPlaintext;
  } else {
    return;
  }
  raw_end_name_ = name;
}

void HtmlTokenizer::ReadRawText(HtmlToken* token) {
  RawKind kind = raw_kind_;
  raw_kind_ = RawKind::kNone;
  size_t end = kind == RawKind::kPlaintext ? input_.size()
               : kind == RawKind::kScript  ? FindScriptEnd(pos_)
                                           : FindEndTag(pos_, raw_end_name_);
  token->type = HtmlToken::Type::kText;
  std::string_view text = input_.substr(pos_, end - pos_);
  if (kind == RawKind::kRcdata) {
    AppendDecoded(text, false, &token->text);
  } else {
    token->text.assign(text);
    token->raw = true;
  }
  pos_ = end;
}

size_t HtmlTokenizer::FindEndTag(size_t from, std::string_view name) const {
  while (true) {
    size_t p = input_.find("</", from);
    if (p == std::string_view::npos) return input_.size();
    if (IsTagNamed(input_, p, name, true)) return p;
    from = p + 2;
  }
}

// The script data, escaped and double-escaped states: "<!--" inside a script
// hides a "<script>…</script>" pair, so only the outer "</script" ends it.
size_t HtmlTokenizer::FindScriptEnd(size_t from) const {
  enum { kData, kEscaped, kDoubleEscaped } state = kData;
  size_t p = from;
  while (true) {
    p = input_.find_first_of("<-", p);
    if (p == std::string_view::npos) return input_.size();
    if (input_[p] == '-') {
      if (input_.compare(p, 3, "-->") == 0 && state != kData) {
        state = kData;
        p += 3;
      } else {
        ++p;
      }
      continue;
    }
    if (input_.compare(p, 4, "<!--") == 0) {
      if (state == kData) state = kEscaped;
      p += 4;
      while (p < input_.size() && input_[p] == '-') ++p;
      if (state == kEscaped && p < input_.size() && input_[p] == '>') state = kData;
    } else if (IsTagNamed(input_, p, "script", true)) {
      if (state != kDoubleEscaped) return p;
      state = kEscaped;
      p += 8;
    } else if (state == kEscaped && IsTagNamed(input_, p, "script", false)) {
      state = kDoubleEscaped;
      p += 7;
    } else {
      ++p;
    }
  }
}

}  // namespace meetleak::feeds_internal
