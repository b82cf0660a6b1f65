// Inventory::Classify: company or not, owner, and the severity table of the
// design ("Detection"), highest rule winning.
//
// Company-domain links whose meeting is not in the inventory have no known
// meeting kind; they are rated by what the link is: a start link or one
// carrying its passcode is critical, a personal link is critical (personal
// links are PMIs), a join, webinar or recording link high, a registration
// link low. Their owner is the security contact. A registration link that
// names a scheduled meeting's ID is low: "medium" is for IDs in text and
// dial-in strings only.
#include "matchers/inventory.h"

namespace meetleak {
namespace {

bool IsLink(const MeetingRef& ref) {
  return ref.form == RefForm::kUrl || ref.form == RefForm::kAppLink;
}

Severity Rate(const MeetingRef& ref, MeetingKind kind) {
  if (ref.link_type == LinkType::kStart || ref.has_start_token || ref.has_passcode ||
      kind == MeetingKind::kPmi || ref.link_type == LinkType::kPersonal)
    return Severity::kCritical;
  if (ref.link_type == LinkType::kJoin || ref.link_type == LinkType::kWebinar ||
      kind == MeetingKind::kRecurring || ref.link_type == LinkType::kRecording)
    return Severity::kHigh;
  bool in_text = ref.form == RefForm::kIdText || ref.form == RefForm::kDialIn;
  if (in_text && (kind == MeetingKind::kScheduled || kind == MeetingKind::kWebinar))
    return Severity::kMedium;
  if (ref.link_type == LinkType::kRegister) return Severity::kLow;
  return Severity::kMedium;  // not reached: every company reference meets a rule above
}

// The settings and state Zoom reported (design: "Zoom integration"): a room
// anyone can walk into is critical in any form; an expired meeting is low,
// the one rule that lowers a leak.
void ApplyZoomState(const InventoryMeeting& m, Classification* c) {
  if (m.expired_at) {
    c->severity = Severity::kLow;
    c->severity_reason = std::string(kMeetingExpired);
  } else if (m.passcode_set == false && m.waiting_room == false && m.join_before_host == true) {
    c->severity = Severity::kCritical;
    c->severity_reason = "no passcode, no waiting room, join before host on";
  }
}

}  // namespace

Classification Inventory::Classify(const MeetingRef& ref) const {
  Classification c;
  const InventoryMeeting* meeting = nullptr;
  if (ref.key_kind == KeyKind::kMeetingId) {
    if (const InventoryMeeting* m = FindMeeting(ref.key)) {
      c.company = true;
      c.owner = m->owner_email;
      c.meeting_kind = m->kind;
      meeting = m;
    }
  } else if (ref.key_kind == KeyKind::kVanity) {
    if (const PersonalLink* l = FindVanity(ref.key)) {
      c.company = true;
      c.owner = l->owner_email;
      c.meeting_kind = MeetingKind::kPmi;
    }
  }
  if (!c.company && IsLink(ref) && IsCompanyHost(ref.host)) {
    c.company = true;
    c.owner = security_contact_;
    if (ref.link_type == LinkType::kPersonal) c.meeting_kind = MeetingKind::kPmi;
  }
  if (!c.company) return Classification{};
  c.severity = Rate(ref, c.meeting_kind);
  if (meeting != nullptr) ApplyZoomState(*meeting, &c);
  return c;
}

}  // namespace meetleak
