// LeakStore: meetleak's database — the inventory, the configured sources, the
// fetch state of every fetched document, and the leaks with their lifecycle
// (docs/formats.md, "Leak status"). Two backends, one behaviour: a SQLite
// file (below), or a PostgreSQL database when Open is given a postgresql://
// URL (docs/postgresql.md): the same tables and schema versions, the same
// answers; errors name the server and database instead of a file.
//
//   Result<std::unique_ptr<LeakStore>> store = LeakStore::Open("meetleak.db", SystemClock());
//   if (!store.ok()) return store.status();       // kTooNew / kInvalidInput: exit 2
//   LeakStore::DocumentWrite doc;  // url, outcome (DocumentOutcome::kFetched), sightings …
//   Result<LeakStore::WriteResult> w = (*store)->WriteDocuments({doc});
//
// The file: created 0600 (its -wal/-shm take the same mode), WAL journal,
// synchronous=NORMAL, foreign keys on, a 5 s busy timeout. The schema version
// is PRAGMA user_version; Open runs the forward-only migrations in one
// transaction, refuses a DB written by a newer meetleak (kTooNew, naming the
// file and both versions) and a file that is not a meetleak DB (kInvalidInput).
//
// Times come from the injected Clock and are stored as unix seconds (INTEGER,
// UTC): whole seconds, so a TimePoint read back is truncated to the second.
//
// Threads and processes: one LeakStore is one SQLite connection; use it from
// one thread at a time. Any number of LeakStores (threads or processes) may
// open one file: readers never block, and never see a half-written
// transaction; writers wait for each other up to the busy timeout.
//
// Errors: every method returns a Status; storage failures are kIOError
// (disk full, I/O), kCorruption (damaged file) or kInternal, each message
// naming the DB file. Nothing throws. No secret is ever stored: a leak keeps
// only whether a passcode was present, and contexts arrive redacted.
//
// URLs: every URL given to the store (a source's, a document's, a link's, a
// page or entry URL, in a write or in a lookup) is stored and looked up in
// its redacted form (RedactSecrets: pwd, zak and tk values …). That form is
// the URL's identity: two URLs that differ only in a secret are one source,
// one document. The URLs the store returns are that form too, so one that
// held a secret (it contains kRedacted) is a key, not a URL to fetch: the
// fetchable URL is the caller's (the config's, a live link's).
//
// Lifecycle of a leak (status names are those of `leaks list --status`):
//   open, acknowledged, resolved, false_positive, allowed, gone.
// A leak is keyed by (key kind, key, page_url) and belongs to the document
// (fetch-state URL) that last sighted it. Per written document:
// - kFetched: each company sighting opens a new leak (`allowed` if the
//   sighting is allowed) or sights an existing one (last_seen, sightings+1);
//   every open/acknowledged/resolved leak of the document not sighted goes
//   `gone`.
// - kNotModified (304 or same body hash): every non-gone leak of the document
//   is sighted as it is (sightings given in the write are applied first).
// - kGone (404/410): open/acknowledged/resolved leaks of the document → gone.
// - kFailed (5xx, network): no leak changes; the fetch state records the
//   status and error.
// A sighting: gone → open (reopened_at); acknowledged/resolved → open
// (reopened_at) only when the sighting is more severe than the leak;
// allowed sighting of open/acknowledged/resolved/gone → allowed; allowed leak
// sighted not allowed → open (reopened_at); false_positive never changes by
// itself. Severity only rises (the highest seen); a false_positive leak keeps
// its severity. Owner decisions (SetLeakStatus) may move any leak anywhere.
#ifndef MEETLEAK_DB_STORE_H_
#define MEETLEAK_DB_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "matchers/inventory.h"
#include "matchers/leak.h"
#include "matchers/meeting_ref.h"
#include "matchers/page_ref.h"

namespace meetleak {

class LeakStore {
 public:
  using TimePoint = Clock::TimePoint;

