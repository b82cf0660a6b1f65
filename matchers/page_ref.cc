// MergeOnPage: one PageRef per reference key on a page.
#include "matchers/page_ref.h"

#include <algorithm>
#include <map>
#include <utility>

namespace meetleak {

std::vector<PageRef> MergeOnPage(const std::vector<RefOccurrence>& occurrences,
                                 const Inventory& inventory) {
  std::vector<PageRef> out;
  std::map<std::pair<KeyKind, std::string>, std::size_t> index;
  for (const RefOccurrence& occ : occurrences) {
    const MeetingRef& ref = occ.ref;
    Classification c = inventory.Classify(ref);
    auto [it, inserted] = index.emplace(std::make_pair(ref.key_kind, ref.key), out.size());
    if (inserted) out.emplace_back();
    PageRef& page = out[it->second];
    // A host start link is never hidden: the first start link's form, host
    // and context stand for the page, whatever else is as severe.
    const bool start = ref.link_type == LinkType::kStart;
    const bool page_start = !inserted && page.link_type == LinkType::kStart;
    const bool shown = inserted || (start && !page_start) ||
                       (!page_start && c.severity > page.classification.severity);
    if (shown) {
      page.key_kind = ref.key_kind;
      page.key = ref.key;
      page.form = ref.form;
      page.link_type = ref.link_type;
      page.host = ref.host;
      page.context = ref.context;
      if (!occ.entry_url.empty()) page.entry_url = occ.entry_url;
    }
    if (inserted || c.severity > page.classification.severity) page.classification = c;
    if (page.entry_url.empty()) page.entry_url = occ.entry_url;
    page.has_passcode = page.has_passcode || ref.has_passcode;
    page.has_start_token = page.has_start_token || ref.has_start_token;
    for (const std::string& d : ref.passcode_digests)
      if (std::find(page.passcode_digests.begin(), page.passcode_digests.end(), d) ==
          page.passcode_digests.end())
        page.passcode_digests.push_back(d);
    ++page.occurrences;
  }
  return out;
}

}  // namespace meetleak
