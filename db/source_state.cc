// A source's own state (LeakStore::SourceResult) and which of its
// documents it still links, written inside the caller's transaction after
// the documents of the same Write (store_write.cc).
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "db/due.h"
#include "db/sql_store.h"

namespace meetleak::db {
namespace {

// Which of the source's documents its links still reach, through the links
// of each document's last fetched body (a link is followed only from a
// document of this source). Only rows that change are written: a new
// document starts linked (only its source's links, never the watch list,
// reach a document not yet stored). The walk runs in memory over the
// source's documents and links, read once each: a recursive CTE over the
// same tables costs several times more on a source of thousands of pages.
Status MarkStillLinked(Connection* conn, const std::string& source_url) {
  struct Doc {
    std::int64_t id = 0;
    bool still_linked = false;
    std::vector<std::string> links;
  };
  std::unordered_map<std::string, Doc> docs;     // the source's documents by URL
  std::unordered_map<std::int64_t, Doc*> by_id;  // the same, by id
  {
    Result<Query> q =
        conn->Prepare("SELECT id, url, still_linked FROM document WHERE source_url = ?1");
    if (!q.ok()) return q.status();
    q->Bind(1, source_url);
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step()) {
      Doc& d = docs[q->Text(1)];
      d.id = q->Int(0);
      d.still_linked = q->Int(2) != 0;
      by_id[d.id] = &d;
    }
    if (!row.ok()) return row.status();
  }
  {
    Result<Query> q = conn->Prepare(
        "SELECT l.from_id, l.to_url FROM document d JOIN link l ON l.from_id = d.id "
        "WHERE d.source_url = ?1");
    if (!q.ok()) return q.status();
    q->Bind(1, source_url);
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step())
      if (auto it = by_id.find(q->Int(0)); it != by_id.end())
        it->second->links.push_back(q->Text(1));
    if (!row.ok()) return row.status();
  }
  std::unordered_set<std::string_view> reached{source_url};
  std::vector<std::string_view> frontier{source_url};
  while (!frontier.empty()) {
    auto it = docs.find(std::string(frontier.back()));
    frontier.pop_back();
    if (it == docs.end()) continue;  // not this source's: its links are not followed
    for (const std::string& to : it->second.links)
      if (reached.insert(to).second) frontier.push_back(to);
  }
  for (const auto& [url, d] : docs) {
    const bool linked = url != source_url && reached.count(url) > 0;
    if (linked == d.still_linked) continue;
    Result<Query> q = conn->Prepare("UPDATE document SET still_linked = ?2 WHERE id = ?1");
    if (!q.ok()) return q.status();
    q->Bind(1, d.id).Bind(2, linked);
    MEETLEAK_RETURN_IF_ERROR(q->Defer());
  }
  return Status::OK();
}

}  // namespace

// The URL and the error are stored redacted (StoredUrl), as every URL is.
Status WriteSourceState(Connection* conn, const Clock::TimePoint now,
                        const LeakStore::SourceResult& given, std::string_view lease_holder) {
  LeakStore::SourceResult r = given;
  r.url = StoredUrl(given.url);
  r.error = StoredUrl(given.error);
  Result<Query> q = conn->Prepare(
      "SELECT interval_s, consecutive_failures, coalesce(leased_by, '') FROM source "
      "WHERE url = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, r.url);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no configured source " + r.url);
  // Another worker's now (this one's lease ran out): its state is that one's.
  if (!lease_holder.empty() && q->Text(2) != lease_holder) return Status::OK();
  const std::chrono::seconds interval(q->Int(0));
  const int failures = r.failed ? static_cast<int>(q->Int(1)) + 1 : 0;
  const Clock::TimePoint next_due = db::NextDue(r.url, interval, failures, now, r.retry_after);
  Result<Query> update = conn->Prepare(
      "UPDATE source SET last_status = ?2, last_error = ?3, consecutive_failures = ?4, "
      "last_fetched = CASE WHEN ?5 <> 0 THEN last_fetched ELSE ?6 END, retry_after = ?7, "
      "next_due = ?8, non_company_refs = ?9, "
      "failing_since = CASE WHEN ?5 <> 0 THEN coalesce(failing_since, ?6) ELSE NULL END, "
      "leased_by = CASE WHEN ?10 = '' THEN leased_by END, "
      "lease_expires = CASE WHEN ?10 = '' THEN lease_expires END "
      "WHERE url = ?1 AND (?10 = '' OR leased_by = ?10)");
  if (!update.ok()) return update.status();
  update->Bind(1, r.url).Bind(2, r.status).Bind(3, r.error).Bind(4, failures);
  update->Bind(5, r.failed).Bind(6, ToUnix(now)).Bind(7, ToUnix(r.retry_after));
  update->Bind(8, ToUnix(next_due)).Bind(9, r.non_company_refs).Bind(10, lease_holder);
  // Deferred (the write pipeline): the WHERE still keeps the state of a
  // source another worker took between the read above and now.
  MEETLEAK_RETURN_IF_ERROR(update->Defer());
  if (!r.failed) MEETLEAK_RETURN_IF_ERROR(MarkStillLinked(conn, r.url));
  return Status::OK();
}

}  // namespace meetleak::db
