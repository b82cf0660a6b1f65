// Locale-free ASCII helpers: classification, case folding, case-insensitive
// comparison, trimming and hex digits.
//
// Every function looks at bytes as ASCII and leaves any other byte (UTF-8
// included) untouched; none consults the C locale, so the result is the same
// whatever `setlocale` or the environment says (std::tolower and std::isalpha
// are not: under a Latin-1 locale they fold or accept bytes ≥ 0x80). Inline,
// so the matcher's hot loops pay nothing for the call.
#ifndef MEETLEAK_BASE_ASCII_H_
#define MEETLEAK_BASE_ASCII_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace meetleak::ascii {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
constexpr bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
constexpr bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// The C locale's white space: space, \t, \n, \v, \f, \r.
constexpr bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

constexpr char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

// 0–15 for a hex digit, -1 for any other byte.
constexpr int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `s` with A–Z folded to a–z (resp. a–z to A–Z).
inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}
inline std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToUpper(c);
  return out;
}

// True when `a` and `b` are equal once A–Z are folded to a–z.
constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  return true;
}

// True when `text` begins with `prefix`, ignoring ASCII case.
constexpr bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

// True when `text` holds `word` at `at`, ignoring ASCII case; false when `at`
// is past the end (no bounds check needed by the caller).
constexpr bool HasAtIgnoreCase(std::string_view text, std::size_t at, std::string_view word) {
  return at <= text.size() && StartsWithIgnoreCase(text.substr(at), word);
}

// True when `text` ends with `suffix`, ignoring ASCII case.
constexpr bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoreCase(text.substr(text.size() - suffix.size()), suffix);
}

// `s` without leading and trailing IsSpace bytes.
constexpr std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace meetleak::ascii

#endif  // MEETLEAK_BASE_ASCII_H_
