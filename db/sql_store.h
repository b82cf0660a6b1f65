// Internal to db/: the implementation of LeakStore, one for both backends
// over db/sql.h's Connection, split over
// store.cc (open, sources, fetch state), store_inventory.cc (the inventory),
// store_write.cc (documents and the lifecycle), source_state.cc (a source's
// own state), store_leaks.cc (leak queries and decisions),
// store_archive.cc (web archives' sightings and progress, watch sources) and
// store_fix.cc (what `fix` records).
#ifndef MEETLEAK_DB_SQL_STORE_H_
#define MEETLEAK_DB_SQL_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/sql.h"
#include "db/store.h"

namespace meetleak::db {

inline std::int64_t ToUnix(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline Clock::TimePoint FromUnix(std::int64_t s) {
  return Clock::TimePoint(std::chrono::seconds(s));
}
inline std::optional<Clock::TimePoint> FromUnix(std::optional<std::int64_t> s) {
  if (!s) return std::nullopt;
  return FromUnix(*s);
}
inline std::optional<std::int64_t> ToUnix(std::optional<Clock::TimePoint> t) {
  if (!t) return std::nullopt;
  return ToUnix(*t);
}

// The form in which `url` is stored and looked up (store.h, "URLs"):
// secrets redacted. Also for any other text that may quote a URL.
std::string StoredUrl(std::string_view url);

// Writes a source's own state (next_due by db/due.h's rule from `now`) and,
// unless it failed, which of its documents it still links; inside the
// caller's transaction (source_state.cc). With a `lease_holder`
// (LeakStore::set_lease_holder), only while it holds the source's lease,
// which the write releases.
Status WriteSourceState(Connection* conn, Clock::TimePoint now,
                        const LeakStore::SourceResult& result, std::string_view lease_holder);

// Digests as stored (space-separated) and back.
std::string JoinDigests(const std::vector<std::string>& digests);
std::vector<std::string> SplitDigests(std::string_view stored);

// The status in column `col` of leak `id`'s row: kCorruption naming the
// file and the leak for a status no meetleak writes (the column's CHECK
// bypassed), so such a leak is never taken for an open one (store_leaks.cc).
Result<LeakStatus> ReadLeakStatus(const Query& q, int col, std::int64_t id,
                                  const std::string& db_path);

// Whether leak `id` exists (store_leaks.cc).
Result<bool> LeakExists(Connection* conn, std::int64_t id);

// Appends one event to a leak's history (LeakStore::LeakEvents), its note
// redacted, inside the caller's transaction (store_leaks.cc).
Status InsertLeakEvent(Connection* conn, std::int64_t leak_id, std::int64_t at,
                       std::string_view kind, std::string_view actor, std::string_view note);

// Where a new leak stands: its page, the document it belongs to, the
// source that led there and the feed entry ("" if none).
struct NewLeakPlace {
  std::string_view page_url;
  std::int64_t document_id = 0;
  std::string_view source_url, entry_url;
};
// Inserts a new leak for `s` (open, or allowed with its history event),
// first and last seen at `seen`, inside the caller's transaction
// (store_write.cc): its id, or nullopt when the leak exists (another
// writer's, committed since the caller looked).
Result<std::optional<std::int64_t>> InsertLeak(Connection* conn, const LeakStore::Sighting& s,
                                               const NewLeakPlace& where, std::int64_t seen);
// The same without waiting (Query::Defer, an allowed leak's history event
// aside: InsertLeak's): a leak that exists fails with kBusy (another
// writer's, committed since the caller looked; the caller retries).
Status QueueNewLeak(Connection* conn, const LeakStore::Sighting& s, const NewLeakPlace& where,
                    std::int64_t seen);

class SqlLeakStore : public LeakStore {
 public:
  // `secret`: the database's key for candidate-key hashes.
  SqlLeakStore(std::unique_ptr<Connection> conn, Clock* clock, std::string secret)
      : conn_(std::move(conn)), clock_(clock), secret_(std::move(secret)) {}

  // Bytes kept of each candidate key's HMAC-SHA-256: a collision only costs
  // one unconditional fetch.
  static constexpr std::size_t kCandidateHashBytes = 16;
  // The keyed hashes of `keys`, sorted, duplicates dropped, concatenated.
  std::string CandidateHashes(const std::vector<std::string>& keys) const;

  Status ReplaceInventory(std::optional<std::vector<InventoryMeeting>> meetings,
                          std::optional<std::vector<PersonalLink>> links) override;
  Result<Inventory> LoadInventory() override;
  Result<InventoryRows> LoadRows(RowSource source) override;
  Status ReplaceZoomInventory(const InventoryRows& rows) override;
  Result<std::optional<std::string>> GetMeta(std::string_view key) override;
  Status SetMeta(std::string_view key, std::string_view value) override;

  Status SyncSources(const std::vector<SourceConfig>& configured) override;
  Result<std::vector<SourceRow>> ListSources() override;
  Result<std::vector<SourceRow>> DueSources() override;
  Result<std::optional<FetchState>> GetFetchState(std::string_view url) override;
  Result<std::vector<std::optional<FetchState>>> GetFetchStates(
      const std::vector<std::string>& asked) override;
  Result<std::vector<std::vector<std::string>>> WatchLists(
      const std::vector<std::string>& source_urls) override;

  Result<WriteResult> Write(const std::vector<DocumentWrite>& docs,
                            const std::vector<SourceResult>& sources) override;
  Status Checkpoint() override;

  Result<std::vector<LeakRow>> ListLeaks(const LeakFilter& filter) override;
  Result<std::optional<LeakRow>> GetLeak(std::int64_t id) override;
  Result<std::optional<LeakRow>> FindLeak(KeyKind key_kind, std::string_view key,
                                          std::string_view page_url) override;
  Status SetLeakStatus(std::int64_t id, LeakStatus status, std::string_view note) override;
  Result<std::vector<LeakEvent>> LeakEvents(std::int64_t id) override;
  Status AddLeakEvent(std::int64_t id, std::string_view kind, std::string_view actor,
                      std::string_view note) override;
  PasscodeDigest PasscodeDigester() const override;
  Status RecordFix(const LeakFix& fix) override;
  Result<int> ZoomUpdatesSince(std::string_view user, TimePoint since) override;
  Result<std::optional<TimePoint>> LastZoomUpdate(std::string_view meeting_id) override;
  Result<std::vector<LeakRow>> LeaksToNotify() override;
  Status MarkNotified(const std::vector<std::int64_t>& ids) override;
  Result<ArchiveProgress> GetArchiveProgress(const ArchiveFile& file) override;
  Result<ArchiveWriteResult> WriteArchive(const ArchiveFile& file,
                                          const std::vector<ArchiveSighting>& sightings,
                                          const ArchiveProgress& progress) override;
  Result<bool> AddWatchSource(std::string_view url) override;
  Result<bool> RemoveWatchSource(std::string_view url) override;
  Status CheckIntegrity() override;

 private:
  std::int64_t Now() const { return ToUnix(clock_->Now()); }
  // One attempt of SyncSources (`sources` stored-form URLs, `seen` their set).
  Status SyncSourcesOnce(const std::vector<SourceConfig>& sources,
                         const std::set<std::string>& seen);
  // One attempt of Write: one transaction.
  Result<WriteResult> WriteOnce(const std::vector<DocumentWrite>& docs,
                                const std::vector<SourceResult>& sources);
  Result<std::vector<std::string>> ChangedKeys(
      RowSource source, const std::optional<std::vector<InventoryMeeting>>& meetings,
      const std::optional<std::vector<PersonalLink>>& links);
  Status MarkRefetch(const std::vector<std::string>& keys);
  Status InsertRows(RowSource source, const std::vector<InventoryMeeting>* meetings,
                    const std::vector<PersonalLink>* links);
  Result<std::vector<SourceRow>> QuerySources(std::string_view sql, bool bind_now);
  Result<std::vector<LeakRow>> QueryLeaks(std::string_view sql,
                                          const std::function<void(Query&)>& bind);

  std::unique_ptr<Connection> conn_;
  Clock* clock_;
  std::string secret_;
};

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_SQL_STORE_H_
