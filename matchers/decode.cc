// Decoding of the wrappings a Zoom reference hides in (see internal.h).
#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>

#include "matchers/internal.h"

namespace meetleak::matchers_internal {
namespace {

struct NamedEntity {
  std::string_view name;
  std::string_view value;
};

// The named entities that can stand in a URL or an invitation line. Letters
// with accents are here for the localized labels ("ID de r&eacute;union").
constexpr std::array<NamedEntity, 55> kEntities{{
    {"amp", "&"},
    {"AMP", "&"},
    {"lt", "<"},
    {"LT", "<"},
    {"gt", ">"},
    {"GT", ">"},
    {"quot", "\""},
    {"QUOT", "\""},
    {"apos", "'"},
    {"nbsp", " "},
    {"ensp", " "},
    {"emsp", " "},
    {"thinsp", " "},
    {"sol", "/"},
    {"colon", ":"},
    {"quest", "?"},
    {"equals", "="},
    {"num", "#"},
    {"percnt", "%"},
    {"period", "."},
    {"commat", "@"},
    {"lowbar", "_"},
    {"hyphen", "-"},
    {"dash", "-"},
    {"comma", ","},
    {"semi", ";"},
    {"excl", "!"},
    {"plus", "+"},
    {"ast", "*"},
    {"lpar", "("},
    {"rpar", ")"},
    {"lsqb", "["},
    {"rsqb", "]"},
    {"lbrack", "["},
    {"rbrack", "]"},
    {"eacute", "\xC3\xA9"},
    {"Eacute", "\xC3\x89"},
    {"egrave", "\xC3\xA8"},
    {"ecirc", "\xC3\xAA"},
    {"aacute", "\xC3\xA1"},
    {"agrave", "\xC3\xA0"},
    {"atilde", "\xC3\xA3"},
    {"acirc", "\xC3\xA2"},
    {"ccedil", "\xC3\xA7"},
    {"iacute", "\xC3\xAD"},
    {"oacute", "\xC3\xB3"},
    {"otilde", "\xC3\xB5"},
    {"ocirc", "\xC3\xB4"},
    {"uacute", "\xC3\xBA"},
    {"ntilde", "\xC3\xB1"},
    {"uuml", "\xC3\xBC"},
    {"ouml", "\xC3\xB6"},
    {"auml", "\xC3\xA4"},
    {"szlig", "\xC3\x9F"},
    {"shy", "\xC2\xAD"},
}};

// UTF-8 of a code point, with the Unicode spaces and the fullwidth colon
// folded to ASCII. Empty for code points we do not produce (NUL, surrogates,
// out of range, and ASCII letters and digits unless `letters`).
std::string EncodeCodePoint(std::uint32_t cp, bool letters) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  if (cp < 0x80) {
    if (!letters && ascii::IsAlnum(static_cast<char>(cp))) return {};
    return std::string(1, static_cast<char>(cp));
  }
  if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000)
    return " ";
  if (cp == 0xFF1A) return ":";
  std::string out;
  if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  }
  out += static_cast<char>(0x80 | (cp & 0x3F));
  return out;
}

struct Escape {
  std::size_t length = 0;  // raw bytes consumed; 0: no escape here
  std::string value;
};

Escape DecodeEntity(std::string_view t, std::size_t i, std::size_t end, bool letters) {
  // t[i] == '&'
  if (i + 2 < end && t[i + 1] == '#') {
    bool hex = t[i + 2] == 'x' || t[i + 2] == 'X';
    std::size_t k = i + (hex ? 3 : 2);
    std::uint32_t cp = 0;
    std::size_t digits = 0;
    while (k < end && digits < 8) {
      int v = hex ? ascii::HexValue(t[k]) : (ascii::IsDigit(t[k]) ? t[k] - '0' : -1);
      if (v < 0) break;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      ++k;
      ++digits;
    }
    if (digits == 0 || k >= end || t[k] != ';') return {};
    std::string value = EncodeCodePoint(cp, letters);
    if (value.empty()) return {};
    return {k + 1 - i, std::move(value)};
  }
  for (const NamedEntity& e : kEntities) {
    std::size_t stop = i + 1 + e.name.size();
    if (stop < end && t[stop] == ';' && t.compare(i + 1, e.name.size(), e.name) == 0)
      return {stop + 1 - i, std::string(e.value)};
  }
  return {};
}

