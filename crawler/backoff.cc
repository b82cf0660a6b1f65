#include "crawler/backoff.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "base/ascii.h"

namespace meetleak {

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

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         Clock::TimePoint now) {
  value = ascii::Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), ascii::IsDigit)) {
    if (value.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24 * 365));
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return std::nullopt;
  auto wait = std::chrono::system_clock::from_time_t(when) - now;
  if (wait < std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(wait);
}

}  // namespace meetleak