  // The schema version this build writes (PRAGMA user_version).
  static constexpr int kSchemaVersion = 9;

  // Opens (creating 0600 if absent) and migrates the DB at `path`. `clock`
  // is borrowed and must outlive the store.
  static Result<std::unique_ptr<LeakStore>> Open(const std::string& path, Clock* clock);

  virtual ~LeakStore() = default;

  // --- Inventory and metadata -------------------------------------------
  // Replaces the meetings and/or the personal links in one transaction;
  // nullopt keeps what is stored. A repeated ID or vanity keeps the last row.
  // When it changes keys — adds an ID or vanity, or changes what a reference
  // to one classifies as (owner, kind, Zoom's expiry and settings, CSV and
  // Zoom rows merged) — every document
  // whose last body held a candidate for one (see DocumentWrite::
  // candidate_keys), and every document whose candidates are unknown, is
  // marked for refetch in the same transaction: its validators are withheld
  // (FetchState::refetch) until it is fetched in full again, so a page that
  // would answer 304 is matched against the new inventory.
  virtual Status ReplaceInventory(std::optional<std::vector<InventoryMeeting>> meetings,
                                  std::optional<std::vector<PersonalLink>> links) = 0;
  // The stored rows (domains and security contact are the CLI's to set).
  // A meeting or link stored from both sources is Zoom's row.
  virtual Result<Inventory> LoadInventory() = 0;

  // --- The inventory from Zoom (inventory sync) ---------------------------
  // ReplaceInventory above replaces the CSV rows only; these, the Zoom rows.
  struct InventoryRows {
    std::vector<InventoryMeeting> meetings;  // expired ones included
    std::vector<PersonalLink> links;
  };
  // The stored rows of one source, by key.
  virtual Result<InventoryRows> LoadRows(RowSource source) = 0;
  // Replaces every Zoom row in one transaction (CSV rows untouched), marking
  // for refetch the documents that held a candidate for a changed key, as
  // ReplaceInventory does.
  virtual Status ReplaceZoomInventory(const InventoryRows& rows) = 0;
  // The meta key under which ReplaceInventory and ReplaceZoomInventory
  // record when the inventory last changed (unix seconds, as text).
  static constexpr std::string_view kInventoryUpdatedKey = "inventory_updated";
  // Small string settings, e.g. the content hash of each inventory file.
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;

  // --- Sources -----------------------------------------------------------
  struct SourceConfig {
    std::string url;
    std::string kind;  // auto | page | feed | sitemap (stored as given)
    int interval_s = 3600;
  };
  // Upserts every configured source (a new one is due at once; a changed
  // interval reschedules it by db/due.h's rule); a source no
  // longer configured is marked inactive, its leaks and fetch state kept.
  // A URL listed twice (after redaction) is kInvalidInput and nothing
  // changes.
  virtual Status SyncSources(const std::vector<SourceConfig>& sources) = 0;

  struct SourceRow {
    std::string url, kind;
    int interval_s = 0;
    std::optional<TimePoint> last_fetched;  // last pass that got an answer
    std::optional<TimePoint> next_due;      // db/due.h's rule; nullopt: never polled, due now
    std::optional<TimePoint> retry_after;   // from Retry-After, if any
    int last_status = 0;                    // HTTP status of the last pass (0: none)
    std::string last_error;                 // "" when the last pass succeeded
    int consecutive_failures = 0;
    std::optional<TimePoint> failing_since;  // the first failure of the current run of them
    std::int64_t non_company_refs = 0;       // as reported by the last SourceResult
    std::int64_t open_leaks = 0;             // leaks with status open reached from it
    bool active = true;                      // still in the config
  };
  // Every source, active or not, by URL.
  virtual Result<std::vector<SourceRow>> ListSources() = 0;
  // Active sources due at the clock's now: next_due unset or not after now
  // (the one rule of db/due.h, which `run` follows). Ordered by next_due
  // (unset first), then URL.
  virtual Result<std::vector<SourceRow>> DueSources() = 0;

