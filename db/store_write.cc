// Writing fetched documents (fetch state, links, sightings, the lifecycle),
// then the sources' own states (source_state.cc), in one transaction.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/document_writer.h"

namespace meetleak::db {
namespace {

// Followed by the FROM clause's tables, leak as `l`.
constexpr std::string_view kLeakState =
    "SELECT l.id, l.key_kind, l.key, l.page_url, l.status, l.severity, l.owner, l.source_url, "
    "l.document_id, l.detail_hash, l.passcode_digests, coalesce(l.fix_covers, -1) FROM ";

Result<StoredLeak> ReadStoredLeak(const Query& q, const std::string& db_path) {
  StoredLeak l;
  l.id = q.Int(0);
  Result<LeakStatus> status = ReadLeakStatus(q, 4, l.id, db_path);
  if (!status.ok()) return status.status();
  l.status = *status;
  l.key_kind = q.Text(1);
  l.key = q.Text(2);
  l.page_url = q.Text(3);
  l.severity = static_cast<Severity>(q.Int(5));
  l.owner = q.Text(6);
  l.source_url = q.Text(7);
  l.document_id = q.Int(8);
  l.detail_hash = q.Int(9);
  l.passcode_digests = SplitDigests(q.Text(10));
  l.fix_covers = static_cast<int>(q.Int(11));
  return l;
}

// Whether the upsert whose row `q` holds (id in column 0) inserted it: the
// dialect's RETURNING column `col`, or on SQLite last_insert_rowid moved to
// the row's id. An upsert that updated leaves last_insert_rowid alone;
// documents are never deleted, so a new row's id names no earlier link or
// leak.
bool Inserted(const Connection& conn, const Query& q, int col, std::int64_t last_insert) {
  if (!conn.dialect().inserted.empty()) return q.Int(col) != 0;
  const std::int64_t id = q.Int(0);
  return conn.LastInsertRowId() != last_insert && conn.LastInsertRowId() == id;
}

// `text` as a JSON string, appended to *out.
void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += c;
    } else if (u < 0x20) {
      *out += "\\u00";
      *out += kHex[u >> 4];
      *out += kHex[u & 0xf];
    } else {
      *out += c;
    }
  }
  *out += '"';
}

std::string SightedSql(Backend backend) {
  return std::string(kLeakState) + std::string(DialectOf(backend).leaks_by_keys);
}

}  // namespace

// The reads come first: the document's row and its stored leaks in one
// round trip on PostgreSQL (Query::Prefetch), then, only when it shows
// keys it does not have (a new document, a new leak), the leaks on its page
// of those keys; then the writes, queued (Query::Defer).
Status DocumentWriter::Write() {
  // A scan's write touches only leaks: the fetch state is the sources'.
  if (doc_.ad_hoc && doc_.outcome == DocumentOutcome::kFailed) return Status::OK();
  const std::int64_t last_insert = conn_->LastInsertRowId();
  Result<Query> row = doc_.ad_hoc ? StartFindOrAdd() : StartFetchState();
  if (!row.ok()) return row.status();
  std::optional<Query> stored;
  if (doc_.outcome != DocumentOutcome::kFailed) {
    Result<Query> q =
        conn_->Prepare(std::string(kLeakState) +
                       "leak l WHERE l.document_id = (SELECT id FROM document WHERE url = ?1)");
    if (!q.ok()) return q.status();
    q->Bind(1, url_).Prefetch();
    stored.emplace(std::move(*q));
  }
  MEETLEAK_RETURN_IF_ERROR(ReadDocumentRow(&*row, last_insert));
  if (doc_.outcome == DocumentOutcome::kFailed) return Status::OK();
  if (!doc_.ad_hoc) MEETLEAK_RETURN_IF_ERROR(ReplaceLinks());
  MEETLEAK_RETURN_IF_ERROR(LoadLeaks(&*stored));
  if (doc_.outcome != DocumentOutcome::kGone) MEETLEAK_RETURN_IF_ERROR(LoadSightedElsewhere());
  if (doc_.outcome != DocumentOutcome::kGone)
    for (const LeakStore::Sighting& s : doc_.sightings)
      if (s.ref.classification.company) MEETLEAK_RETURN_IF_ERROR(Sight(s));
  // Leaks are keyed by page_url: only this document's leaks on the page it
  // answered with are judged by its body.
  for (StoredLeak& leak : leaks_) {
    if (leak.sighted || leak.document_id != doc_id_) continue;
    if (doc_.outcome == DocumentOutcome::kNotModified) {
      MEETLEAK_RETURN_IF_ERROR(SightUnchanged(&leak));
    } else {
      MEETLEAK_RETURN_IF_ERROR(MarkAbsent(&leak));
    }
  }
  return Status::OK();
}

