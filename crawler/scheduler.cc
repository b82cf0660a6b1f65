#include "crawler/scheduler.h"

#include <algorithm>
#include <cstdint>

namespace meetleak {
namespace {

std::uint64_t Fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// 0–5 % of the interval, fixed per URL.
std::chrono::milliseconds Jitter(const ScheduledSource& s) {
  auto interval_ms = std::chrono::duration_cast<std::chrono::milliseconds>(s.interval).count();
  std::uint64_t span = static_cast<std::uint64_t>(interval_ms) / 20;
  if (span == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(Fnv1a(s.url) % (span + 1));
}

std::chrono::seconds BackedOffInterval(const ScheduledSource& s) {
  std::chrono::seconds cap = std::max<std::chrono::seconds>(s.interval, kMaxBackoff);
  std::chrono::seconds interval = std::max(s.interval, std::chrono::seconds(1));
  for (int i = 0; i < s.consecutive_failures && interval < cap; ++i) interval *= 2;
  return std::min(interval, cap);
}

}  // namespace

Clock::TimePoint DueTime(const ScheduledSource& source) {
  if (!source.last_fetched) {
    return source.retry_at.value_or(Clock::TimePoint::min());
  }
  Clock::TimePoint due = *source.last_fetched + BackedOffInterval(source) + Jitter(source);
  if (source.retry_at) due = std::max(due, *source.retry_at);
  return due;
}

SchedulePlan PlanPoll(const std::vector<ScheduledSource>& sources, Clock::TimePoint now, bool all) {
  SchedulePlan plan;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    Clock::TimePoint due = DueTime(sources[i]);
    if (all || due <= now) {
      plan.due.push_back(i);
    } else if (!plan.next_due || due < *plan.next_due) {
      plan.next_due = due;
    }
  }
  return plan;
}

}  // namespace meetleak
