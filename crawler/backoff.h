// Backoff and Retry-After, internal to crawler/.
#ifndef MEETLEAK_CRAWLER_BACKOFF_H_
#define MEETLEAK_CRAWLER_BACKOFF_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace meetleak::crawler_internal {

inline constexpr std::chrono::milliseconds kBackoffBase{1000};
inline constexpr std::chrono::milliseconds kBackoffCap{60'000};

// The wait before attempt `attempt + 1` after `attempt` failed (attempt ≥ 1):
// kBackoffBase × 2^(attempt-1), capped at kBackoffCap, stretched by a jitter
// of 0–50 % that depends on the host, so failing hosts fall out of step.
std::chrono::milliseconds BackoffDelay(int attempt, std::string_view host);

// Longest wait ParseRetryAfter returns: larger values (a number of seconds
// of any length, a date in the year 9999) saturate here instead of
// overflowing. The fetcher's own cap (retry_after_max) is far below.
inline constexpr std::chrono::hours kRetryAfterCeiling{24 * 365 * 1000};

// A Retry-After value: delta-seconds or an HTTP-date. The wait from `now`
// (zero for a date in the past, at most kRetryAfterCeiling); nullopt when
// unparseable. Computed in seconds: no date wraps into "now".
// "90s", "15m", "6h", "2d" (the config's interval spelling), the largest
// whole unit; "1500ms" below a second.
std::string DurationText(std::chrono::milliseconds wait);

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         Clock::TimePoint now);

}  // namespace meetleak::crawler_internal

#endif  // MEETLEAK_CRAWLER_BACKOFF_H_