  // --- Fetch state ---------------------------------------------------------
  struct FetchState {
    std::string url;       // the requested URL (the key)
    std::string page_url;  // final URL after redirects, redacted
    std::string etag, last_modified, body_hash;
    std::optional<TimePoint> last_fetched;  // last answer that was not kFailed
    int last_status = 0;
    std::string last_error;             // "" unless the last fetch failed
    std::string source_url;             // the source that last reached it
    bool still_linked = false;          // reachable from its source by the links of the last pass
    std::int64_t non_company_refs = 0;  // in its last fetched body
    bool refetch = false;  // an inventory change added a key it may hold: fetch it in full
  };
  virtual Result<std::optional<FetchState>> GetFetchState(std::string_view url) = 0;
  // The fetch states of many URLs in one read (a crawler asks for a queue's
  // worth at once): element i is urls[i]'s, nullopt where none is stored.
  virtual Result<std::vector<std::optional<FetchState>>> GetFetchStates(
      const std::vector<std::string>& urls) = 0;
  // Documents reached from `source_url` (the source's own document excluded)
  // that it still links or that hold a leak that is not gone, by URL.
  Result<std::vector<std::string>> WatchList(std::string_view source_url);
  // The watch lists of many sources in one read, element i for
  // source_urls[i] (a run asks for all its sources at once).
  virtual Result<std::vector<std::vector<std::string>>> WatchLists(
      const std::vector<std::string>& source_urls) = 0;

  // --- Writing documents ---------------------------------------------------
  struct Sighting {
    PageRef ref;           // non-company refs (classification.company false) are ignored
    bool allowed = false;  // an [[allow]] entry covers it
    std::string allow_reason;
  };
  // The candidate key of a reference or an inventory row: "meeting_id:<digits>",
  // "vanity:<lower-case name>", "token:<prefix>".
  static std::string CandidateKey(KeyKind kind, std::string_view key);

  // A document's write: its fetch state (matchers/page_ref.h; page_url is
  // the leaks' page_url) and what it held. By outcome: kFetched, the body
  // was scanned and `sightings` is everything on it; kNotModified, what was
  // there still is; kGone, the page is gone; kFailed, no leak changes.
  struct DocumentWrite : DocumentFetch {
    // A scan's write (`scan`, not `run`): a scan never changes what a
    // configured source watches. Only leaks are written (sighted, opened,
    // gone), under the stored document's source; a document not stored yet
    // is added without validators, links or candidates (the first source
    // that reaches it reads it in full and takes it). kFailed writes nothing.
    bool ad_hoc = false;
    std::vector<Sighting> sightings;
    std::int64_t non_company_refs = 0;
    // kFetched: the CandidateKey of every reference found in the body (company
    // or not) and of every bare Zoom-grouped 9–11 digit run; kept only as
    // keyed hashes (HMAC-SHA-256 under a random key of this database), for
    // ReplaceInventory. kNotModified keeps the stored ones; kGone clears them.
    std::vector<std::string> candidate_keys;
  };
  struct WriteResult {
    int new_leaks = 0;  // leaks created
    int reopened = 0;   // gone/acknowledged/resolved/allowed → open
    int gone = 0;       // → gone
    int sightings = 0;  // sighting events applied
  };
  // Writes all documents in ONE transaction (group commit): all or nothing,
  // never half a document. Documents are applied in order.
  Result<WriteResult> WriteDocuments(const std::vector<DocumentWrite>& docs) {
    return Write(docs, {});
  }

