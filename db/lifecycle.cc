#include "db/lifecycle.h"

#include <algorithm>
#include <array>
#include <utility>

namespace meetleak::db {
namespace {

constexpr std::array<std::pair<LeakStatus, std::string_view>, 6> kStatusNames{{
    {LeakStatus::kOpen, "open"},
    {LeakStatus::kAcknowledged, "acknowledged"},
    {LeakStatus::kResolved, "resolved"},
    {LeakStatus::kFalsePositive, "false_positive"},
    {LeakStatus::kAllowed, "allowed"},
    {LeakStatus::kGone, "gone"},
}};

constexpr std::array<std::pair<std::string_view, LeakStatus>, 4> kDecisions{{
    {"ack", LeakStatus::kAcknowledged},
    {"resolve", LeakStatus::kResolved},
    {"false-positive", LeakStatus::kFalsePositive},
    {"reopen", LeakStatus::kOpen},
}};

}  // namespace

std::string_view ToString(LeakStatus status) {
  for (const auto& [value, name] : kStatusNames)
    if (value == status) return name;
  return "";
}

std::optional<LeakStatus> ParseLeakStatus(std::string_view name) {
  for (const auto& [value, n] : kStatusNames)
    if (n == name) return value;
  return std::nullopt;
}

std::optional<LeakStatus> ParseDecision(std::string_view decision) {
  for (const auto& [name, value] : kDecisions)
    if (name == decision) return value;
  // The resulting status names are accepted too ("gone" is not a decision).
  std::optional<LeakStatus> status = ParseLeakStatus(decision);
  if (status && *status != LeakStatus::kGone && *status != LeakStatus::kAllowed) return status;
  return std::nullopt;
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