Escape DecodeBackslash(std::string_view t, std::size_t i, std::size_t end, bool letters) {
  if (i + 1 >= end) return {};
  char c = t[i + 1];
  if (c == '/') return {2, "/"};
  if (letters) {  // the string escapes around a label and its value
    if (c == 'n') return {2, "\n"};
    if (c == 'r') return {2, "\r"};
    if (c == 't') return {2, "\t"};
    if (c == '"' || c == '\'') return {2, std::string(1, c)};
  }
  if ((c == 'u' || c == 'U') && i + 5 < end) {
    std::uint32_t cp = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
      int v = ascii::HexValue(t[k]);
      if (v < 0) return {};
      cp = cp * 16 + static_cast<std::uint32_t>(v);
    }
    std::string value = EncodeCodePoint(cp, letters);
    if (value.empty()) return {};
    return {6, std::move(value)};
  }
  if (c == 'x' && i + 3 < end) {
    int hi = ascii::HexValue(t[i + 2]), lo = ascii::HexValue(t[i + 3]);
    if (hi < 0 || lo < 0) return {};
    unsigned char b = static_cast<unsigned char>(hi * 16 + lo);
    if (b == 0 || (!letters && ascii::IsAlnum(static_cast<char>(b)))) return {};
    return {4, std::string(1, static_cast<char>(b))};
  }
  return {};
}

// %HH (and '-HH' inside a Proofpoint v2 u= parameter).
Escape DecodeHexByte(std::string_view t, std::size_t i, std::size_t end, bool letters = false) {
  if (i + 2 >= end) return {};
  int hi = ascii::HexValue(t[i + 1]), lo = ascii::HexValue(t[i + 2]);
  if (hi < 0 || lo < 0) return {};
  unsigned char b = static_cast<unsigned char>(hi * 16 + lo);
  if (b == 0 || (!letters && ascii::IsAlnum(static_cast<char>(b)))) return {};
  return {3, std::string(1, static_cast<char>(b))};
}

// Raw Unicode spaces (NBSP, thin, narrow, ideographic …) and the fullwidth
// colon, folded so labels and separators need one spelling.
Escape FoldUnicode(std::string_view t, std::size_t i, std::size_t end) {
  unsigned char b0 = static_cast<unsigned char>(t[i]);
  if (b0 == 0xC2 && i + 1 < end && static_cast<unsigned char>(t[i + 1]) == 0xA0) return {2, " "};
  if (i + 2 >= end) return {};
  unsigned char b1 = static_cast<unsigned char>(t[i + 1]);
  unsigned char b2 = static_cast<unsigned char>(t[i + 2]);
  if (b0 == 0xE2 && b1 == 0x80 && (b2 <= 0x8A || b2 == 0xAF)) return {3, " "};
  if (b0 == 0xE2 && b1 == 0x81 && b2 == 0x9F) return {3, " "};
  if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) return {3, " "};
  if (b0 == 0xEF && b1 == 0xBC && b2 == 0x9A) return {3, ":"};
  return {};
}

constexpr std::array<std::string_view, 6> kBracketDots{"[.]",   "(.)",   "{.}",
                                                       "[dot]", "(dot)", "{dot}"};

// zoom[.]us-style tokens (no spaces), and the defanged [:] and [/].
Escape DecodeBracket(std::string_view t, std::size_t i, std::size_t end) {
  for (std::string_view tok : kBracketDots)
    if (i + tok.size() <= end && ascii::HasAtIgnoreCase(t, i, tok)) return {tok.size(), "."};
  if (i + 3 <= end && t.compare(i, 3, "[:]") == 0) return {3, ":"};
  if (i + 3 <= end && t.compare(i, 3, "[/]") == 0) return {3, "/"};
  return {};
}

struct Output {
  std::string text;
  std::vector<std::uint32_t> src;
  void Put(std::string_view s, std::size_t raw) {
    text.append(s);
    src.insert(src.end(), s.size(), static_cast<std::uint32_t>(raw));
  }
};

// The rules of the first level only: they read raw context. Proofpoint
// URL Defense v2 encodes its u= parameter with '-XX' and '_' for '/'; v3
// wraps the URL literally between "/v3/__" and "__;".
struct FirstLevelRules {
  bool proofpoint_v2 = false;
  bool proofpoint_v3 = false;

