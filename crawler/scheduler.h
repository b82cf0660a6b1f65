// Scheduler: which sources are due for a poll. Pure: no clock, no I/O.
//
//   SchedulePlan plan = PlanPoll(sources, clock->Now(), /*all=*/false);
//   for (std::size_t i : plan.due) Poll(sources[i]);
//   if (plan.next_due) SleepUntil(*plan.next_due);
//
// A source never fetched is due at once. Otherwise it is due at
//   last_fetched + interval × 2^consecutive_failures (capped) + jitter,
// and never before its retry_at (a server's Retry-After or the fetcher's
// backoff). Jitter is a deterministic fraction (0–5 %) of the interval derived
// from the URL, so sources configured together do not stay aligned yet a
// source's own schedule is stable from run to run. Failure back-off doubles
// the interval per consecutive failure, capped at max(interval, kMaxBackoff).
// `all` (`run --all`) makes every source due, retry_at included.
#ifndef MEETLEAK_CRAWLER_SCHEDULER_H_
#define MEETLEAK_CRAWLER_SCHEDULER_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace meetleak {

struct ScheduledSource {
  std::string url;
  std::chrono::seconds interval{3600};           // the config's default 1h
  std::optional<Clock::TimePoint> last_fetched;  // none: never fetched
  int consecutive_failures = 0;
  std::optional<Clock::TimePoint> retry_at;
};

struct SchedulePlan {
  std::vector<std::size_t> due;              // indices into the input, in input order
  std::optional<Clock::TimePoint> next_due;  // earliest due time of the others; none if none
};

inline constexpr std::chrono::hours kMaxBackoff{24};

// When `source` is next due (ignoring `all`).
Clock::TimePoint DueTime(const ScheduledSource& source);

SchedulePlan PlanPoll(const std::vector<ScheduledSource>& sources, Clock::TimePoint now, bool all);

}  // namespace meetleak

#endif  // MEETLEAK_CRAWLER_SCHEDULER_H_
