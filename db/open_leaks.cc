// CountOpenLeaks (db/store.h): what counts as an open leak for `run`,
// `status` and the metrics, stated once.
#include "db/store.h"

namespace meetleak {

Result<OpenLeakCounts> CountOpenLeaks(LeakStore& store, Clock::TimePoint since) {
  Result<std::vector<LeakStore::LeakRow>> open = store.ListLeaks({LeakStatus::kOpen, std::nullopt});
  if (!open.ok()) return open.status();
  OpenLeakCounts counts;
  for (Severity s :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical})
    counts.by_severity[s] = 0;
  for (const LeakStore::LeakRow& l : *open) {
    ++counts.by_severity[l.severity];
    counts.seen_since += l.last_seen >= since;
  }
  return counts;
}

}  // namespace meetleak