  // A marker to copy as is (its length), or 0.
  std::size_t Marker(std::string_view t, std::size_t i, std::size_t end) {
    if (t[i] != '/') return 0;
    if (i + 10 <= end && ascii::HasAtIgnoreCase(t, i, "/v2/url?u="))
      return proofpoint_v2 = true, 10;
    if (i + 6 <= end && ascii::HasAtIgnoreCase(t, i, "/v3/__")) return proofpoint_v3 = true, 6;
    return 0;
  }

  Escape At(std::string_view t, std::size_t i, std::size_t end) {
    char c = t[i];
    if (IsDelimiter(static_cast<unsigned char>(c))) proofpoint_v2 = proofpoint_v3 = false;
    if (proofpoint_v2 && c == '&') proofpoint_v2 = false;
    if (proofpoint_v2 && c == '-') return DecodeHexByte(t, i, end);
    if (proofpoint_v2 && c == '_') return {1, "/"};
    if (proofpoint_v3 && c == '_' && i + 3 <= end && t.compare(i, 3, "__;") == 0) {
      proofpoint_v3 = false;
      return {3, " "};  // the end of the wrapped URL
    }
    if (c == ' ') {
      std::size_t n = SpacedDotAt(t, i);
      if (n != 0 && i + n <= end) return {n, "."};
    }
    if (c == '[' || c == '(' || c == '{') return DecodeBracket(t, i, end);
    return {};
  }
};

Escape Unescape(std::string_view t, std::size_t i, std::size_t end, bool letters) {
  char c = t[i];
  if (c == '&') return DecodeEntity(t, i, end, letters);
  if (c == '%') return DecodeHexByte(t, i, end, letters);
  if (c == '\\') return DecodeBackslash(t, i, end, letters);
  if (static_cast<unsigned char>(c) >= 0xC2) return FoldUnicode(t, i, end);
  return {};
}

// Whether byte c, outside a Proofpoint wrapper, is copied as it is by a
// decoding level: it starts no escape ('&', '%', '\\', a UTF-8 lead byte
// that may fold) and, at the first level, no marker ('/'), spaced dot (' ')
// or bracketed dot ('[', '(', '{').
bool IsPlainByte(unsigned char c, bool first) {
  if (c == '&' || c == '%' || c == '\\' || c >= 0xC2) return false;
  return !first || (c != '/' && c != ' ' && c != '[' && c != '(' && c != '{');
}

// One decoding level over t[begin, end). `first` enables the rules that
// read raw context (obfuscation, Proofpoint); later levels only unescape.
// Returns whether anything changed.
bool DecodeLevel(std::string_view t, std::size_t begin, std::size_t end, bool first, bool letters,
                 Output* out) {
  bool changed = false;
  FirstLevelRules rules;
  std::size_t i = begin;
  while (i < end) {
    // Bytes that start no marker or escape copy as a run: letters and
    // digits always; other plain bytes while no Proofpoint wrapper is open
    // (a delimiter would only close it).
    const bool wrapped = rules.proofpoint_v2 || rules.proofpoint_v3;
    const auto plain = [&](char ch) {
      return ascii::IsAlnum(ch) || (!wrapped && IsPlainByte(static_cast<unsigned char>(ch), first));
    };
    if (plain(t[i])) {
      std::size_t run = i + 1;
      while (run < end && plain(t[run])) ++run;
      out->text.append(t.substr(i, run - i));
      const std::size_t at = out->src.size();
      out->src.resize(at + (run - i));  // filled in one pass, not a push_back per byte
      std::iota(out->src.begin() + static_cast<std::ptrdiff_t>(at), out->src.end(),
                static_cast<std::uint32_t>(i));
      i = run;
      continue;
    }
    if (std::size_t marker = first ? rules.Marker(t, i, end) : 0; marker != 0) {
      out->Put(t.substr(i, marker), i);
      i += marker;
      continue;
    }
    Escape esc = first ? rules.At(t, i, end) : Escape{};
    if (esc.length == 0) esc = Unescape(t, i, end, letters);
    if (esc.length == 0) {
      out->text.push_back(t[i]);
      out->src.push_back(static_cast<std::uint32_t>(i));
      ++i;
      continue;
    }
    out->Put(esc.value, i);
    i += esc.length;
    changed = true;
  }
  out->src.push_back(static_cast<std::uint32_t>(end));
  return changed;
}

