// When a source is next due: the one rule, owned by the store.
//
// The store applies it whenever it records a source's pass
// (LeakStore::WriteSourceResult) or a changed interval (SyncSources), and
// keeps the answer as the source's next_due. `run` polls the sources whose
// next_due has come (LeakStore::DueSources) and sleeps until the earliest
// other one; `sources list` shows the same next_due. So what the list says is
// what run does, and a query can pick due sources by one indexed column (the
// PostgreSQL leases need exactly that).
//
//   next_due = attempt + interval × 2^consecutive_failures + jitter,
//              and never before retry_after.
//
// `attempt` is when the pass that recorded the source ended. Back-off doubles
// the interval per consecutive failure, capped at max(interval, kMaxBackoff).
// Jitter is 0–5 % of the interval (whole seconds), a fixed fraction derived
// from the URL, so sources configured together do not stay aligned, yet a
// source's own schedule is stable from run to run. A source never polled has
// no next_due: it is due at once. Pure: no clock, no I/O.
#ifndef MEETLEAK_DB_DUE_H_
#define MEETLEAK_DB_DUE_H_

#include <chrono>
#include <optional>
#include <string_view>

#include "base/clock.h"

namespace meetleak::db {

inline constexpr std::chrono::hours kMaxBackoff{24};

// attempt + NextDueDelay(…), and never before `retry_after`.
Clock::TimePoint NextDue(std::string_view url, std::chrono::seconds interval,
                         int consecutive_failures, Clock::TimePoint attempt,
                         std::optional<Clock::TimePoint> retry_after);

// The backed-off interval plus the URL's jitter.
std::chrono::seconds NextDueDelay(std::string_view url, std::chrono::seconds interval,
                                  int consecutive_failures);

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_DUE_H_
