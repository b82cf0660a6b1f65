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
  std::vector<std::string> passcode_digests;  // every occurrence's, distinct (MeetingRef)
  Classification classification;              // severity: the highest of the occurrences
  std::string context;                        // redacted
  std::string entry_url;  // the feed entry of an occurrence inside one, else empty
  int occurrences = 0;
};

// What became of one document of a pass: the one outcome the crawler
// reports (CrawledDocument) and the store applies (LeakStore::DocumentWrite).
enum class DocumentOutcome {
  kFetched,      // a body was read and scanned: its references are everything on it
  kNotModified,  // 304 to a conditional request, or the same body hash: what was there still is
  kGone,         // 404 or 410: the page is gone
  kFailed,       // any other failure (5xx, network): changes no leak
};

// The part of a document's record that the crawler makes and the store
// keeps as the document's fetch state: CrawledDocument and
// LeakStore::DocumentWrite are this plus what each side adds.
struct DocumentFetch {
  std::string url;         // as requested: the fetch-state key
  std::string page_url;    // final URL, fragment removed, secrets redacted ("" = url)
  std::string source_url;  // the configured source (or scan target) that led here
  DocumentOutcome outcome = DocumentOutcome::kFailed;
  int status = 0;  // HTTP status; 0 for files and network errors
  std::string etag, last_modified;
  std::string body_hash;  // hex, of the raw body; "" unless kFetched
  std::string error;      // one line, when kFailed
  // Documents it led to in this pass (kFetched only; a kNotModified
  // document keeps its stored links).
  std::vector<std::string> linked_urls;
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
