// libFuzzer target for the inventory CSV parsers: no crash, and what is
// accepted obeys the import rules (9–11 digit IDs, known kinds, e-mails).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "matchers/inventory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meetleak;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto meetings = Inventory::ParseMeetingsCsv(text, "meetings.csv");
  if (meetings.ok()) {
    for (const InventoryMeeting& m : *meetings) {
      if (m.meeting_id.size() < 9 || m.meeting_id.size() > 11) std::abort();
      if (m.meeting_id.find_first_not_of("0123456789") != std::string::npos) std::abort();
      if (m.kind == MeetingKind::kUnknown || m.owner_email.find('@') == std::string::npos)
        std::abort();
    }
  } else if (meetings.status().message().rfind("meetings.csv:", 0) != 0) {
    std::abort();  // every error line names the file
  }
  auto links = Inventory::ParseLinksCsv(text, "links.csv");
  if (links.ok()) {
    for (const PersonalLink& l : *links)
      if (l.vanity.empty() || l.owner_email.find('@') == std::string::npos) std::abort();
  }
  auto inv = Inventory::Build(text, "meetings.csv", text, "links.csv");
  if (inv.ok() != (meetings.ok() && links.ok())) std::abort();
  return 0;
}