// A scan's document: the stored one, whose leaks stay under its source; or
// a new row without validators, links or candidates, so the first source
// that reaches it reads it in full and takes it.
Result<Query> DocumentWriter::StartFindOrAdd() {
  Result<Query> q = conn_->Prepare(
      "INSERT INTO document (url, page_url, source_url) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (url) DO UPDATE SET url = excluded.url RETURNING id, source_url" +
      std::string(conn_->dialect().inserted));
  if (!q.ok()) return q.status();
  q->Bind(1, url_).Bind(2, given_page_url_).Bind(3, source_url_).Prefetch();
  return q;
}

Result<Query> DocumentWriter::StartFetchState() {
  static constexpr std::string_view kInsert =
      "INSERT INTO document (url, page_url, source_url, etag, last_modified, body_hash, "
      "last_fetched, last_status, last_error, non_company_refs, still_linked, candidate_keys) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?1 <> ?3 THEN 1 ELSE 0 END, ?11) "
      "ON CONFLICT (url) DO UPDATE SET ";
  static const std::string kReplace =
      std::string(kInsert) +
      "page_url = ?2, source_url = ?3, etag = ?4, last_modified = ?5, body_hash = ?6, "
      "last_fetched = ?7, last_status = ?8, last_error = ?9, non_company_refs = ?10, "
      "candidate_keys = ?11, refetch = 0 RETURNING id";
  // 304: the validators and the body's counts stay unless new ones came.
  static const std::string kNotModified =
      std::string(kInsert) +
      "page_url = CASE WHEN ?2 <> '' THEN ?2 ELSE document.page_url END, source_url = ?3, "
      "etag = CASE WHEN ?4 <> '' THEN ?4 ELSE document.etag END, "
      "last_modified = CASE WHEN ?5 <> '' THEN ?5 ELSE document.last_modified END, "
      "body_hash = CASE WHEN ?6 <> '' THEN ?6 ELSE document.body_hash END, last_fetched = ?7, "
      "last_status = ?8, last_error = ?9 RETURNING id";
  // A failure keeps everything but the status and the error.
  static const std::string kFailed =
      std::string(kInsert) + "source_url = ?3, last_status = ?8, last_error = ?9 RETURNING id";
  const std::string& sql = doc_.outcome == DocumentOutcome::kNotModified ? kNotModified
                           : doc_.outcome == DocumentOutcome::kFailed    ? kFailed
                                                                         : kReplace;
  const std::string_view inserted = conn_->dialect().inserted;
  Result<Query> q =
      inserted.empty() ? conn_->Prepare(sql) : conn_->Prepare(sql + std::string(inserted));
  if (!q.ok()) return q.status();
  const bool failed = doc_.outcome == DocumentOutcome::kFailed;
  q->Bind(1, url_).Bind(2, given_page_url_).Bind(3, source_url_).Bind(4, doc_.etag);
  q->Bind(5, doc_.last_modified).Bind(6, doc_.body_hash);
  q->Bind(7, failed ? std::nullopt : std::optional<std::int64_t>(now_));
  q->Bind(8, doc_.status).Bind(9, error_);
  q->Bind(10, doc_.outcome == DocumentOutcome::kFetched ? doc_.non_company_refs : 0);
  // A body read (or a 404/410: none) says what the document holds; 304 and
  // failures say nothing (a new row's candidates stay unknown).
  if (doc_.outcome == DocumentOutcome::kFetched || doc_.outcome == DocumentOutcome::kGone)
    q->BindBlob(11, candidate_hashes_);
  else
    q->BindNull(11);
  q->Prefetch();
  return q;
}

// The row StartFindOrAdd or StartFetchState asked for: the document's id,
// whether it is new, and (a scan's) its stored source.
Status DocumentWriter::ReadDocumentRow(Query* q, std::int64_t last_insert) {
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return conn_->Internal("upsert document " + url_);
  doc_id_ = q->Int(0);
  if (doc_.ad_hoc) source_url_ = q->Text(1);
  new_document_ = Inserted(*conn_, *q, doc_.ad_hoc ? 2 : 1, last_insert);
  return q->Run();
}

Status DocumentWriter::ReplaceLinks() {
  if (doc_.outcome == DocumentOutcome::kNotModified) return Status::OK();
  if (!new_document_) {
    Result<Query> del = conn_->Prepare("DELETE FROM link WHERE from_id = ?");
    if (!del.ok()) return del.status();
    del->Bind(1, doc_id_);
    MEETLEAK_RETURN_IF_ERROR(del->Defer());
  }
  if (doc_.outcome == DocumentOutcome::kGone) return Status::OK();
  for (const std::string& to : doc_.linked_urls) {
    Result<Query> ins =
        conn_->Prepare("INSERT INTO link (from_id, to_url) VALUES (?, ?) ON CONFLICT DO NOTHING");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, doc_id_).Bind(2, urls_(to));
    MEETLEAK_RETURN_IF_ERROR(ins->Defer());
  }
  return Status::OK();
}

