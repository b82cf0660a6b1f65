// Charset detection and conversion to UTF-8 (iconv). Internal to feeds/.
#ifndef MEETLEAK_FEEDS_CHARSET_H_
#define MEETLEAK_FEEDS_CHARSET_H_

#include <string>
#include <string_view>
#include <vector>

namespace meetleak::feeds_internal {

struct DecodedBody {
  std::string utf8;
  std::string charset;    // canonical lower-case name decoded from ("utf-8", "windows-1252", …)
  size_t bom_length = 0;  // bytes of BOM skipped
};

// The charset parameter of a Content-Type ("" if none), lower-cased, unquoted.
std::string CharsetFromContentType(std::string_view content_type);

// Decodes `body` to UTF-8. The charset comes from, in order: a BOM; the
// Content-Type's charset; the first bytes of an XML document in UTF-16/32 or
// EBCDIC; the XML declaration; a <meta charset> or http-equiv Content-Type in
// the first 1024 bytes (not for XML documents); else UTF-8 when the body is
// valid UTF-8, windows-1252 when not. Invalid sequences become U+FFFD; an
// unknown charset falls back to UTF-8 with a warning.
DecodedBody DecodeToUtf8(std::string_view body, std::string_view content_type,
                         std::vector<std::string>* warnings);
// The same, taking the body over: UTF-8 bodies are not copied.
DecodedBody DecodeToUtf8(std::string&& body, std::string_view content_type,
                         std::vector<std::string>* warnings);

// Replaces every invalid UTF-8 sequence in `text` with U+FFFD; returns how
// many were replaced.
size_t RepairUtf8(std::string* text);

// True when `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_CHARSET_H_