  // A source's own state, written after every document reached from it in
  // the pass (so a crash before it re-fetches them). Also recomputes which of
  // the source's documents it still links (FetchState::still_linked).
  struct SourceResult {
    std::string url;
    int status = 0;
    std::string error;
    bool failed = false;                   // counts a consecutive failure
    std::optional<TimePoint> retry_after;  // stored as is; next_due is never before it
    std::int64_t non_company_refs = 0;     // the pass's count, stored as is
  };
  // Sets the source's next_due by db/due.h's rule (the pass ends now).
  // kNotFound for a URL that SyncSources never saw.
  Status WriteSourceResult(const SourceResult& result) { return Write({}, {result}).status(); }

  // The group commit of a pass: `docs` in order, then `sources` in order, in
  // ONE transaction — all or nothing. A source's state thus commits with or
  // after the documents reached from it (give each source's result in the
  // same call as its last documents, or in a later one), whatever the number
  // of sources a transaction holds. Any error (kNotFound for a source that
  // SyncSources never saw) writes nothing.
  virtual Result<WriteResult> Write(const std::vector<DocumentWrite>& docs,
                                    const std::vector<SourceResult>& sources) = 0;
  // Copies what SQLite's write-ahead log holds back into the database file,
  // without waiting for readers (a passive checkpoint); nothing on
  // PostgreSQL. StoreWriter calls it when its queue runs dry, so the copy
  // is made while a pass still fetches rather than by the last close.
  virtual Status Checkpoint() { return Status::OK(); }
  // A worker over a shared database (db/leases.h): its id. From now on a
  // source's state is written only while this worker holds the source's
  // lease, and the write releases it; a source another worker took
  // meanwhile keeps that worker's state (its documents are written: every
  // write is idempotent). "" (the default: SQLite, one run): written
  // whoever holds it.
  void set_lease_holder(std::string worker) { lease_holder_ = std::move(worker); }

 protected:
  std::string lease_holder_;

 public:
  // --- Leaks ---------------------------------------------------------------
  using LeakRow = StoredLeak;  // matchers/leak.h: what report/ renders too
  struct LeakFilter {
    std::optional<LeakStatus> status;  // nullopt = all
    std::optional<std::string> owner;  // exact, case-insensitive
  };
  // Worst (severity) first, then by id. A leak whose stored status is none
  // of LeakStatus's names is kCorruption, naming the file and the leak.
  virtual Result<std::vector<LeakRow>> ListLeaks(const LeakFilter& filter) = 0;
  virtual Result<std::optional<LeakRow>> GetLeak(std::int64_t id) = 0;
  // The leak of (key kind, key, page URL) — a leak's identity — if stored:
  // what `scan` shows beside a finding it stored or saw stored before.
  virtual Result<std::optional<LeakRow>> FindLeak(KeyKind key_kind, std::string_view key,
                                                  std::string_view page_url) = 0;
  // Owner decisions (`leaks ack|resolve|false-positive|reopen`): the leak
  // becomes acknowledged, resolved, false_positive or open. A non-empty note
  // replaces the stored one, its secrets redacted (RedactSecrets). Each
  // decision is one history event (LeakEvents) with its note.
  // Unknown id → kNotFound; allowed or gone (not an owner's to decide) →
  // kInvalidInput.
  virtual Status SetLeakStatus(std::int64_t id, LeakStatus status, std::string_view note) = 0;
  // A leak's history, oldest first. Recorded by the store itself: owner
  // decisions (SetLeakStatus: kind = the resulting status, "reopened" for
  // reopen; actor "owner"; the note), automatic reopenings (actor
  // "meetleak", the note says why), allowed sightings (actor "config", the
  // allow reason), leaks going gone, severity changes and why. Other
  // modules add theirs with AddLeakEvent (a `fix`: kind "fixed", actor
  // "zoom", the API's answer as note — never a secret).
  struct LeakEvent {
    std::optional<TimePoint> at;  // nullopt: kept from before the history (schema 5)
    std::string kind;             // acknowledged|resolved|false_positive|reopened|allowed|gone|
                                  // severity|note|fixed|… (free for later kinds)
    std::string actor;            // owner | meetleak | config | zoom
    std::string note;             // redacted as it is stored
  };
  // Unknown id → an empty history (GetLeak tells whether it exists).
  virtual Result<std::vector<LeakEvent>> LeakEvents(std::int64_t id) = 0;
  // Adds one event at the clock's now; kNotFound for an unknown leak.
  virtual Status AddLeakEvent(std::int64_t id, std::string_view kind, std::string_view actor,
                              std::string_view note) = 0;

