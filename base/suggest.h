// "Did you mean": the known word closest to a mistyped one (a config key, a
// subcommand, an option), when it is close enough to be a likely typo.
//
//   ClosestWord("lekas", {"inventory", "leaks", "scan"})  // "leaks"
//   ClosestWord("zzzz", {"leaks"})                        // "": no guess
#ifndef MEETLEAK_BASE_SUGGEST_H_
#define MEETLEAK_BASE_SUGGEST_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace meetleak {

// Levenshtein distance, ASCII case-insensitive (meant for short words).
std::size_t EditDistance(std::string_view a, std::string_view b);

// The word of `known` nearest to `word`, if within max(2, |word| / 3) edits;
// else "". Ties go to the first in `known`. The view points into `known`.
std::string_view ClosestWord(std::string_view word, const std::vector<std::string_view>& known);

}  // namespace meetleak

#endif  // MEETLEAK_BASE_SUGGEST_H_
