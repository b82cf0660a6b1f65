// TerminalSafe: text from outside (crawled pages, CSV files, server replies,
// file names) made safe to print on a terminal or in a text report.
//
//   std::cout << TerminalSafe(topic) << "\n";
//
// Every byte or character that could move the cursor, change colours, retitle
// the window or reorder what the reader sees is shown as an escape instead:
//  - C0 controls (ESC, CR, LF, TAB, …) and DEL as "\xHH";
//  - bytes that are not valid UTF-8 as "\xHH" (the raw byte's value);
//  - C1 controls (U+0080–U+009F), the bidi controls (U+061C, U+200E, U+200F,
//    U+202A–U+202E, U+2066–U+2069) and the line and paragraph separators
//    (U+2028, U+2029) as "\u{XXXX}".
// Everything else, valid UTF-8 included, passes unchanged. Pure; no locale.
// Every text meant for a terminal or a text report goes through it: the
// CLI's messages and listings, and report/'s text rendering.
#ifndef MEETLEAK_BASE_TERMINAL_H_
#define MEETLEAK_BASE_TERMINAL_H_

#include <string>
#include <string_view>

namespace meetleak {

std::string TerminalSafe(std::string_view text);

}  // namespace meetleak

#endif  // MEETLEAK_BASE_TERMINAL_H_
