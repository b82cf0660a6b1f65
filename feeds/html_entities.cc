#include "feeds/html_entities.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "base/ascii.h"

namespace meetleak::feeds_internal {
namespace {

struct NamedReference {
  const char* name;
  const char* utf8;
};

// html_entities_table.inc was generated with:
//   import html.entities as h
//   for k, v in sorted(h.html5.items()): emit {"k", "<v as \x escapes>"}
constexpr NamedReference kNamedReferences[] = {
#include "feeds/html_entities_table.inc"
};

constexpr size_t kLongestName = 32;       // "CounterClockwiseContourIntegral;"
constexpr size_t kLongestLegacyName = 6;  // names valid without ';' ("middot", "frac34")

// WHATWG "numeric character reference end state": C1 controls remapped as
// windows-1252 (index = code point - 0x80; 0 = keep as is).
constexpr uint16_t kWindows1252C1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

const NamedReference* FindNamed(std::string_view name) {
  auto less = [](const NamedReference& r, std::string_view n) { return r.name < n; };
  const NamedReference* end = std::end(kNamedReferences);
  const NamedReference* it = std::lower_bound(std::begin(kNamedReferences), end, name, less);
  if (it != end && std::string_view(it->name) == name) return it;
  return nullptr;
}

size_t DecodeNumeric(std::string_view text, std::string* out) {
  // text = "&#..."
  size_t i = 2;
  bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
  if (hex) ++i;
  size_t digits_start = i;
  uint32_t value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      break;
    }
    value = std::min<uint32_t>(value * (hex ? 16 : 10) + digit, 0x110000);
  }
  if (i == digits_start) return 0;  // "&#" or "&#x" with no digits: not a reference
  if (i < text.size() && text[i] == ';') ++i;
  if (value >= 0x80 && value <= 0x9F && kWindows1252C1[value - 0x80] != 0) {
    value = kWindows1252C1[value - 0x80];
  }
  AppendUtf8(value, out);
  return i;
}

}  // namespace

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t DecodeCharacterReference(std::string_view text, bool in_attribute, std::string* out) {
  if (text.size() < 2 || text[0] != '&') return 0;
  if (text[1] == '#') return DecodeNumeric(text, out);
  size_t run = 0;
  while (1 + run < text.size() && run < kLongestName && ascii::IsAlnum(text[1 + run])) ++run;
  if (run == 0) return 0;
  if (1 + run < text.size() && text[1 + run] == ';') {
    if (const NamedReference* r = FindNamed(text.substr(1, run + 1))) {
      out->append(r->utf8);
      return run + 2;
    }
  }
  // Legacy references without ';' ("&amp", "&copy"): the longest prefix wins.
  for (size_t len = std::min(run, kLongestLegacyName); len > 0; --len) {
    const NamedReference* r = FindNamed(text.substr(1, len));
    if (r == nullptr) continue;
    size_t next = 1 + len;
    if (in_attribute && next < text.size() && (text[next] == '=' || ascii::IsAlnum(text[next]))) {
      return 0;
    }
    out->append(r->utf8);
    return next;
  }
  return 0;
}

void AppendDecoded(std::string_view text, bool in_attribute, std::string* out) {
  size_t i = 0;
  while (i < text.size()) {
    size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out->append(text.substr(i));
      return;
    }
    out->append(text.substr(i, amp - i));
    size_t used = DecodeCharacterReference(text.substr(amp), in_attribute, out);
    if (used == 0) {
      out->push_back('&');
      used = 1;
    }
    i = amp + used;
  }
}

}  // namespace meetleak::feeds_internal
