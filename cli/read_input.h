// Reading a whole local document (`scan FILE`, `scan -`) in large blocks,
// each byte copied once from the kernel into the string handed on.
#ifndef MEETLEAK_CLI_READ_INPUT_H_
#define MEETLEAK_CLI_READ_INPUT_H_

#include <cstddef>
#include <string>

#include "base/status.h"
#include "matchers/matcher.h"

namespace meetleak::cli {

// The largest document the matcher takes (its offsets are 32-bit).
inline constexpr std::size_t kMaxDocumentBytes = (std::size_t{1} << 32) - 1;

// Reads `fd` from its current position to its end. A regular file is read
// straight into a string of the size fstat gives (bytes appended meanwhile
// are not read); a pipe or terminal in 1 MiB blocks
// joined once at the end. While a pipe has nothing to read, `stop` (may be
// null) is polled every 100 ms: when it is cancelled the bytes read so far
// are returned and the caller, which owns the token, discards them.
// kUnavailable "WHAT: cannot read: reason", or "WHAT: over 4 GiB" past
// kMaxDocumentBytes (no local document is capped below that: a file given
// by hand is trusted, unlike a fetched body).
Result<std::string> ReadDocument(int fd, const std::string& what, const CancelToken* stop);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_READ_INPUT_H_