  // Open leaks never notified, reopened or escalated since their last notice,
  // and leaks resolved by a fix since (the owner must send new invitations);
  // worst first, then id.
  virtual Result<std::vector<LeakRow>> LeaksToNotify() = 0;
  // Records a notice at now and at each leak's current severity.
  virtual Status MarkNotified(const std::vector<std::int64_t>& ids) = 0;

  // --- Web archives (meetleak sweep) -------------------------------------
  // An archive file's identity: its name (no directory), its size and the
  // SHA-256 (hex) of its first MiB. A file renamed, grown or rewritten is
  // another file.
  struct ArchiveFile {
    std::string name;
    std::uint64_t size = 0;
    std::string head_hash;
  };
  // How far sweeps got in a file: the records read and committed, counted in
  // reading order (WarcReader::Next), and whether the whole file was read.
  struct ArchiveProgress {
    std::uint64_t records = 0;
    bool done = false;
  };
  // Zero records and not done for a file never seen.
  virtual Result<ArchiveProgress> GetArchiveProgress(const ArchiveFile& file) = 0;
  // A company reference in one archive record.
  struct ArchiveSighting {
    Sighting sighting;     // its ref and whether an [[allow]] entry covers it
    std::string page_url;  // WARC-Target-URI
    TimePoint captured;    // WARC-Date
  };
  struct ArchiveWriteResult {
    int new_leaks = 0;  // leaks opened (or allowed) by the archive
    int sightings = 0;  // archive sightings recorded (a repeat of one stored is not)
    int open = 0;       // sightings whose leak is open after the write
  };
  // Writes `sightings`, then `progress` as the file's, in ONE transaction,
  // with source_url "warc:" + file.name. A leak not stored yet opens (or is
  // allowed) with first and last seen = the capture time, under a document
  // row for its page (kept without validators: the first source that
  // reaches the page reads it in full and takes it). Any sighting — the new
  // leak's first included — is a history event (kind "archive", actor
  // "meetleak", at = the capture time, the note naming the file), stored
  // once however often the file is read. A known leak's status, severity,
  // dates and counts never change: an archive is a snapshot.
  virtual Result<ArchiveWriteResult> WriteArchive(const ArchiveFile& file,
                                                  const std::vector<ArchiveSighting>& sightings,
                                                  const ArchiveProgress& progress) = 0;

  // Sources of kind "watch" (sweep --watch): held here, not in the config,
  // polled by `run` like a page source (interval kWatchIntervalS), always
  // under the address guard; SyncSources leaves them alone. Adding a URL
  // already stored as a source (configured or watched) changes nothing and
  // answers false.
  static constexpr int kWatchIntervalS = 24 * 3600;
  static constexpr std::string_view kWatchKind = "watch";
  virtual Result<bool> AddWatchSource(std::string_view url) = 0;
  // Removes a watch source (its documents and leaks are kept); false when
  // `url` is no watch source.
  virtual Result<bool> RemoveWatchSource(std::string_view url) = 0;

  // --- Remediation (`meetleak fix`) ----------------------------------------
  // The keyed hash of a published passcode: hex HMAC-SHA-256 under this
  // database's random key of (field, value) — a pwd= value's trailing ".1"
  // (Zoom's link version) dropped. The matcher gets it at detection
  // (FindOptions::passcode_digest) and Zoom's client for what the API answers
  // (zoom::ClientOptions::passcode_digest), so a leak's passcode_digests and
  // the meeting's current passcode compare without either being kept. The
  // function holds a copy of the key; it is thread-safe and outlives the
  // store.
  virtual PasscodeDigest PasscodeDigester() const = 0;
  // The latest distinct digests a leak keeps (StoredLeak::passcode_digests).
  static constexpr std::size_t kPasscodeDigestsKept = 8;

