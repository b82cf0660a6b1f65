#include "db/schema.h"

#include <memory>
#include <string>

namespace meetleak::db {
namespace {

// Version 1. Times are unix seconds (INTEGER, UTC). Severities are the
// Severity enum's value (0 info … 4 critical) so they order; every other
// enum is stored by its ToString() name.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE inventory_meeting (
  meeting_id  TEXT PRIMARY KEY,
  owner_email TEXT NOT NULL,
  topic       TEXT NOT NULL,
  kind        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE personal_link (
  vanity      TEXT PRIMARY KEY,
  owner_email TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE source (
  id                   INTEGER PRIMARY KEY,
  url                  TEXT NOT NULL UNIQUE,
  kind                 TEXT NOT NULL,
  interval_s           INTEGER NOT NULL,
  active               INTEGER NOT NULL DEFAULT 1,
  last_fetched         INTEGER,
  next_due             INTEGER,
  retry_after          INTEGER,
  last_status          INTEGER NOT NULL DEFAULT 0,
  last_error           TEXT NOT NULL DEFAULT '',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  non_company_refs     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX source_due ON source (active, next_due);

-- The fetch state of every fetched document: sources and pages reached.
CREATE TABLE document (
  id               INTEGER PRIMARY KEY,
  url              TEXT NOT NULL UNIQUE,
  page_url         TEXT NOT NULL DEFAULT '',
  source_url       TEXT NOT NULL,
  etag             TEXT NOT NULL DEFAULT '',
  last_modified    TEXT NOT NULL DEFAULT '',
  body_hash        TEXT NOT NULL DEFAULT '',
  last_fetched     INTEGER,
  last_status      INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT NOT NULL DEFAULT '',
  still_linked     INTEGER NOT NULL DEFAULT 0,
  non_company_refs INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX document_source ON document (source_url, still_linked);

-- The links of a document's last fetched body that its source follows.
CREATE TABLE link (
  from_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
  to_url  TEXT NOT NULL,
  PRIMARY KEY (from_id, to_url)
) WITHOUT ROWID;

CREATE TABLE leak (
  id                INTEGER PRIMARY KEY,
  key_kind          TEXT NOT NULL,
  key               TEXT NOT NULL,
  page_url          TEXT NOT NULL,
  document_id       INTEGER NOT NULL REFERENCES document (id),
  host              TEXT NOT NULL,
  form              TEXT NOT NULL,
  link_type         TEXT NOT NULL,
  has_passcode      INTEGER NOT NULL,
  severity          INTEGER NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved',
                                         'false_positive', 'allowed', 'gone')),
  owner             TEXT NOT NULL COLLATE NOCASE,
  meeting_kind      TEXT NOT NULL,
  topic             TEXT NOT NULL DEFAULT '',
  entry_url         TEXT NOT NULL DEFAULT '',
  source_url        TEXT NOT NULL,
  context           TEXT NOT NULL DEFAULT '',
  note              TEXT NOT NULL DEFAULT '',
  allow_reason      TEXT NOT NULL DEFAULT '',
  first_seen        INTEGER NOT NULL,
  last_seen         INTEGER NOT NULL,
  reopened_at       INTEGER,
  notified_at       INTEGER,
  notified_severity INTEGER,
  needs_notice      INTEGER NOT NULL DEFAULT 1,
  detail_hash       INTEGER NOT NULL DEFAULT 0,  -- see db/store_write.cc DetailHash
  sightings         INTEGER NOT NULL DEFAULT 1,
  UNIQUE (key_kind, key, page_url)
);
CREATE INDEX leak_document ON leak (document_id);
CREATE INDEX leak_status_severity ON leak (status, severity DESC, id);
CREATE INDEX leak_owner ON leak (owner, status, severity DESC, id);
CREATE INDEX leak_source ON leak (source_url, status);
CREATE INDEX leak_to_notify ON leak (severity DESC, id) WHERE needs_notice = 1;
)sql";

// Version 2: what an inventory change must re-match (DESIGN.md, "Command-line
// contract", inventory import). candidate_keys: the keyed hashes (HMAC-SHA-256
// under the database's own random key, meta 'candidate_key_secret', cut to
// kCandidateHashBytes, sorted) of the keys of every reference in the
// document's last fetched body and of its bare Zoom-grouped 9–11 digit runs;
// NULL when unknown (fetched before version 2). refetch: the next pass fetches
// the document without validators.
constexpr std::string_view kVersion2 = R"sql(
ALTER TABLE document ADD COLUMN candidate_keys BLOB;
ALTER TABLE document ADD COLUMN refetch INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 3: no schema change; every URL stored before the store redacted
// URLs is redacted (redact_urls.cc), and the file keeps no old copy.
constexpr std::string_view kVersion3 = "";

constexpr std::string_view kScrubPending = "scrub_pending";

// Version 4: the inventory from Zoom's API (DESIGN.md, "Zoom integration").
// A meeting or personal link may be listed by a CSV and by Zoom: rows are
// keyed by (source, key), and Zoom's row wins when both exist. Zoom rows
// carry the meeting's times and the settings that change a leak's danger
// (NULL: not known); expired_at keeps a meeting gone from Zoom, or past
// Zoom's expiry, so its leaks keep their owner. list_hash and details_at are
// the sync's bookkeeping.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE inventory_meeting_v4 (
  source                      TEXT NOT NULL CHECK (source IN ('csv', 'zoom')),
  meeting_id                  TEXT NOT NULL,
  owner_email                 TEXT NOT NULL,
  topic                       TEXT NOT NULL,
  kind                        TEXT NOT NULL,
  start_time                  INTEGER,
  recurrence_end              INTEGER,
  expired_at                  INTEGER,
  passcode_set                INTEGER,
  waiting_room                INTEGER,
  join_before_host            INTEGER,
  embed_password_in_join_link INTEGER,
  list_hash                   TEXT NOT NULL DEFAULT '',
  details_at                  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (source, meeting_id)
) WITHOUT ROWID;
INSERT INTO inventory_meeting_v4 (source, meeting_id, owner_email, topic, kind)
  SELECT 'csv', meeting_id, owner_email, topic, kind FROM inventory_meeting;
DROP TABLE inventory_meeting;
ALTER TABLE inventory_meeting_v4 RENAME TO inventory_meeting;

CREATE TABLE personal_link_v4 (
  source      TEXT NOT NULL CHECK (source IN ('csv', 'zoom')),
  vanity      TEXT NOT NULL,
  owner_email TEXT NOT NULL,
  PRIMARY KEY (source, vanity)
) WITHOUT ROWID;
INSERT INTO personal_link_v4 (source, vanity, owner_email)
  SELECT 'csv', vanity, owner_email FROM personal_link;
DROP TABLE personal_link;
ALTER TABLE personal_link_v4 RENAME TO personal_link;
)sql";

