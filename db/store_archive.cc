// Web archives: what `meetleak sweep` writes (archive sightings and each
// file's progress) and the `watch` sources it may add.
#include <string>
#include <vector>

#include "db/sql_store.h"

namespace meetleak::db {
namespace {

// The leak of (key, page) if stored: its id and whether it is open.
struct KnownLeak {
  std::int64_t id = 0;
  bool open = false;
};

Result<std::optional<KnownLeak>> FindKnownLeak(Connection* conn, const PageRef& ref,
                                               const std::string& page_url) {
  Result<Query> q = conn->Prepare(
      "SELECT id, status = 'open' FROM leak WHERE key_kind = ? AND key = ? AND page_url = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, ToString(ref.key_kind)).Bind(2, ref.key).Bind(3, page_url);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<KnownLeak>();
  KnownLeak leak{q->Int(0), q->Int(1) != 0};
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return std::optional<KnownLeak>(leak);
}

// The page's document: the stored one (a source's, a scan's), or a new row
// without validators, links or candidates, as a scan adds one.
Result<std::int64_t> PageDocument(Connection* conn, const std::string& page_url,
                                  const std::string& source_url) {
  Result<Query> q = conn->Prepare(
      "INSERT INTO document (url, source_url) VALUES (?1, ?2) "
      "ON CONFLICT (url) DO UPDATE SET url = excluded.url RETURNING id");
  if (!q.ok()) return q.status();
  q->Bind(1, page_url).Bind(2, source_url);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return conn->Internal("find document " + page_url);
  const std::int64_t id = q->Int(0);
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return id;
}

// The history event of one archive sighting; false when it was stored
// before (the same file read again).
Result<bool> RecordArchiveSighting(Connection* conn, std::int64_t leak_id, std::int64_t captured,
                                   const std::string& source_url) {
  Result<Query> q = conn->Prepare(
      "INSERT INTO leak_event (leak_id, at, kind, actor, note) "
      "VALUES (?1, ?2, 'archive', 'meetleak', ?3) ON CONFLICT DO NOTHING");
  if (!q.ok()) return q.status();
  q->Bind(1, leak_id).Bind(2, captured).Bind(3, "captured in " + source_url);
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return conn->Changes() > 0;
}

Status WriteProgress(Connection* conn, const LeakStore::ArchiveFile& file,
                     const LeakStore::ArchiveProgress& progress, std::int64_t now) {
  Result<Query> q = conn->Prepare(
      "INSERT INTO sweep_file (name, size, head_hash, records, done, updated) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name, size, head_hash) DO UPDATE SET "
      "records = CASE WHEN sweep_file.records > ?4 THEN sweep_file.records ELSE ?4 END, "
      "done = CASE WHEN sweep_file.done <> 0 OR ?5 <> 0 THEN 1 ELSE 0 END, updated = ?6");
  if (!q.ok()) return q.status();
  q->Bind(1, file.name).Bind(2, static_cast<std::int64_t>(file.size)).Bind(3, file.head_hash);
  q->Bind(4, static_cast<std::int64_t>(progress.records)).Bind(5, progress.done).Bind(6, now);
  return q->Run();
}

}  // namespace

Result<LeakStore::ArchiveProgress> SqlLeakStore::GetArchiveProgress(const ArchiveFile& file) {
  Result<Query> q = conn_->Prepare(
      "SELECT records, done FROM sweep_file WHERE name = ? AND size = ? AND head_hash = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, file.name).Bind(2, static_cast<std::int64_t>(file.size)).Bind(3, file.head_hash);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  ArchiveProgress progress;
  if (*row) {
    progress.records = static_cast<std::uint64_t>(q->Int(0));
    progress.done = q->Int(1) != 0;
  }
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return progress;
}

Result<LeakStore::ArchiveWriteResult> SqlLeakStore::WriteArchive(
    const ArchiveFile& file, const std::vector<ArchiveSighting>& sightings,
    const ArchiveProgress& progress) {
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  const std::string source_url = StoredUrl("warc:" + file.name);
  ArchiveWriteResult result;
  for (const ArchiveSighting& a : sightings) {
    const PageRef& ref = a.sighting.ref;
    if (!ref.classification.company) continue;
    const std::string page_url = StoredUrl(a.page_url);
    const std::int64_t captured = ToUnix(a.captured);
    Result<std::optional<KnownLeak>> known = FindKnownLeak(conn_.get(), ref, page_url);
    if (!known.ok()) return known.status();
    KnownLeak leak;
    if (known->has_value()) {
      leak = **known;
    } else {
      Result<std::int64_t> doc = PageDocument(conn_.get(), page_url, source_url);
      if (!doc.ok()) return doc.status();
      Result<std::optional<std::int64_t>> id =
          InsertLeak(conn_.get(), a.sighting,
                     {page_url, *doc, source_url, StoredUrl(ref.entry_url)}, captured);
      if (!id.ok()) return id.status();
      if (id->has_value()) {
        leak = {**id, !a.sighting.allowed};
        ++result.new_leaks;
      } else {  // another writer's, committed since FindKnownLeak looked
        known = FindKnownLeak(conn_.get(), ref, page_url);
        if (!known.ok()) return known.status();
        if (!known->has_value()) return conn_->Internal("leak " + ref.key + " on " + page_url);
        leak = **known;
      }
    }
    Result<bool> added = RecordArchiveSighting(conn_.get(), leak.id, captured, source_url);
    if (!added.ok()) return added.status();
    if (*added) ++result.sightings;
    if (leak.open) ++result.open;
  }
  MEETLEAK_RETURN_IF_ERROR(WriteProgress(conn_.get(), file, progress, Now()));
  MEETLEAK_RETURN_IF_ERROR((*tx)->Commit());
  return result;
}

Result<bool> SqlLeakStore::AddWatchSource(std::string_view url) {
  Result<Query> q = conn_->Prepare(
      "INSERT INTO source (url, kind, interval_s, active) VALUES (?1, 'watch', ?2, 1) "
      "ON CONFLICT (url) DO NOTHING");
  if (!q.ok()) return q.status();
  q->Bind(1, StoredUrl(url)).Bind(2, kWatchIntervalS);
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return conn_->Changes() > 0;
}

Result<bool> SqlLeakStore::RemoveWatchSource(std::string_view url) {
  Result<Query> q = conn_->Prepare("DELETE FROM source WHERE url = ? AND kind = 'watch'");
  if (!q.ok()) return q.status();
  q->Bind(1, StoredUrl(url));
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return conn_->Changes() > 0;
}

}  // namespace meetleak::db
