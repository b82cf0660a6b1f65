// The state listings: `sources list` and `inventory list`, as text or JSON.
#include <sstream>

#include "report/render_internal.h"

namespace meetleak {
namespace {

using nlohmann::ordered_json;
using report_internal::DumpJson;
using report_internal::Scrubbed;

ordered_json TimeOrNull(const std::optional<Clock::TimePoint>& t) {
  return t ? ordered_json(FormatIso8601(*t)) : ordered_json(nullptr);
}

std::string TimeOrDash(const std::optional<Clock::TimePoint>& t) {
  return t ? FormatIso8601(*t) : "-";
}

std::optional<Clock::TimePoint> FromUnix(std::optional<std::int64_t> t) {
  if (!t) return std::nullopt;
  return Clock::TimePoint(std::chrono::seconds(*t));
}

std::string SourcesJson(const std::vector<SourceState>& sources) {
  ordered_json j = ordered_json::array();
  for (const SourceState& s : sources)
    j.push_back({{"url", Scrubbed(s.url)},
                 {"kind", s.kind},
                 {"interval_s", s.interval_s},
                 {"active", s.active},
                 {"last_fetched", TimeOrNull(s.last_fetched)},
                 {"next_due", TimeOrNull(s.next_due)},
                 {"retry_after", TimeOrNull(s.retry_after)},
                 {"last_status", s.last_status},
                 {"last_error", s.last_error},
                 {"consecutive_failures", s.consecutive_failures},
                 {"open_leaks", s.open_leaks},
                 {"non_company_refs", s.non_company_refs}});
  return DumpJson(ordered_json{{"sources", j}}, 2) + "\n";
}

std::string SourcesText(const std::vector<SourceState>& sources, Clock::TimePoint now) {
  std::ostringstream out;
  for (const SourceState& s : sources) {
    out << TerminalSafe(Scrubbed(s.url)) << (s.active ? "" : "  (no longer configured)") << "\n"
        << "  last fetched " << TimeOrDash(s.last_fetched) << "  status " << s.last_status
        << "  next due " << (s.next_due || !s.active ? TimeOrDash(s.next_due) : "now")
        << "  open leaks " << s.open_leaks << "  non-company refs " << s.non_company_refs << "\n";
    if (s.retry_after && *s.retry_after > now)
      out << "  retry after " << FormatIso8601(*s.retry_after)
          << " (the server's Retry-After, at most [crawler] retry_after_max)\n";
    if (!s.last_error.empty())
      out << "  last error (" << s.consecutive_failures
          << " in a row): " << TerminalSafe(s.last_error) << "\n";
  }
  return out.str();
}

// What Zoom said of a meeting (nothing for a CSV row): null where it did
// not say.
ordered_json MeetingJson(const InventoryMeeting& m) {
  auto flag = [](std::optional<bool> b) { return b ? ordered_json(*b) : ordered_json(nullptr); };
  return {{"meeting_id", m.meeting_id},
          {"owner_email", m.owner_email},
          {"topic", m.topic},
          {"kind", ToString(m.kind)},
          {"source", ToString(m.source)},
          {"start_time", TimeOrNull(FromUnix(m.start_time))},
          {"recurrence_end", TimeOrNull(FromUnix(m.recurrence_end))},
          {"expired_at", TimeOrNull(FromUnix(m.expired_at))},
          {"passcode_set", flag(m.passcode_set)},
          {"waiting_room", flag(m.waiting_room)},
          {"join_before_host", flag(m.join_before_host)},
          {"embed_password_in_join_link", flag(m.embed_password_in_join_link)}};
}

std::string InventoryJson(const Inventory& inv) {
  ordered_json j{{"meetings", ordered_json::array()}, {"personal_links", ordered_json::array()}};
  for (const InventoryMeeting& m : inv.meetings()) j["meetings"].push_back(MeetingJson(m));
  for (const PersonalLink& l : inv.personal_links())
    j["personal_links"].push_back(
        {{"vanity", l.vanity}, {"owner_email", l.owner_email}, {"source", ToString(l.source)}});
  return DumpJson(j, 2) + "\n";
}

std::string SettingsText(const InventoryMeeting& m) {
  if (m.source == RowSource::kCsv) return "";
  auto flag = [](const char* name, std::optional<bool> b) {
    return std::string(" ") + name + "=" + (b ? (*b ? "yes" : "no") : "?");
  };
  std::string s = "  " + flag("passcode", m.passcode_set).substr(1) +
                  flag("waiting_room", m.waiting_room) +
                  flag("join_before_host", m.join_before_host) +
                  flag("passcode_in_link", m.embed_password_in_join_link);
  if (m.expired_at) s += " expired=" + FormatIso8601(*FromUnix(m.expired_at));
  return s;
}

std::string InventoryText(const Inventory& inv) {
  std::ostringstream out;
  out << inv.meetings().size() << " meetings, " << inv.personal_links().size()
      << " personal links\n";
  for (const InventoryMeeting& m : inv.meetings())
    out << TerminalSafe(m.meeting_id) << "  " << ToString(m.kind) << "  "
        << TerminalSafe(m.owner_email) << "  " << ToString(m.source) << SettingsText(m) << "  "
        << TerminalSafe(m.topic) << "\n";
  for (const PersonalLink& l : inv.personal_links())
    out << "/my/" << TerminalSafe(l.vanity) << "  personal  " << TerminalSafe(l.owner_email) << "  "
        << ToString(l.source) << "\n";
  return out.str();
}

}  // namespace

std::string RenderSources(const std::vector<SourceState>& sources, ReportFormat format,
                          Clock::TimePoint now) {
  return format == ReportFormat::kJson ? SourcesJson(sources) : SourcesText(sources, now);
}

std::string RenderInventory(const Inventory& inventory, ReportFormat format) {
  return format == ReportFormat::kJson ? InventoryJson(inventory) : InventoryText(inventory);
}

}  // namespace meetleak