  // A fix applied through Zoom's API (matchers/leak.h). One transaction:
  // the calls are counted, a "fixed" event (actor "zoom") holds the note,
  // and when `resolved` the leak becomes resolved with the
  // note "fixed through Zoom's API", fix_covers set and a notice due (the
  // owner's next digest tells of the change). kNotFound for an unknown leak.
  virtual Status RecordFix(const LeakFix& fix) = 0;
  // Calls recorded for `user` since `since` (Zoom's day starts 00:00 UTC).
  virtual Result<int> ZoomUpdatesSince(std::string_view user, TimePoint since) = 0;
  // When meetleak last changed `meeting_id` through the API, if ever.
  virtual Result<std::optional<TimePoint>> LastZoomUpdate(std::string_view meeting_id) = 0;

  // SQLite's PRAGMA integrity_check: OK, or kCorruption with its report.
  // PostgreSQL: OK (the server checks its own pages).
  virtual Status CheckIntegrity() = 0;
};

// The open leaks (status open): `run` exits 1 when one was seen in its
// pass, `status` and the metrics count them by severity.
struct OpenLeakCounts {
  std::map<Severity, std::int64_t> by_severity;  // every severity, 0 included
  std::int64_t seen_since = 0;                   // last seen at or after `since`
};
Result<OpenLeakCounts> CountOpenLeaks(LeakStore& store, Clock::TimePoint since = {});

// PostgreSQL databases (`database = "postgresql://…"`, `--db postgres://…`,
// any case; libpq's URL or key=value forms). Credentials come only by
// libpq's own means (PGPASSWORD, ~/.pgpass, PGSERVICE).
bool IsPostgresUrl(std::string_view database);
// The conninfo to give libpq: `url`, with sslmode=verify-full added when a
// host is not loopback or a local socket and `url` sets no sslmode. A
// password inside `url` is kInvalidInput, and so is a string libpq cannot
// parse; the message never quotes `url` (nor libpq's, which may).
Result<std::string> PostgresConninfo(std::string_view url);

// `meetleak db copy`: every row of the SQLite database `from` (migrated to
// this build's version first) into the PostgreSQL database `to`, in one
// transaction — ids, times, every leak's history, and the database's key
// (candidate hashes and passcode digests stay valid). `to` must hold no
// meetleak data yet (kInvalidInput naming the table that does); its schema
// is made first if absent. Returns the rows copied, per table, in order.
Result<std::vector<std::pair<std::string, std::int64_t>>> CopyDatabase(const std::string& from,
                                                                       const std::string& to);

// One `meetleak run` per DB: an exclusive flock on the database file itself,
// through a descriptor of it (created 0600 when absent), so every path that
// reaches the file — a symlink, a hard link — meets the same lock. SQLite's
// own locks are POSIX record locks, which flock does not touch (Linux, local
// file systems). Released when the RunLock dies or its process does (the
// kernel drops flocks), so a crash never leaves it stuck.
//
// Destroy the RunLock only after every store opened on the file is closed:
// closing any descriptor of a file drops the POSIX locks its process holds
// on it, SQLite's included.
//
// PostgreSQL has no run lock: any number of workers share the database
// through leases (db/leases.h); Acquire refuses a postgresql:// URL.
class RunLock {
 public:
  // kBusy "<db> is locked by pid N (another meetleak run)" when held (N from
  // /proc/locks, "?" when unknown); kIOError when the file cannot be opened.
  static Result<std::unique_ptr<RunLock>> Acquire(const std::string& db_path);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace meetleak

#endif  // MEETLEAK_DB_STORE_H_
