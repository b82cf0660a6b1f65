// Inventory: building from rows or CSV text, and the lookups.
#include "matchers/inventory.h"

#include "matchers/internal.h"

namespace meetleak {

std::string_view ToString(RowSource source) { return source == RowSource::kZoom ? "zoom" : "csv"; }

Result<Inventory> Inventory::Build(std::string_view meetings_csv, std::string_view meetings_name,
                                   std::string_view links_csv, std::string_view links_name) {
  Result<std::vector<InventoryMeeting>> meetings = ParseMeetingsCsv(meetings_csv, meetings_name);
  Result<std::vector<PersonalLink>> links = ParseLinksCsv(links_csv, links_name);
  if (meetings.ok() && links.ok())
    return FromRows(std::move(meetings).value(), std::move(links).value());
  std::string message;  // every bad line of both files
  for (const Status* s : {&meetings.status(), &links.status()}) {
    if (s->ok()) continue;
    if (!message.empty()) message += '\n';
    message += s->message();
  }
  return Status::InvalidInput(std::move(message));
}

Inventory Inventory::FromRows(std::vector<InventoryMeeting> meetings,
                              std::vector<PersonalLink> links) {
  Inventory inv;
  for (InventoryMeeting& m : meetings) {
    auto it = inv.meetings_.find(m.meeting_id);
    if (it == inv.meetings_.end()) {
      inv.meetings_.emplace(m.meeting_id, inv.meeting_rows_.size());
      inv.meeting_rows_.push_back(std::move(m));
    } else if (m.source == RowSource::kZoom &&
               inv.meeting_rows_[it->second].source == RowSource::kCsv) {
      inv.meeting_rows_[it->second] = std::move(m);  // Zoom's row wins
    }
  }
  for (PersonalLink& l : links) {
    l.vanity = ascii::Lower(l.vanity);
    auto it = inv.links_.find(l.vanity);
    if (it == inv.links_.end()) {
      inv.links_.emplace(l.vanity, inv.link_rows_.size());
      inv.link_rows_.push_back(std::move(l));
    } else if (l.source == RowSource::kZoom &&
               inv.link_rows_[it->second].source == RowSource::kCsv) {
      inv.link_rows_[it->second] = std::move(l);
    }
  }
  return inv;
}

void Inventory::set_company_domains(std::vector<std::string> hosts) {
  domains_.clear();
  for (const std::string& h : hosts) {
    std::string lower = ascii::Lower(h);
    if (!lower.empty() && lower.back() == '.') lower.pop_back();
    domains_.insert(std::move(lower));
  }
  domain_rows_ = std::move(hosts);
}

void Inventory::set_security_contact(std::string email) { security_contact_ = std::move(email); }

const InventoryMeeting* Inventory::FindMeeting(std::string_view meeting_id) const {
  auto it = meetings_.find(std::string(meeting_id));
  return it == meetings_.end() ? nullptr : &meeting_rows_[it->second];
}

const PersonalLink* Inventory::FindVanity(std::string_view vanity) const {
  auto it = links_.find(ascii::Lower(vanity));
  return it == links_.end() ? nullptr : &link_rows_[it->second];
}

bool Inventory::IsCompanyHost(std::string_view host) const {
  std::string lower = ascii::Lower(host);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  return !lower.empty() && domains_.count(lower) > 0;
}

}  // namespace meetleak
