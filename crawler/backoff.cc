#include "crawler/backoff.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "base/ascii.h"

namespace meetleak::crawler_internal {

std::chrono::milliseconds BackoffDelay(int attempt, std::string_view host) {
  std::chrono::milliseconds delay = kBackoffBase;
  for (int i = 1; i < attempt && delay < kBackoffCap; ++i) delay *= 2;
  delay = std::min(delay, kBackoffCap);
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : host) h = (h ^ c) * 1099511628211ull;
  h = (h ^ static_cast<std::uint64_t>(attempt)) * 1099511628211ull;
  auto jitter = delay.count() * static_cast<long long>(h % 501) / 1000;  // 0–50 %
  return delay + std::chrono::milliseconds(jitter);
}

std::string DurationText(std::chrono::milliseconds wait) {
  const long long ms = wait.count();
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  const long long s = ms / 1000;
  if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         Clock::TimePoint now) {
  value = ascii::Trim(value);
  if (value.empty()) return std::nullopt;
  const std::int64_t ceiling = std::chrono::seconds(kRetryAfterCeiling).count();
  std::int64_t seconds = 0;
  if (std::all_of(value.begin(), value.end(), ascii::IsDigit)) {
    for (char c : value) seconds = std::min(ceiling, seconds * 10 + (c - '0'));
  } else {
    // time_t arithmetic in seconds: a system_clock time_point counts
    // nanoseconds and would overflow past the year 2262.
    const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
    if (when == -1) return std::nullopt;
    const std::int64_t from = std::chrono::system_clock::to_time_t(now);
    if (static_cast<std::int64_t>(when) <= from) return std::chrono::milliseconds(0);
    if (__builtin_sub_overflow(static_cast<std::int64_t>(when), from, &seconds)) seconds = ceiling;
    seconds = std::min(seconds, ceiling);
  }
  return std::chrono::milliseconds(std::chrono::seconds(seconds));
}

}  // namespace meetleak::crawler_internal
