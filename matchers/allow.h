// The allowlist: the config's [[allow]] entries, and the one rule that says
// whether a company reference on a page is allowed to be public (design:
// "Storage", `allowed`). Pure: the caller gives the time.
//
//   const AllowEntry* a = FindAllow(config.allow, ref.key_kind, ref.key, page_url, now);
//   if (a != nullptr) sighting.allow_reason = a->reason;
#ifndef MEETLEAK_MATCHERS_ALLOW_H_
#define MEETLEAK_MATCHERS_ALLOW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "matchers/meeting_ref.h"

namespace meetleak {

// One [[allow]] entry: exactly one of meeting_id, vanity, url_prefix is set.
struct AllowEntry {
  std::string meeting_id;              // digits; or
  std::string vanity;                  // lower-case; or
  std::string url_prefix;              // a prefix of page_url
  std::string reason;                  // required
  std::optional<std::string> expires;  // "YYYY-MM-DD": allowed through that day (UTC)
  int line = 0;                        // where the config declares it
};

// The first entry that allows (key_kind, key) on `page_url` at `now`, or
// null: a meeting_id entry matches a meeting ID key, a vanity entry a vanity
// key (tokens are never allowed by key), a url_prefix entry any key on a
// page_url it prefixes; an entry past its `expires` day matches nothing.
const AllowEntry* FindAllow(const std::vector<AllowEntry>& allow, KeyKind key_kind,
                            std::string_view key, std::string_view page_url, Clock::TimePoint now);

}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_ALLOW_H_
