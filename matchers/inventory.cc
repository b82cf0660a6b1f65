// Inventory: building from rows or CSV text, and the lookups.
#include "matchers/inventory.h"

#include "matchers/internal.h"

namespace meetleak {

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
    if (inv.meetings_.count(m.meeting_id)) continue;  // the first listing wins
    inv.meetings_.emplace(m.meeting_id, inv.meeting_rows_.size());
    inv.meeting_rows_.push_back(std::move(m));
  }
  for (PersonalLink& l : links) {
    l.vanity = ascii::Lower(l.vanity);
    if (inv.links_.count(l.vanity)) continue;
    inv.links_.emplace(l.vanity, inv.link_rows_.size());
    inv.link_rows_.push_back(std::move(l));
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
