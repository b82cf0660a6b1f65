// Internal to db/: the leak lifecycle as a pure function, so every
// transition is stated once (and tested without a database). The rules are
// the design's Storage section; db/store.h restates them.
#ifndef MEETLEAK_DB_LIFECYCLE_H_
#define MEETLEAK_DB_LIFECYCLE_H_

#include <optional>
#include <string_view>

#include "matchers/leak.h"
#include "matchers/meeting_ref.h"

namespace meetleak::db {

// Whether an owner may decide a leak into `status` (acknowledged, resolved,
// false_positive, open by reopening; never allowed or gone, which only the
// config and the pages decide).
bool IsOwnerDecision(LeakStatus status);

struct SightingEffect {
  LeakStatus status;
  Severity severity;
  bool reopened = false;  // → open from gone/acknowledged/resolved/allowed: set reopened_at
  bool notice = false;    // owners must hear of it (reopened, or escalated while open)
};

// A leak in `status` at `severity` sighted at `seen` severity, `allowed` or not.
SightingEffect ApplySighting(LeakStatus status, Severity severity, Severity seen, bool allowed);

// The status a leak not seen on a re-fetched (or 404/410) page takes.
LeakStatus ApplyAbsence(LeakStatus status);

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_LIFECYCLE_H_