Status DocumentWriter::LoadLeaks(Query* q) {
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) {
    Result<StoredLeak> leak = ReadStoredLeak(*q, conn_->path());
    if (!leak.ok()) return leak.status();
    leaks_.push_back(std::move(*leak));
  }
  if (!row.ok()) return row.status();
  // A document's leaks carry the page_url it last answered with; after a
  // redirect changed, those on the old page are judged by this body too
  // (they were reached only through this URL).
  for (StoredLeak& l : leaks_)
    if (l.page_url == page_url_) on_page_.emplace(LeakKey(l.key_kind, l.key), &l);
  return Status::OK();
}

// The leaks on this document's page of the keys it shows but does not
// have (another document's, a redirect having led both to one page; or
// none yet: new leaks), in one query rather than one per key.
Status DocumentWriter::LoadSightedElsewhere() {
  std::string pairs;  // [[kind, key], …]
  std::unordered_set<std::string> listed;
  for (const LeakStore::Sighting& s : doc_.sightings) {
    if (!s.ref.classification.company) continue;
    const std::string_view kind = ToString(s.ref.key_kind);
    std::string key = LeakKey(kind, s.ref.key);
    if (on_page_.count(key) > 0 || !listed.insert(std::move(key)).second) continue;
    pairs += pairs.empty() ? "[[" : ",[";
    AppendJsonString(&pairs, kind);
    pairs += ',';
    AppendJsonString(&pairs, s.ref.key);
    pairs += ']';
  }
  if (pairs.empty()) return Status::OK();
  pairs += ']';
  static const std::string kSql[] = {SightedSql(Backend::kSqlite), SightedSql(Backend::kPostgres)};
  Result<Query> q = conn_->Prepare(kSql[static_cast<int>(conn_->backend())]);
  if (!q.ok()) return q.status();
  q->Bind(1, page_url_).Bind(2, pairs);
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) {
    Result<StoredLeak> leak = ReadStoredLeak(*q, conn_->path());
    if (!leak.ok()) return leak.status();
    leaks_.push_back(std::move(*leak));
    elsewhere_.emplace(LeakKey(leaks_.back().key_kind, leaks_.back().key), &leaks_.back());
  }
  return row.status();
}

Result<StoredLeak*> DocumentWriter::FindElsewhere(const PageRef& ref) {
  Result<Query> q = conn_->Prepare(std::string(kLeakState) +
                                   "leak l WHERE key_kind = ? AND key = ? AND page_url = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, ToString(ref.key_kind)).Bind(2, ref.key).Bind(3, page_url_);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return static_cast<StoredLeak*>(nullptr);
  Result<StoredLeak> leak = ReadStoredLeak(*q, conn_->path());
  if (!leak.ok()) return leak.status();
  leaks_.push_back(std::move(*leak));
  return &leaks_.back();
}

// On PostgreSQL a transaction that lost a race with another worker (kBusy:
// a new leak stored by it meanwhile, a deadlock, a serialization failure)
// was rolled back as a whole: it is run again, a few times at most.
Result<LeakStore::WriteResult> SqlLeakStore::Write(const std::vector<DocumentWrite>& docs,
                                                   const std::vector<SourceResult>& sources) {
  return RetryLostRace(conn_->backend(), [&] { return WriteOnce(docs, sources); });
}

Status SqlLeakStore::Checkpoint() {
  if (conn_->backend() != Backend::kSqlite) return Status::OK();
  return conn_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
}

Result<LeakStore::WriteResult> SqlLeakStore::WriteOnce(const std::vector<DocumentWrite>& docs,
                                                       const std::vector<SourceResult>& sources) {
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  WriteResult result;
  const std::int64_t now = Now();
  StoredUrls urls;
  std::string seen_again;  // FlushSeenAgain's, for all the documents
  for (const DocumentWrite& doc : docs) {
    if (doc.url.empty()) return Status::InvalidInput("a document to store has no URL");
    MEETLEAK_RETURN_IF_ERROR(DocumentWriter(conn_.get(), now, doc,
                                            CandidateHashes(doc.candidate_keys), &urls, &seen_again,
                                            &result)
                                 .Write());
  }
  MEETLEAK_RETURN_IF_ERROR(FlushSeenAgain(conn_.get(), now, &seen_again));
  const Clock::TimePoint end = clock_->Now();
  for (const SourceResult& r : sources)
    MEETLEAK_RETURN_IF_ERROR(WriteSourceState(conn_.get(), end, r, lease_holder_));
  MEETLEAK_RETURN_IF_ERROR((*tx)->Commit());
  return result;
}

}  // namespace meetleak::db
