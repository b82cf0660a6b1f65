// Character references as the WHATWG HTML tokenizer decodes them: named
// (the full HTML5 table, longest match, legacy names without ';'), decimal
// and hexadecimal (with the windows-1252 remapping of 0x80–0x9F, and U+FFFD
// for 0, surrogates and values past U+10FFFF). Internal to feeds/.
#ifndef MEETLEAK_FEEDS_HTML_ENTITIES_H_
#define MEETLEAK_FEEDS_HTML_ENTITIES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace meetleak::feeds_internal {

// Appends the UTF-8 form of `code_point` (U+FFFD for invalid ones).
void AppendUtf8(uint32_t code_point, std::string* out);

// `text` starts at a '&'. Appends the decoded reference to `out` and returns
// how many bytes of `text` it spans, or returns 0 (appending nothing) when
// `text` does not start a reference. `in_attribute` applies the attribute-
// value rule: a legacy name without ';' followed by '=' or an alphanumeric is
// left alone.
size_t DecodeCharacterReference(std::string_view text, bool in_attribute, std::string* out);

// Appends `text` to `out` with every character reference decoded.
void AppendDecoded(std::string_view text, bool in_attribute, std::string* out);

}  // namespace meetleak::feeds_internal

#endif  // MEETLEAK_FEEDS_HTML_ENTITIES_H_
