#include "db/due.h"

#include <algorithm>
#include <cstdint>

namespace meetleak::db {
namespace {

std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// 0–5 % of the interval, fixed per URL.
std::chrono::seconds Jitter(std::string_view url, std::chrono::seconds interval) {
  const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(interval.count(), 0)) / 20;
  if (span == 0) return std::chrono::seconds(0);
  return std::chrono::seconds(static_cast<std::int64_t>(Fnv1a(url) % (span + 1)));
}

std::chrono::seconds BackedOff(std::chrono::seconds interval, int consecutive_failures) {
  const std::chrono::seconds cap = std::max<std::chrono::seconds>(interval, kMaxBackoff);
  std::chrono::seconds backed_off = std::max(interval, std::chrono::seconds(1));
  for (int i = 0; i < consecutive_failures && backed_off < cap; ++i) backed_off *= 2;
  return std::min(backed_off, cap);
}

}  // namespace

std::chrono::seconds NextDueDelay(std::string_view url, std::chrono::seconds interval,
                                  int consecutive_failures) {
  return BackedOff(interval, consecutive_failures) + Jitter(url, interval);
}

Clock::TimePoint NextDue(std::string_view url, std::chrono::seconds interval,
                         int consecutive_failures, Clock::TimePoint attempt,
                         std::optional<Clock::TimePoint> retry_after) {
  Clock::TimePoint due = attempt + NextDueDelay(url, interval, consecutive_failures);
  if (retry_after) due = std::max(due, *retry_after);
  return due;
}

}  // namespace meetleak::db