// Version 5: each leak's history (DESIGN.md, `leaks show ID`: notes,
// decisions, reopenings, fixes). One row per event: an owner decision with
// its note, an automatic reopening and why, an allow and its reason, a leak
// going gone, a severity change and why, and — for `fix` — what was applied
// and the API's answer. `actor` says who: owner | meetleak | config | zoom.
// `at` is NULL for what version 4 kept without a date (a decision or an
// allow recorded before the history existed). severity_reason: why the
// leak has its severity, from the Zoom settings ("meeting expired", …).
// source.failing_since: when the current run of failures began (`status`);
// a source failing at the migration gets it at its next failure.
constexpr std::string_view kVersion5 = R"sql(
CREATE TABLE leak_event (
  id      INTEGER PRIMARY KEY,
  leak_id INTEGER NOT NULL REFERENCES leak (id) ON DELETE CASCADE,
  at      INTEGER,
  kind    TEXT NOT NULL,
  actor   TEXT NOT NULL,
  note    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leak_event_leak ON leak_event (leak_id, id);
ALTER TABLE leak ADD COLUMN severity_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE source ADD COLUMN failing_since INTEGER;
INSERT INTO leak_event (leak_id, at, kind, actor, note)
  SELECT id, NULL, iif(status = 'open', 'note', status),
         iif(status = 'allowed', 'config', 'owner'),
         iif(status = 'allowed', allow_reason, note)
  FROM leak WHERE status IN ('acknowledged', 'resolved', 'false_positive', 'allowed')
     OR (status = 'open' AND note <> '')
  ORDER BY id;
INSERT INTO leak_event (leak_id, at, kind, actor, note)
  SELECT id, reopened_at, 'reopened', 'meetleak', 'seen again on the page'
  FROM leak WHERE reopened_at IS NOT NULL ORDER BY id;
)sql";

// Version 6: web archives (DESIGN.md, "Web archives"). sweep_file: how far
// `meetleak sweep` got in each archive file, keyed by the file's name, size
// and the SHA-256 of its first MiB — the records read and committed, in
// reading order, and whether the whole file was read. An archive sighting of
// a leak is a history event (kind 'archive', `at` the capture time, the note
// naming the file); the partial unique index makes re-reading a file
// idempotent. Sources of kind 'watch' (sweep --watch) need no column: the
// kind is free text.
constexpr std::string_view kVersion6 = R"sql(
CREATE TABLE sweep_file (
  name      TEXT NOT NULL,
  size      INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  records   INTEGER NOT NULL DEFAULT 0,
  done      INTEGER NOT NULL DEFAULT 0,
  updated   INTEGER NOT NULL,
  PRIMARY KEY (name, size, head_hash)
) WITHOUT ROWID;
CREATE UNIQUE INDEX leak_event_archive ON leak_event (leak_id, at, note) WHERE kind = 'archive';
)sql";

