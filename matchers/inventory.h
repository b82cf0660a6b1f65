// Inventory: the company's meetings and personal links, and the
// classification of a reference as the company's (owner, severity).
//
// Built from CSV *text* (the CLI reads the files):
//
//   Result<Inventory> inv = Inventory::Build(meetings_csv, "meetings.csv",
//                                            links_csv, "personal_links.csv");
//   inv->set_company_domains({"acme-corp.zoom.us"});
//   inv->set_security_contact("secops@acme.example");
//   Classification c = inv->Classify(ref);
//
// CSV rules (the design's `inventory import`): columns found by header name,
// case-insensitive, a UTF-8 BOM accepted, extra columns ignored, RFC 4180
// quoting. Meetings: meeting_id,owner_email,topic,kind (kind one of
// scheduled|recurring|pmi|webinar; IDs may hold spaces or dashes, 9–11
// digits). Personal links: vanity,owner_email. A bad row (missing column, bad
// ID, unknown kind, bad e-mail, one ID with two owners) is an error naming
// "file:line: what"; every bad line is listed, one per line of the Status
// message (code kInvalidInput), and nothing is accepted from a bad file.
//
// An Inventory is immutable once built apart from the two setters; const
// methods are safe from many threads.
#ifndef MEETLEAK_MATCHERS_INVENTORY_H_
#define MEETLEAK_MATCHERS_INVENTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "matchers/meeting_ref.h"

namespace meetleak {

// Where an inventory row comes from: a CSV (import or the configured file)
// or Zoom's API (`inventory sync`). A meeting in both keeps both rows; the
// Zoom row wins (owner, kind, settings).
enum class RowSource { kCsv, kZoom };
std::string_view ToString(RowSource source);  // "csv" | "zoom"

struct InventoryMeeting {
  std::string meeting_id{};  // digits only
  std::string owner_email{};
  std::string topic{};
  MeetingKind kind = MeetingKind::kScheduled;
  RowSource source = RowSource::kCsv;
  // From Zoom only (nullopt from a CSV, or when Zoom did not say). Times are
  // unix seconds, UTC.
  std::optional<std::int64_t> start_time{};
  std::optional<std::int64_t> recurrence_end{};
  // Set when Zoom has expired the meeting (a one-off past its date + 30
  // days, a series past its end + 30 days) or it is gone from Zoom: its
  // leaks keep their owner and are rated low.
  std::optional<std::int64_t> expired_at{};
  std::optional<bool> passcode_set{}, waiting_room{}, join_before_host{},
      embed_password_in_join_link{};
  // Sync bookkeeping (Zoom rows): a hash of the meeting's list entry and
  // when its details were last read, so a sync reads details only for what
  // changed plus a rolling share of the rest.
  std::string list_hash{};
  std::int64_t details_at = 0;
};

struct PersonalLink {
  std::string vanity;  // lower-case
  std::string owner_email;
  RowSource source = RowSource::kCsv;
};

// Classification::severity_reason of a meeting Zoom has expired: its leaks
// are rated low, the one rule that lowers a stored leak's severity.
inline constexpr std::string_view kMeetingExpired = "meeting expired";

struct Classification {
  bool company = false;
  std::string owner;  // empty when not the company's
  MeetingKind meeting_kind = MeetingKind::kUnknown;
  Severity severity = Severity::kInfo;  // kInfo when not the company's
  // Why the meeting's settings or state set the severity ("" when the
  // severity table alone did): "meeting expired", or "no passcode, no
  // waiting room, join before host on".
  std::string severity_reason;
};

class Inventory {
 public:
  Inventory() = default;  // empty: nothing is the company's

  // Either CSV may be empty text (no rows, no header needed). Names are used
  // in error messages only.
  static Result<Inventory> Build(std::string_view meetings_csv, std::string_view meetings_name,
                                 std::string_view links_csv, std::string_view links_name);
  // Parse one file alone (used by `inventory import`, which replaces parts).
  static Result<std::vector<InventoryMeeting>> ParseMeetingsCsv(std::string_view csv,
                                                                std::string_view name);
  static Result<std::vector<PersonalLink>> ParseLinksCsv(std::string_view csv,
                                                         std::string_view name);
  // Rows of both sources: for a meeting ID (or vanity) listed more than
  // once, a Zoom row wins over a CSV row, else the first listing wins.
  static Inventory FromRows(std::vector<InventoryMeeting> meetings,
                            std::vector<PersonalLink> links);

  void set_company_domains(std::vector<std::string> hosts);  // exact hosts, any case
  void set_security_contact(std::string email);

  const InventoryMeeting* FindMeeting(std::string_view meeting_id) const;
  const PersonalLink* FindVanity(std::string_view vanity) const;  // any case
  bool IsCompanyHost(std::string_view host) const;                // exact, any case
  bool HasMeetingId(std::string_view digits) const { return meetings_.count(std::string(digits)); }
  bool empty() const { return meetings_.empty() && links_.empty() && domains_.empty(); }

  const std::vector<InventoryMeeting>& meetings() const { return meeting_rows_; }
  const std::vector<PersonalLink>& personal_links() const { return link_rows_; }
  const std::vector<std::string>& company_domains() const { return domain_rows_; }
  const std::string& security_contact() const { return security_contact_; }

  // The design's Detection rules: company or not, owner (inventory owner;
  // else security_contact for a company-domain link), and severity by the
  // severity table (kInfo for non-company references).
  Classification Classify(const MeetingRef& ref) const;

 private:
  std::vector<InventoryMeeting> meeting_rows_;
  std::vector<PersonalLink> link_rows_;
  std::vector<std::string> domain_rows_;
  std::unordered_map<std::string, std::size_t> meetings_;  // id -> row
  std::unordered_map<std::string, std::size_t> links_;     // vanity -> row
  std::unordered_set<std::string> domains_;                // lower-case
  std::string security_contact_;
};

}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_INVENTORY_H_
