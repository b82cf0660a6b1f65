#include "feeds/charset.h"

#include <errno.h>
#include <iconv.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "base/ascii.h"
#include "feeds/html_tokenizer.h"

namespace meetleak::feeds_internal {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

std::string Trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\f\"'");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n\f\"'");
  return std::string(s.substr(b, e - b + 1));
}

// The index of the first byte >= 0x80 at or after `i` (32 bytes per step).
size_t SkipAscii(std::string_view text, size_t i) {
  while (i + 32 <= text.size()) {  // four words a step: the usual page is ASCII
    uint64_t w[4];
    std::memcpy(w, text.data() + i, 32);
    if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) break;
    i += 32;
  }
  while (i + 8 <= text.size()) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
    i += 8;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

// The length of the valid UTF-8 sequence at text[i], or 0 when invalid.
size_t ValidSequenceLength(std::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  unsigned char second = static_cast<unsigned char>(text[i + 1]);
  if (second < lo || second > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    unsigned char cont = static_cast<unsigned char>(text[i + k]);
    if (cont < 0x80 || cont > 0xBF) return 0;
  }
  return len;
}

// Maps a charset label to the name iconv knows, following the WHATWG
// Encoding standard's label table where it differs (latin1 → windows-1252…).
std::string CanonicalCharset(std::string_view label) {
  std::string l = ascii::Lower(Trimmed(label));
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kAliases = {{
      {"utf8", "utf-8"},
      {"unicode-1-1-utf-8", "utf-8"},
      {"iso-8859-1", "windows-1252"},
      {"iso8859-1", "windows-1252"},
      {"latin1", "windows-1252"},
      {"l1", "windows-1252"},
      {"us-ascii", "windows-1252"},
      {"ascii", "windows-1252"},
      {"cp1252", "windows-1252"},
      {"x-cp1252", "windows-1252"},
      {"iso_8859-1", "windows-1252"},
      {"gb2312", "gb18030"},
      {"gbk", "gb18030"},
      {"x-gbk", "gb18030"},
      {"euc-kr", "cp949"},
      {"ks_c_5601-1987", "cp949"},
      {"big5", "big5-hkscs"},
      {"x-sjis", "shift_jis"},
      {"sjis", "shift_jis"},
      {"iso-8859-9", "windows-1254"},
      {"tis-620", "windows-874"},
      {"unicode", "utf-16le"},
  }};
  for (const auto& [alias, name] : kAliases) {
    if (l == alias) return std::string(name);
  }
  return l;
}

size_t UnitSize(std::string_view charset) {
  if (charset.starts_with("utf-32") || charset.starts_with("ucs-4")) return 4;
  if (charset.starts_with("utf-16") || charset.starts_with("ucs-2")) return 2;
  return 1;
}

struct Bom {
  std::string_view bytes;
  std::string_view charset;
};

// UTF-32LE's BOM starts with UTF-16LE's, so it is tried first.
constexpr std::array<Bom, 5> kBoms = {{{std::string_view("\xFF\xFE\x00\x00", 4), "utf-32le"},
                                       {std::string_view("\x00\x00\xFE\xFF", 4), "utf-32be"},
                                       {"\xEF\xBB\xBF", "utf-8"},
                                       {"\xFE\xFF", "utf-16be"},
                                       {"\xFF\xFE", "utf-16le"}}};

// XML 1.0 Appendix F: the first four bytes of "<?xm" without a BOM.
std::string CharsetFromXmlStart(std::string_view body) {
  static constexpr std::array<Bom, 5> kStarts = {
      {{std::string_view("\x00\x00\x00\x3C", 4), "utf-32be"},
       {std::string_view("\x3C\x00\x00\x00", 4), "utf-32le"},
       {std::string_view("\x00\x3C\x00\x3F", 4), "utf-16be"},
       {std::string_view("\x3C\x00\x3F\x00", 4), "utf-16le"},
       {"\x4C\x6F\xA7\x94", "cp037"}}};
  for (const Bom& s : kStarts) {
    if (body.starts_with(s.bytes)) return std::string(s.charset);
  }
  return "";
}

std::string CharsetFromXmlDeclaration(std::string_view body) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || body.compare(start, 5, "<?xml") != 0) return "";
  size_t end = body.find("?>", start);
  std::string_view decl = body.substr(start, end == std::string_view::npos ? 512 : end - start);
  size_t enc = decl.find("encoding");
  if (enc == std::string_view::npos) return "";
  size_t quote = decl.find_first_of("\"'", enc);
  if (quote == std::string_view::npos) return "";
  size_t close = decl.find(decl[quote], quote + 1);
  if (close == std::string_view::npos) return "";
  return std::string(decl.substr(quote + 1, close - quote - 1));
}

// The WHATWG prescan, approximated with our tokenizer over the first 1024 bytes.
std::string CharsetFromMeta(std::string_view body) {
  HtmlTokenizer tokenizer(body.substr(0, 1024));
  HtmlToken token;
  while (tokenizer.Next(&token)) {
    if (token.type != HtmlToken::Type::kStartTag || token.name != "meta") continue;
    if (const std::string* charset = token.Attribute("charset")) return Trimmed(*charset);
    const std::string* equiv = token.Attribute("http-equiv");
    const std::string* content = token.Attribute("content");
    if (equiv != nullptr && content != nullptr && ascii::Lower(*equiv) == "content-type") {
      std::string found = CharsetFromContentType(*content);
      if (!found.empty()) return found;
    }
  }
  return "";
}

