#include "db/lifecycle.h"

#include <algorithm>

namespace meetleak::db {

bool IsOwnerDecision(LeakStatus status) {
  return status != LeakStatus::kGone && status != LeakStatus::kAllowed;
}

SightingEffect ApplySighting(LeakStatus status, Severity severity, Severity seen, bool allowed) {
  const Severity highest = std::max(severity, seen);
  switch (status) {
    case LeakStatus::kFalsePositive:  // a decision about the reference: kept as it is
      return {status, severity};
    case LeakStatus::kAllowed:
      if (allowed) return {status, highest};
      return {LeakStatus::kOpen, highest, true, true};  // its [[allow]] entry expired or went
    case LeakStatus::kGone:
      if (allowed) return {LeakStatus::kAllowed, highest};
      return {LeakStatus::kOpen, highest, true, true};
    case LeakStatus::kAcknowledged:
    case LeakStatus::kResolved:
      if (allowed) return {LeakStatus::kAllowed, highest};
      if (seen > severity) return {LeakStatus::kOpen, seen, true, true};  // escalation
      return {status, severity};
    case LeakStatus::kOpen:
      if (allowed) return {LeakStatus::kAllowed, highest};
      return {status, highest, false, seen > severity};
  }
  return {status, severity};
}

LeakStatus ApplyAbsence(LeakStatus status) {
  switch (status) {
    case LeakStatus::kOpen:
    case LeakStatus::kAcknowledged:
    case LeakStatus::kResolved:
      return LeakStatus::kGone;
    default:
      return status;
  }
}

}  // namespace meetleak::db
