// Numbers as meeting references: labelled IDs in invitation text, one-tap
// dial strings, SIP addresses and bare inventory IDs. The digit grammar runs
// on raw bytes (digits are never decoded, see internal.h); the words around a
// number are read from a small decoded window.
#include <re2/re2.h>

#include <array>

#include "matchers/internal.h"
#include "matchers/inventory.h"

namespace meetleak::matchers_internal {
namespace {

// Spellings of a space between digit groups, raw or escaped.
constexpr std::array<std::string_view, 9> kSpaceTokens{
    " ", "\t", "-", "\xC2\xA0", "\xE2\x80\xAF", "&nbsp;", "&#160;", "&#xa0;", "\\u00a0"};
constexpr std::array<std::string_view, 2> kPercentSpaces{"%20", "%c2%a0"};

// Inline tags may split a number ("855 <b>1234</b> 5678"); a block tag
// (</td>, <br>, </p>) ends it.
constexpr std::array<std::string_view, 13> kInlineTags{
    "span", "b", "strong", "i", "em", "u", "a", "font", "mark", "code", "small", "big", "wbr"};

std::size_t InlineTagAt(std::string_view raw, std::size_t i) {
  if (i >= raw.size() || raw[i] != '<') return 0;
  std::size_t k = i + 1;
  if (k < raw.size() && raw[k] == '/') ++k;
  std::size_t name_start = k;
  while (k < raw.size() && k - name_start < 8 &&
         ((raw[k] >= 'a' && raw[k] <= 'z') || (raw[k] >= 'A' && raw[k] <= 'Z')))
    ++k;
  std::string name = ascii::Lower(raw.substr(name_start, k - name_start));
  bool inline_name = false;
  for (std::string_view tag : kInlineTags) inline_name = inline_name || name == tag;
  if (!inline_name || k >= raw.size()) return 0;
  if (raw[k] != '>' && raw[k] != ' ' && raw[k] != '/') return 0;
  for (std::size_t end = k; end < raw.size() && end - i < 200; ++end) {
    if (raw[end] == '<') return 0;
    if (raw[end] == '>') return end + 1 - i;
  }
  return 0;
}

struct Token {
  std::size_t length = 0;
  bool visible = false;
};

Token SepTokenAt(std::string_view raw, std::size_t i) {
  if (i >= raw.size()) return {};
  switch (raw[i]) {  // the first bytes of every token below
    case ' ':
    case '\t':
    case '-':
    case '\xC2':
    case '\xE2':
    case '&':
    case '\\':
    case '%':
    case '<':
      break;
    default:
      return {};
  }
  for (std::string_view t : kSpaceTokens)
    if (ascii::HasAtIgnoreCase(raw, i, t)) return {t.size(), true};
  for (std::string_view t : kPercentSpaces)
    if (ascii::HasAtIgnoreCase(raw, i, t)) return {t.size(), true};
  std::size_t tag = InlineTagAt(raw, i);
  return {tag, false};
}

Token SepTokenEndingAt(std::string_view raw, std::size_t end) {
  if (end == 0) return {};
  switch (raw[end - 1]) {  // the last bytes of every token below
    case ' ':
    case '\t':
    case '-':
    case '\xA0':
    case '\xAF':
    case ';':
    case '0':
    case '>':
      break;
    default:
      return {};
  }
  for (std::string_view t : kSpaceTokens)
    if (end >= t.size() && ascii::HasAtIgnoreCase(raw, end - t.size(), t)) return {t.size(), true};
  for (std::string_view t : kPercentSpaces)
    if (end >= t.size() && ascii::HasAtIgnoreCase(raw, end - t.size(), t)) return {t.size(), true};
  if (end > 0 && raw[end - 1] == '>') {
    std::size_t lo = end > 200 ? end - 200 : 0;
    for (std::size_t k = end - 1; k-- > lo;) {
      if (raw[k] == '>') break;
      if (raw[k] == '<') return {InlineTagAt(raw, k) == end - k ? end - k : 0, false};
    }
  }
  return {};
}

constexpr int kMaxSepTokens = 8;
constexpr int kMaxVisible = 2;

// Length of the separator between two digit groups starting at i (0: none).
std::size_t SepAt(std::string_view raw, std::size_t i) {
  std::size_t k = i;
  int tokens = 0, visible = 0;
  while (tokens < kMaxSepTokens) {
    Token t = SepTokenAt(raw, k);
    if (t.length == 0 || visible + t.visible > kMaxVisible) break;
    k += t.length;
    visible += t.visible;
    ++tokens;
  }
  return k - i;
}

std::size_t SepEndingAt(std::string_view raw, std::size_t end) {
  std::size_t k = end;
  int tokens = 0, visible = 0;
  while (tokens < kMaxSepTokens) {
    Token t = SepTokenEndingAt(raw, k);
    if (t.length == 0 || visible + t.visible > kMaxVisible) break;
    k -= t.length;
    visible += t.visible;
    ++tokens;
  }
  return end - k;
}

// The character before raw[p] as decoding would see it (%2C → ','), and
// where it starts. Escapes that would give a letter or digit are not decoded.
std::pair<char, std::size_t> PrevChar(std::string_view raw, std::size_t p) {
  if (p >= 3 && raw[p - 3] == '%' && ascii::HexValue(raw[p - 2]) >= 0 &&
      ascii::HexValue(raw[p - 1]) >= 0) {
    char c = static_cast<char>(ascii::HexValue(raw[p - 2]) * 16 + ascii::HexValue(raw[p - 1]));
    if (!ascii::IsAlnum(c)) return {c, p - 3};
  }
  if (p >= 6 && raw[p - 6] == '\\' && raw[p - 5] == 'u' && raw[p - 4] == '0' && raw[p - 3] == '0' &&
      ascii::HexValue(raw[p - 2]) >= 0 && ascii::HexValue(raw[p - 1]) >= 0) {
    char c = static_cast<char>(ascii::HexValue(raw[p - 2]) * 16 + ascii::HexValue(raw[p - 1]));
    if (!ascii::IsAlnum(c)) return {c, p - 6};
  }
  if (p >= 2 && raw[p - 2] == '\\' && (raw[p - 1] == 'n' || raw[p - 1] == 'r' || raw[p - 1] == 't'))
    return {'\n', p - 2};  // a string escape: "…ID:\n855 1234 5678"
  if (p >= 5 && ascii::HasAtIgnoreCase(raw, p - 5, "&#44;")) return {',', p - 5};
  if (p >= 7 && ascii::HasAtIgnoreCase(raw, p - 7, "&comma;")) return {',', p - 7};
  return {p > 0 ? raw[p - 1] : ' ', p > 0 ? p - 1 : 0};
}

std::pair<char, std::size_t> NextChar(std::string_view raw, std::size_t p) {
  if (p + 3 <= raw.size() && raw[p] == '%' && ascii::HexValue(raw[p + 1]) >= 0 &&
      ascii::HexValue(raw[p + 2]) >= 0) {
    char c = static_cast<char>(ascii::HexValue(raw[p + 1]) * 16 + ascii::HexValue(raw[p + 2]));
    if (!ascii::IsAlnum(c)) return {c, p + 3};
  }
  if (p + 6 <= raw.size() && raw[p] == '\\' && raw[p + 1] == 'u' && raw[p + 2] == '0' &&
      raw[p + 3] == '0' && ascii::HexValue(raw[p + 4]) >= 0 && ascii::HexValue(raw[p + 5]) >= 0) {
    char c = static_cast<char>(ascii::HexValue(raw[p + 4]) * 16 + ascii::HexValue(raw[p + 5]));
    if (!ascii::IsAlnum(c)) return {c, p + 6};
  }
  return {p < raw.size() ? raw[p] : ' ', p + 1};
}

bool IsWordChar(char c) { return ascii::IsAlnum(c) || c == '_'; }

bool LeftBoundaryOk(std::string_view raw, std::size_t p) {
  std::size_t sep = SepEndingAt(raw, p);
  if (sep > 0) {
    // The whole separator run, past the two visible ones a group may have:
    // "\u00a0-\u00a0855" ends in a '0' that is no digit of a number.
    std::size_t k = p - sep;
    for (Token t = SepTokenEndingAt(raw, k); t.length != 0; t = SepTokenEndingAt(raw, k))
      k -= t.length;
    return k == 0 || !ascii::IsDigit(PrevChar(raw, k).first);  // "%B8%20855 …" ends in an escape
  }
  auto [c, at] = PrevChar(raw, p);
  if (p == 0) return true;
  if (IsWordChar(c)) return false;
  if (c == '.' || c == ',') return at == 0 || !ascii::IsDigit(PrevChar(raw, at).first);
  return true;
}

// ".PASSCODE@zoomcrc.com" after a SIP meeting ID.
bool SipPasscodeAt(std::string_view raw, std::size_t p) {
  std::size_t k = p + 1;
  while (k < raw.size() && ascii::IsDigit(raw[k])) ++k;
  return k > p + 1 && ascii::HasAtIgnoreCase(raw, k, "@zoomcrc.");
}

bool RightBoundaryOk(std::string_view raw, std::size_t e) {
  std::size_t sep = SepAt(raw, e);
  if (sep > 0) return e + sep >= raw.size() || !ascii::IsDigit(raw[e + sep]);
  if (e >= raw.size()) return true;
  auto [c, next] = NextChar(raw, e);
  if (IsWordChar(c)) return false;
  if (c == '.' && SipPasscodeAt(raw, e)) return true;
  if (c == '.' || c == ',') return next >= raw.size() || !ascii::IsDigit(NextChar(raw, next).first);
  return true;
}

std::size_t DigitsAt(std::string_view raw, std::size_t p) {
  std::size_t k = p;
  while (k < raw.size() && ascii::IsDigit(raw[k])) ++k;
  return k - p;
}

}  // namespace

bool EscapeEndsAt(std::string_view raw, std::size_t p) {
  // Escapes ending in a digit: %HH, %C2%A0, \u00HH.
  bool may = (p >= 3 && raw[p - 3] == '%') || (p >= 6 && (raw[p - 6] == '%' || raw[p - 6] == '\\'));
  return may && (SepTokenEndingAt(raw, p).length > 0 || PrevChar(raw, p).second + 1 < p);
}

std::optional<DigitRun> ParseIdDigits(std::string_view raw, std::size_t p) {
  std::size_t first = DigitsAt(raw, p);
  if (first != 3 && (first < 9 || first > 11)) return std::nullopt;  // Matcher::Find relies on it
  if (!LeftBoundaryOk(raw, p)) return std::nullopt;
  DigitRun run;
  run.begin = p;
  run.digits = std::string(raw.substr(p, first));
  std::size_t k = p + first;
  if (first == 3) {
    std::size_t groups[2];
    for (std::size_t& g : groups) {
      std::size_t sep = SepAt(raw, k);
      if (sep == 0) return std::nullopt;
      g = DigitsAt(raw, k + sep);
      if (g != 3 && g != 4) return std::nullopt;
      run.digits.append(raw.substr(k + sep, g));
      k += sep + g;
    }
    if (groups[0] == 4 && groups[1] == 3) return std::nullopt;  // 3-4-3 is no Zoom grouping
  }
  if (!RightBoundaryOk(raw, k)) return std::nullopt;
  run.end = k;
  return run;
}

}  // namespace meetleak::matchers_internal
