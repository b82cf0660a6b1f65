// Internal to db/: writing one fetched document inside the caller's
// transaction (LeakStore::Write), split over store_write.cc (the fetch
// state, links, and the leaks its sightings may touch, read up front) and
// write_sightings.cc (what each sighting does to its leak: the lifecycle).
//
// On PostgreSQL the writes go through the connection's pipeline
// (Query::Defer): a document costs the round trips of its reads only —
// its fetch state's upsert, its stored leaks, and (when it shows keys it
// did not have) those keys' leaks on its page in one query.
#ifndef MEETLEAK_DB_DOCUMENT_WRITER_H_
#define MEETLEAK_DB_DOCUMENT_WRITER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "db/lifecycle.h"
#include "db/sql_store.h"

namespace meetleak::db {

// What the write path needs of a stored leak.
struct StoredLeak {
  std::int64_t id = 0;
  std::string key_kind, key, page_url;
  LeakStatus status = LeakStatus::kOpen;
  Severity severity = Severity::kInfo;
  std::string owner, source_url;
  std::int64_t document_id = 0;
  std::int64_t detail_hash = 0;  // DetailHash of the last sighting written in full
  std::vector<std::string> passcode_digests;
  int fix_covers = -1;   // -1: no fix resolved it
  bool sighted = false;  // in this write
};

inline std::string LeakKey(std::string_view key_kind, std::string_view key) {
  std::string k(key_kind);
  k += '\0';
  k += key;
  return k;
}

// StoredUrl, remembered for one Write call: the source's URL, the
// page URL that is the requested one, the empty entry URLs recur in every
// document of a group, and redacting costs microseconds.
class StoredUrls {
 public:
  const std::string& operator()(const std::string& url) {
    auto [it, added] = memo_.try_emplace(url);
    if (added) it->second = StoredUrl(url);
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::string> memo_;
};

// One statement for every leak of a Write's documents only seen again
// (last_seen and the count, which no document's write reads): `ids`, a
// JSON array being built ("[1,2" or ""), is closed and emptied.
Status FlushSeenAgain(Connection* conn, std::int64_t now, std::string* ids);

// The per-document write: fetch state, links, then leaks.
class DocumentWriter {
 public:
  // `candidate_hashes`: the keyed hashes of doc.candidate_keys.
  DocumentWriter(Connection* conn, std::int64_t now, const LeakStore::DocumentWrite& doc,
                 std::string candidate_hashes, StoredUrls* urls, std::string* seen_again,
                 LeakStore::WriteResult* result)
      : conn_(conn),
        now_(now),
        doc_(doc),
        candidate_hashes_(std::move(candidate_hashes)),
        urls_(*urls),
        seen_again_(*seen_again),
        result_(result),
        url_(urls_(doc.url)),
        given_page_url_(doc.page_url.empty() ? "" : urls_(doc.page_url)),
        page_url_(given_page_url_.empty() ? url_ : given_page_url_),
        source_url_(urls_(doc.source_url)),
        error_(urls_(doc.error)) {}

  Status Write();

 private:
  // Each Start… binds a query and starts it (Query::Prefetch).
  Result<Query> StartFetchState();
  Result<Query> StartFindOrAdd();
  Status ReadDocumentRow(Query* q, std::int64_t last_insert);
  Status ReplaceLinks();
  Status LoadLeaks(Query* q);
  Status LoadSightedElsewhere();
  Status Sight(const LeakStore::Sighting& s);
  Result<StoredLeak*> FindElsewhere(const PageRef& ref);
  // `key`: the sighting's LeakKey.
  Status Insert(const LeakStore::Sighting& s, const std::string& entry_url, const std::string& key);
  Status Update(StoredLeak* leak, const LeakStore::Sighting& s, const std::string& entry_url);
  Status RecordChange(const StoredLeak& leak, const SightingEffect& e, const LeakStore::Sighting& s,
                      const std::string& beyond_fix);
  Status MarkAbsent(StoredLeak* leak);
  Status SightUnchanged(StoredLeak* leak);

  Connection* conn_;
  std::int64_t now_;
  const LeakStore::DocumentWrite& doc_;
  std::string candidate_hashes_;
  StoredUrls& urls_;
  std::string& seen_again_;  // FlushSeenAgain's ids
  LeakStore::WriteResult* result_;
  // The document's URLs as stored (StoredUrl): its key, the page it
  // answered with as given ("" = none), the page its leaks are keyed by.
  std::string url_, given_page_url_, page_url_;
  std::string source_url_;  // the stored document's source: its leaks' source_url
  std::string error_;
  std::int64_t doc_id_ = 0;
  bool new_document_ = false;  // the upsert inserted the row
  // This document's leaks, then those sighted here that another document
  // had (a deque: pointers stay valid as it grows).
  std::deque<StoredLeak> leaks_;
  std::unordered_map<std::string, StoredLeak*> on_page_;  // LeakKey → this doc's, on page_url_
  // LeakKey → another document's leak on page_url_ that this one sights.
  std::unordered_map<std::string, StoredLeak*> elsewhere_;
  // The LeakKeys of the new leaks this document queued (their ids are not
  // known before the transaction's next read).
  std::unordered_set<std::string> inserted_;
};

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_DOCUMENT_WRITER_H_