// Length of an invisible character at s[i] that editors put inside words
// (soft hyphen, zero-width space/joiners, word joiner, BOM), or 0.
std::size_t InvisibleAt(std::string_view s, std::size_t i) {
  unsigned char b0 = static_cast<unsigned char>(s[i]);
  if (b0 == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xAD) return 2;
  if (i + 2 >= s.size()) return 0;
  unsigned char b1 = static_cast<unsigned char>(s[i + 1]);
  unsigned char b2 = static_cast<unsigned char>(s[i + 2]);
  if (b0 == 0xE2 && b1 == 0x80 && b2 >= 0x8B && b2 <= 0x8D) return 3;
  if (b0 == 0xE2 && b1 == 0x81 && b2 == 0xA0) return 3;
  if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) return 3;
  return 0;
}

void DropInvisible(Output* o) {
  // Most text holds no lead byte of one: nothing to copy.
  if (std::none_of(o->text.begin(), o->text.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c == 0xC2 || c == 0xE2 || c == 0xEF;
      }))
    return;
  Output out;
  out.text.reserve(o->text.size());
  out.src.reserve(o->src.size());
  for (std::size_t i = 0; i < o->text.size();) {
    unsigned char c = static_cast<unsigned char>(o->text[i]);
    std::size_t n = (c == 0xC2 || c == 0xE2 || c == 0xEF) ? InvisibleAt(o->text, i) : 0;
    if (n != 0) {
      i += n;
      continue;
    }
    out.text.push_back(o->text[i]);
    out.src.push_back(o->src[i]);
    ++i;
  }
  out.src.push_back(o->src.back());
  *o = std::move(out);
}

}  // namespace

bool IsDelimiter(unsigned char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
    case '"':
    case '\'':
    case '`':
    case '<':
    case '>':
      return true;
    default:
      return false;
  }
}

std::size_t SpacedDotAt(std::string_view raw, std::size_t i) {
  if (i == 0 || i >= raw.size() || raw[i] != ' ') return 0;
  if (!ascii::IsAlnum(raw[i - 1])) return 0;
  static constexpr std::array<std::string_view, 7> kCores{"dot",   "[.]",   "(.)",  "{.}",
                                                          "[dot]", "(dot)", "{dot}"};
  for (std::string_view core : kCores) {
    std::size_t after = i + 1 + core.size();
    if (after + 1 >= raw.size()) continue;
    if (!ascii::HasAtIgnoreCase(raw, i + 1, core) || raw[after] != ' ') continue;
    if (ascii::IsAlnum(raw[after + 1])) return core.size() + 2;
  }
  return 0;
}

std::size_t SpacedDotEndingAt(std::string_view raw, std::size_t end) {
  for (std::size_t n : {5u, 7u}) {
    if (end < n) continue;
    if (SpacedDotAt(raw, end - n) == n) return n;
  }
  return 0;
}

std::pair<std::size_t, std::size_t> SegmentAround(std::string_view raw, std::size_t p,
                                                  std::size_t lo) {
  std::size_t b = p;
  while (b > lo && p - b < kMaxLeft) {
    unsigned char c = static_cast<unsigned char>(raw[b - 1]);
    if (!IsDelimiter(c)) {
      --b;
      continue;
    }
    std::size_t n = c == ' ' ? SpacedDotEndingAt(raw, b) : 0;
    if (n == 0 || b - lo < n) break;
    b -= n;
  }
  std::size_t e = p;
  while (e < raw.size() && e - p < kMaxRight) {
    unsigned char c = static_cast<unsigned char>(raw[e]);
    if (!IsDelimiter(c)) {
      ++e;
      continue;
    }
    std::size_t n = c == ' ' ? SpacedDotAt(raw, e) : 0;
    if (n == 0) break;
    e += n;
  }
  return {b, e};
}

Decoded DecodeRange(std::string_view raw, std::size_t begin, std::size_t end, DecodeMode mode) {
  CountDecoded(end - begin);
  const bool letters = mode == DecodeMode::kAll;
  Output level;
  level.text.reserve(end - begin);
  level.src.reserve(end - begin + 1);
  bool changed = DecodeLevel(raw, begin, end, /*first=*/true, letters, &level);
  for (int depth = 1; changed && depth < 3; ++depth) {
    Output next;
    CountDecoded(level.text.size());
    next.text.reserve(level.text.size());
    next.src.reserve(level.text.size() + 1);
    changed = DecodeLevel(level.text, 0, level.text.size(), /*first=*/false, letters, &next);
    for (std::uint32_t& s : next.src) s = level.src[s];
    level = std::move(next);
  }
  if (letters) DropInvisible(&level);
  return Decoded{std::move(level.text), std::move(level.src)};
}

}  // namespace meetleak::matchers_internal