// Without any declaration: UTF-8 unless invalid sequences outnumber valid
// multi-byte ones (then the body is most likely windows-1252).
// `*valid` tells whether the body is valid UTF-8 as it stands.
std::string GuessCharset(std::string_view body, bool* valid) {
  size_t valid_multibyte = 0, invalid = 0;
  for (size_t i = SkipAscii(body, 0); i < body.size(); i = SkipAscii(body, i)) {
    size_t len = ValidSequenceLength(body, i);
    if (len == 0) {
      ++invalid;
      ++i;
    } else {
      ++valid_multibyte;
      i += len;
    }
  }
  *valid = invalid == 0;
  return invalid > valid_multibyte ? "windows-1252" : "utf-8";
}

// Labels reach iconv_open only when they look like charset names.
bool IsPlausibleLabel(std::string_view label) {
  if (label.empty() || label.size() > 40) return false;
  for (char c : label) {
    bool ok =
        ascii::IsLower(c) || ascii::IsDigit(c) || c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

bool ConvertWithIconv(std::string_view in, const std::string& charset, std::string* out) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  // (iconv_t)-1 is iconv_open's documented failure value.
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;  // NOLINT(performance-no-int-to-ptr)
  const size_t unit = UnitSize(charset);
  char* in_ptr = const_cast<char*>(in.data());
  size_t in_left = in.size();
  char buffer[65536];
  out->reserve(in.size() + in.size() / 4);
  while (in_left > 0) {
    char* out_ptr = buffer;
    size_t out_left = sizeof buffer;
    size_t r = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    out->append(buffer, out_ptr - buffer);
    if (r != static_cast<size_t>(-1) || errno == E2BIG) continue;
    out->append(kReplacement);
    if (errno == EINVAL) break;  // a truncated sequence at the end
    size_t skip = std::min(unit, in_left);
    in_ptr += skip;
    in_left -= skip;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  char* out_ptr = buffer;
  size_t out_left = sizeof buffer;
  iconv(cd, nullptr, nullptr, &out_ptr, &out_left);  // flush shift state
  out->append(buffer, out_ptr - buffer);
  iconv_close(cd);
  return true;
}

}  // namespace

std::string CharsetFromContentType(std::string_view content_type) {
  std::string lowered = ascii::Lower(content_type);
  size_t p = lowered.find("charset");
  while (p != std::string::npos) {
    size_t eq = lowered.find_first_not_of(" \t", p + 7);
    if (eq != std::string::npos && lowered[eq] == '=') {
      std::string_view value = std::string_view(lowered).substr(eq + 1);
      size_t end = value.find_first_of(";,");
      return Trimmed(value.substr(0, end));
    }
    p = lowered.find("charset", p + 7);
  }
  return "";
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = SkipAscii(text, 0); i < text.size(); i = SkipAscii(text, i)) {
    size_t len = ValidSequenceLength(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

size_t RepairUtf8(std::string* text) {
  if (IsValidUtf8(*text)) return 0;
  std::string out;
  out.reserve(text->size() + 16);
  size_t replaced = 0;
  for (size_t i = 0; i < text->size();) {
    size_t len = ValidSequenceLength(*text, i);
    if (len == 0) {
      out.append(kReplacement);
      ++replaced;
      ++i;
    } else {
      out.append(*text, i, len);
      i += len;
    }
  }
  *text = std::move(out);
  return replaced;
}

DecodedBody DecodeToUtf8(std::string_view body, std::string_view content_type,
                         std::vector<std::string>* warnings) {
  return DecodeToUtf8(std::string(body), content_type, warnings);
}

DecodedBody DecodeToUtf8(std::string&& owned, std::string_view content_type,
                         std::vector<std::string>* warnings) {
  const std::string_view body = owned;
  DecodedBody result;
  std::string label;
  for (const Bom& bom : kBoms) {
    if (body.starts_with(bom.bytes)) {
      label = bom.charset;
      result.bom_length = bom.bytes.size();
      break;
    }
  }
  if (label.empty()) label = CharsetFromContentType(content_type);
  if (label.empty()) label = CharsetFromXmlStart(body);
  if (label.empty()) label = CharsetFromXmlDeclaration(body);
  bool from_meta = false;
  if (label.empty() && body.substr(0, 64).find("<?xml") == std::string_view::npos) {
    label = CharsetFromMeta(body);
    from_meta = !label.empty();
  }
  bool known_valid = false;
  std::string charset = label.empty() ? GuessCharset(body, &known_valid) : CanonicalCharset(label);
  // A <meta> naming UTF-16/32 was read as ASCII, so it is wrong: WHATWG says UTF-8.
  if (from_meta && UnitSize(charset) > 1) charset = "utf-8";
  if (!IsPlausibleLabel(charset)) {
    warnings->push_back("unusable charset label: decoded as UTF-8");
    charset = "utf-8";
  }
  std::string_view content = body.substr(result.bom_length);
  if (charset == "utf-8") {
    // The body itself becomes the text: no copy unless a BOM goes.
    result.utf8 = std::move(owned);
    if (result.bom_length > 0) result.utf8.erase(0, result.bom_length);
    size_t replaced = known_valid && result.bom_length == 0 ? 0 : RepairUtf8(&result.utf8);
    if (replaced > 0) {
      warnings->push_back("invalid UTF-8: " + std::to_string(replaced) +
                          " byte(s) replaced with U+FFFD");
    }
  } else if (!ConvertWithIconv(content, charset, &result.utf8)) {
    warnings->push_back("unknown charset '" + charset + "': decoded as UTF-8");
    charset = "utf-8";
    result.utf8.assign(content);
    RepairUtf8(&result.utf8);
  }
  result.charset = charset;
  return result;
}

}  // namespace meetleak::feeds_internal