// Version 7: remediation (`meetleak fix`, DESIGN.md "Zoom integration").
// passcode_digests: the keyed hashes (hex HMAC-SHA-256 under the database's
// key, LeakStore::PasscodeDigester) of the passcodes published with the
// leak, space-separated, the latest kPasscodeDigestsKept; never a value.
// fix_covers: what the fix that resolved the leak covered (kFixCovers…
// bits, matchers/leak.h), NULL when no fix did. zoom_update: every change meetleak
// made through Zoom's API, for Zoom's limit of 100 meeting updates per user
// per day and meetleak's own of one rotation per meeting per day.
constexpr std::string_view kVersion7 = R"sql(
ALTER TABLE leak ADD COLUMN passcode_digests TEXT NOT NULL DEFAULT '';
ALTER TABLE leak ADD COLUMN fix_covers INTEGER;
CREATE TABLE zoom_update (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  user       TEXT NOT NULL COLLATE NOCASE,
  meeting_id TEXT NOT NULL,
  call       TEXT NOT NULL,
  leak_id    INTEGER REFERENCES leak (id) ON DELETE SET NULL
);
CREATE INDEX zoom_update_user ON zoom_update (user, at);
CREATE INDEX zoom_update_meeting ON zoom_update (meeting_id, at);
)sql";

// Version 8: many workers over one database (DESIGN.md, "Storage";
// db/leases.h). A source's lease: the worker that took it (leased_by) until
// when (lease_expires, unix seconds by the database's clock); both NULL when
// free. worker: each `run` seen, with its machine and when it was last seen.
// lease: the other leases by kind and name — 'job' (the inventory sync,
// notify, an archive file of sweep) and 'host' (politeness across workers:
// last_start_ms is when the last holder gave it back, held_until its
// back-off). SQLite keeps its run lock and takes no lease, but has the same
// tables so both backends share one schema version and one `status`.
constexpr std::string_view kVersion8 = R"sql(
ALTER TABLE source ADD COLUMN leased_by TEXT;
ALTER TABLE source ADD COLUMN lease_expires INTEGER;
CREATE TABLE worker (
  id        TEXT PRIMARY KEY,
  host      TEXT NOT NULL,
  started   INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE TABLE lease (
  kind          TEXT NOT NULL,
  name          TEXT NOT NULL,
  holder        TEXT NOT NULL DEFAULT '',
  expires       INTEGER NOT NULL DEFAULT 0,
  last_start_ms INTEGER NOT NULL DEFAULT 0,
  held_until    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, name)
);
)sql";

// Version 9: PostgreSQL's indexes for taking sources host by host
// (schema_pg.cc). SQLite has a single worker and takes no source by host:
// nothing changes, the number keeps both backends' versions one.
constexpr std::string_view kVersion9 = "";

std::string VersionMessage(const Connection& conn, std::int64_t found) {
  return conn.path() + ": the database has schema version " + std::to_string(found) +
         ", newer than this meetleak supports (version " + std::to_string(Migrations().size()) +
         "); use a newer meetleak";
}

Status CheckIdentity(Connection* conn, std::int64_t version) {
  Result<std::int64_t> app_id = conn->QueryInt("PRAGMA application_id");
  if (!app_id.ok()) return app_id.status();
  if (version > 0 && *app_id != kApplicationId)
    return Status::InvalidInput(conn->path() + ": not a meetleak database (application_id " +
                                std::to_string(*app_id) + ")");
  if (version == 0) {
    Result<std::int64_t> tables = conn->QueryInt("SELECT count(*) FROM sqlite_schema");
    if (!tables.ok()) return tables.status();
    if (*tables > 0)
      return Status::InvalidInput(conn->path() +
                                  ": not a meetleak database (it holds other tables)");
  }
  return Status::OK();
}

