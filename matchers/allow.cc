#include "matchers/allow.h"

namespace meetleak {

const AllowEntry* FindAllow(const std::vector<AllowEntry>& allow, KeyKind key_kind,
                            std::string_view key, std::string_view page_url, Clock::TimePoint now) {
  const std::string today = FormatIso8601(now).substr(0, 10);
  for (const AllowEntry& a : allow) {
    if (a.expires && *a.expires < today) continue;
    const bool match =
        (!a.meeting_id.empty() && key_kind == KeyKind::kMeetingId && key == a.meeting_id) ||
        (!a.vanity.empty() && key_kind == KeyKind::kVanity && key == a.vanity) ||
        (!a.url_prefix.empty() && page_url.substr(0, a.url_prefix.size()) == a.url_prefix);
    if (match) return &a;
  }
  return nullptr;
}

}  // namespace meetleak
