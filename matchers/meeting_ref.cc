// The names of the vocabulary of matchers/meeting_ref.h and matchers/leak.h.
#include "matchers/meeting_ref.h"

#include <array>
#include <utility>

#include "matchers/leak.h"

namespace meetleak {
namespace {

template <typename E, std::size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [value, name] : table)
    if (value == e) return name;
  return "";
}

template <typename E, std::size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, std::string_view>, N>& table,
                         std::string_view s) {
  for (const auto& [value, name] : table)
    if (name == s) return value;
  return std::nullopt;
}

constexpr std::array<std::pair<RefForm, std::string_view>, 4> kForms{
    {{RefForm::kUrl, "url"},
     {RefForm::kAppLink, "app_link"},
     {RefForm::kIdText, "id_text"},
     {RefForm::kDialIn, "dial_in"}}};
constexpr std::array<std::pair<LinkType, std::string_view>, 7> kLinkTypes{
    {{LinkType::kNone, ""},
     {LinkType::kJoin, "join"},
     {LinkType::kWebinar, "webinar"},
     {LinkType::kStart, "start"},
     {LinkType::kPersonal, "personal"},
     {LinkType::kRegister, "register"},
     {LinkType::kRecording, "recording"}}};
constexpr std::array<std::pair<KeyKind, std::string_view>, 3> kKeyKinds{
    {{KeyKind::kMeetingId, "meeting_id"},
     {KeyKind::kVanity, "vanity"},
     {KeyKind::kToken, "token"}}};
constexpr std::array<std::pair<Severity, std::string_view>, 5> kSeverities{
    {{Severity::kInfo, "info"},
     {Severity::kLow, "low"},
     {Severity::kMedium, "medium"},
     {Severity::kHigh, "high"},
     {Severity::kCritical, "critical"}}};
constexpr std::array<std::pair<MeetingKind, std::string_view>, 5> kMeetingKinds{
    {{MeetingKind::kUnknown, ""},
     {MeetingKind::kScheduled, "scheduled"},
     {MeetingKind::kRecurring, "recurring"},
     {MeetingKind::kPmi, "pmi"},
     {MeetingKind::kWebinar, "webinar"}}};
constexpr std::array<std::pair<LeakStatus, std::string_view>, 6> kLeakStatusNames{
    {{LeakStatus::kOpen, "open"},
     {LeakStatus::kAcknowledged, "acknowledged"},
     {LeakStatus::kResolved, "resolved"},
     {LeakStatus::kFalsePositive, "false_positive"},
     {LeakStatus::kAllowed, "allowed"},
     {LeakStatus::kGone, "gone"}}};

}  // namespace

std::string_view ToString(RefForm v) { return NameOf(kForms, v); }
std::string_view ToString(LinkType v) { return NameOf(kLinkTypes, v); }
std::string_view ToString(KeyKind v) { return NameOf(kKeyKinds, v); }
std::string_view ToString(Severity v) { return NameOf(kSeverities, v); }
std::string_view ToString(MeetingKind v) { return NameOf(kMeetingKinds, v); }
std::string_view ToString(LeakStatus v) { return NameOf(kLeakStatusNames, v); }
std::optional<RefForm> ParseRefForm(std::string_view s) { return ValueOf(kForms, s); }
std::optional<LinkType> ParseLinkType(std::string_view s) { return ValueOf(kLinkTypes, s); }
std::optional<KeyKind> ParseKeyKind(std::string_view s) { return ValueOf(kKeyKinds, s); }
std::optional<Severity> ParseSeverity(std::string_view s) { return ValueOf(kSeverities, s); }
std::optional<MeetingKind> ParseMeetingKind(std::string_view s) {
  return ValueOf(kMeetingKinds, s);
}
std::optional<LeakStatus> ParseLeakStatus(std::string_view s) {
  return ValueOf(kLeakStatusNames, s);
}

}  // namespace meetleak