Status ApplyPragmas(Connection* conn) {
  MEETLEAK_RETURN_IF_ERROR(conn->Exec("PRAGMA busy_timeout = 5000"));
  MEETLEAK_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys = ON"));
  // 64 MiB of page cache (the default is 2 MiB): a pass touches the leak
  // table and its indexes all over; 100 000 leaks make a ~50 MB file.
  MEETLEAK_RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size = -65536"));
  Result<std::int64_t> version = conn->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version > static_cast<std::int64_t>(Migrations().size()))
    return Status::TooNew(VersionMessage(*conn, *version));
  // Before anything changes the file: another application's database is
  // refused as it was found (journal_mode = WAL would rewrite its header).
  MEETLEAK_RETURN_IF_ERROR(CheckIdentity(conn, *version));
  // journal_mode cannot change inside a transaction: set it first.
  MEETLEAK_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode = WAL"));
  return conn->Exec("PRAGMA synchronous = NORMAL");
}

// After a migration that rewrote secrets out of the data: the pages they
// were on are rebuilt (VACUUM) and the WAL, which holds older page images,
// is checkpointed and truncated. secure_delete zeroes what is freed on the
// way. A reader of another process may keep the WAL from being truncated:
// the meta row stays and the next open tries again.
Status ScrubIfPending(Connection* conn) {
  Result<Query> pending = conn->Prepare("SELECT 1 FROM meta WHERE key = ?");
  if (!pending.ok()) return pending.status();
  pending->Bind(1, kScrubPending);
  Result<bool> row = pending->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::OK();
  MEETLEAK_RETURN_IF_ERROR(pending->Run());
  MEETLEAK_RETURN_IF_ERROR(conn->Exec("VACUUM"));
  auto truncate_wal = [conn]() -> Result<bool> {
    Result<Query> q = conn->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!q.ok()) return q.status();
    Result<bool> r = q->Step();
    if (!r.ok()) return r.status();
    const bool done = *r && q->Int(0) == 0 && q->Int(1) == q->Int(2);
    MEETLEAK_RETURN_IF_ERROR(q->Run());
    return done;
  };
  Result<bool> truncated = truncate_wal();
  if (!truncated.ok()) return truncated.status();
  if (*truncated) {
    Result<Query> done = conn->Prepare("DELETE FROM meta WHERE key = ?");
    if (!done.ok()) return done.status();
    done->Bind(1, kScrubPending);
    MEETLEAK_RETURN_IF_ERROR(done->Run());
    Result<bool> again = truncate_wal();
    if (!again.ok()) return again.status();
  }
  return Status::OK();
}

// Runs the migrations from `version` to the latest, in the caller's
// transaction; a scrubbing one leaves its mark in meta for ScrubIfPending.
Status RunMigrations(Connection* conn, std::int64_t version) {
  const auto latest = static_cast<std::int64_t>(Migrations().size());
  bool scrub = false;
  for (std::int64_t v = version; v < latest; ++v) {
    const Migration& m = Migrations()[v];
    if (!m.sql.empty()) MEETLEAK_RETURN_IF_ERROR(conn->Exec(std::string(m.sql)));
    if (m.rewrite != nullptr) MEETLEAK_RETURN_IF_ERROR(m.rewrite(conn));
    scrub = scrub || (m.scrub && version > 0);  // a new file has nothing to scrub
  }
  if (scrub) {
    Result<Query> q = conn->Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')");
    if (!q.ok()) return q.status();
    q->Bind(1, kScrubPending);
    MEETLEAK_RETURN_IF_ERROR(q->Run());
  }
  MEETLEAK_RETURN_IF_ERROR(conn->Exec("PRAGMA application_id = " + std::to_string(kApplicationId)));
  return conn->Exec("PRAGMA user_version = " + std::to_string(latest));
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {kVersion1}, {kVersion2}, {kVersion3, &RedactStoredUrls, /*scrub=*/true},
      {kVersion4}, {kVersion5}, {kVersion6},
      {kVersion7}, {kVersion8}, {kVersion9}};
  return migrations;
}

Status PrepareSchema(Connection* conn) {
  MEETLEAK_RETURN_IF_ERROR(ApplyPragmas(conn));
  // What a migration rewrites is zeroed where it stood, not only unlinked.
  MEETLEAK_RETURN_IF_ERROR(conn->Exec("PRAGMA secure_delete = ON"));
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn);
  if (!tx.ok()) return tx.status();
  // Read again under the write lock: another process may have migrated.
  Result<std::int64_t> version = conn->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  const auto latest = static_cast<std::int64_t>(Migrations().size());
  if (*version > latest) return Status::TooNew(VersionMessage(*conn, *version));
  MEETLEAK_RETURN_IF_ERROR(CheckIdentity(conn, *version));
  if (*version < latest) MEETLEAK_RETURN_IF_ERROR(RunMigrations(conn, *version));
  MEETLEAK_RETURN_IF_ERROR((*tx)->Commit());
  MEETLEAK_RETURN_IF_ERROR(ScrubIfPending(conn));
  return conn->Exec("PRAGMA secure_delete = OFF");
}

}  // namespace meetleak::db
