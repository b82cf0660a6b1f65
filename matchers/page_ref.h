// PageRef: one reference key on one page, every occurrence merged — the unit
// the design calls a finding (one per (key, page_url)) before it gets its page
// URL and stored state.
#ifndef MEETLEAK_MATCHERS_PAGE_REF_H_
#define MEETLEAK_MATCHERS_PAGE_REF_H_

#include <string>
#include <vector>

#include "matchers/inventory.h"
#include "matchers/meeting_ref.h"

namespace meetleak {

struct PageRef {
  KeyKind key_kind = KeyKind::kMeetingId;
  std::string key;
  // form, link_type, host, context: those of the first start link when any
  // occurrence is one, else of the most severe occurrence (ties: the first
  // in the text).
  RefForm form = RefForm::kUrl;
  LinkType link_type = LinkType::kNone;
  std::string host;
  bool has_passcode = false;  // any occurrence carried it
  bool has_start_token = false;
  Classification classification;  // severity: the highest of the occurrences
  std::string context;            // redacted
  std::string entry_url;          // the feed entry of an occurrence inside one, else empty
  int occurrences = 0;
};

// One occurrence: a reference and the feed entry it was inside ("" if none).
struct RefOccurrence {
  MeetingRef ref;
  std::string entry_url;
};

// Merges occurrences by key (KeyKind + key) and classifies each with
// `inventory`. The result is ordered by first occurrence.
std::vector<PageRef> MergeOnPage(const std::vector<RefOccurrence>& occurrences,
                                 const Inventory& inventory);

}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_PAGE_REF_H_
