// Internal to zoom/: the JSON reader that drops secrets, Retry-After.
#ifndef MEETLEAK_ZOOM_INTERNAL_H_
#define MEETLEAK_ZOOM_INTERNAL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace meetleak::zoom::internal {

using PasscodeDigest = std::function<std::string(std::string_view field, std::string_view value)>;

// Parses an API answer, removing the secret fields while it is read (see
// zoom/client.h), then wipes `body`. kUnavailable "not JSON" on a parse error
// (the body is not quoted: it may hold what was to be dropped).
Result<nlohmann::json> ParseWithoutSecrets(std::string& body, const PasscodeDigest& digest);

// Overwrites a string's bytes before it is freed.
void Wipe(std::string& s);

// A Retry-After value: seconds, an HTTP date, or an ISO 8601 UTC date
// ("2020-05-31T00:00:00Z", as Zoom documents for daily limits). The wait
// from `now` (zero for the past); nullopt when unparseable.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, Clock::TimePoint now);

// "2026-12-01T10:00:00Z" → unix seconds; nullopt unless exactly that shape.
std::optional<std::int64_t> ParseIsoUtc(std::string_view text);

// base64 (RFC 4648, padded).
std::string Base64(std::string_view bytes);

}  // namespace meetleak::zoom::internal

#endif  // MEETLEAK_ZOOM_INTERNAL_H_
