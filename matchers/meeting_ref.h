// MeetingRef: one occurrence of a Zoom meeting reference in a text, and the
// small vocabulary (form, link type, key kind, severity, meeting kind) that
// every other module uses to talk about it. Plain data; no I/O.
#ifndef MEETLEAK_MATCHERS_MEETING_REF_H_
#define MEETLEAK_MATCHERS_MEETING_REF_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meetleak {

// How the reference was written (the design's `form`).
enum class RefForm { kUrl, kAppLink, kIdText, kDialIn };

// What the link does (the design's `link_type`); kNone for id_text/dial_in.
enum class LinkType { kNone, kJoin, kWebinar, kStart, kPersonal, kRegister, kRecording };

// Which one key identifies the meeting.
enum class KeyKind { kMeetingId, kVanity, kToken };

// Ordered: a larger value is more severe.
enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };

// From the inventory's `kind` column; kUnknown when not in the inventory.
enum class MeetingKind { kUnknown, kScheduled, kRecurring, kPmi, kWebinar };

struct MeetingRef {
  std::size_t offset = 0;  // byte offset of the reference in the scanned text
  std::size_t length = 0;  // bytes of the scanned text it spans
  RefForm form = RefForm::kUrl;
  LinkType link_type = LinkType::kNone;
  std::string host;  // lower-case Zoom host for kUrl/kAppLink, else empty
  KeyKind key_kind = KeyKind::kMeetingId;
  std::string key;               // digits only | lower-case vanity | first 12 chars of token
  bool has_passcode = false;     // pwd=, one-tap *PASSCODE#, passcode line of the invitation
  bool has_start_token = false;  // zak= / tk= / a /s/ start link
  std::string context;           // ~120 bytes around the reference, UTF-8, secrets redacted
  // What FindOptions::passcode_digest made of each passcode of the
  // reference's invitation (distinct, in the text's order); empty without
  // one. Never the passcode itself.
  std::vector<std::string> passcode_digests{};
};

// A keyed digest of a published passcode, for remediation: `field` is the
// field of Zoom's meeting answer the value stands for — "encrypted_password"
// for a pwd= value, "pstn_password" for a one-tap or SIP passcode,
// "password" for a labelled or JSON passcode — and `value` the passcode as
// published (decoded). It must not keep or log `value`; it may be called
// from several threads at once. The store makes one (LeakStore::
// PasscodeDigester) and so does Zoom's client for what the API answers, so
// the two compare.
using PasscodeDigest = std::function<std::string(std::string_view field, std::string_view value)>;

// Lower-case names used in JSON, CSV, SARIF and the DB ("url", "app_link",
// "id_text", "dial_in"; "join" … "recording", and "" for LinkType::kNone;
// "meeting_id"/"vanity"/"token"; "info" … "critical"; "" / "scheduled" …).
std::string_view ToString(RefForm form);
std::string_view ToString(LinkType type);
std::string_view ToString(KeyKind kind);
std::string_view ToString(Severity severity);
std::string_view ToString(MeetingKind kind);
// Inverse of ToString; nullopt for an unknown name.
std::optional<RefForm> ParseRefForm(std::string_view s);
std::optional<LinkType> ParseLinkType(std::string_view s);
std::optional<KeyKind> ParseKeyKind(std::string_view s);
std::optional<Severity> ParseSeverity(std::string_view s);
std::optional<MeetingKind> ParseMeetingKind(std::string_view s);

// The replacement text for every secret (passcodes, zak/tk, token tails).
inline constexpr std::string_view kRedacted = "\xE2\x80\xA6redacted\xE2\x80\xA6";  // …redacted…

}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_MEETING_REF_H_
