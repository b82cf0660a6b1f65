// Writing fetched documents (fetch state, links, sightings, the lifecycle),
// then the sources' own states (source_state.cc), in one transaction.
#include <algorithm>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/lifecycle.h"
#include "db/sql_store.h"

namespace meetleak::db {
namespace {

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

std::string LeakKey(std::string_view key_kind, std::string_view key) {
  std::string k(key_kind);
  k += '\0';
  k += key;
  return k;
}

constexpr std::string_view kLeakState =
    "SELECT id, key_kind, key, page_url, status, severity, owner, source_url, document_id, "
    "detail_hash, passcode_digests, coalesce(fix_covers, -1) FROM leak ";

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

// A fingerprint of everything a sighting writes besides last_seen and the
// count: equal → the sighting only says "seen again" and joins the batched
// update (the steady state of a re-polled page).
std::int64_t DetailHash(const LeakStore::Sighting& s) {
  const PageRef& r = s.ref;
  std::uint64_t h = r.has_passcode ? 0x9e3779b97f4a7c15ULL : 0x2545f4914f6cdd1dULL;
  for (std::string_view part :
       {std::string_view(r.host), ToString(r.form), ToString(r.link_type),
        std::string_view(r.context), std::string_view(r.entry_url),
        ToString(r.classification.meeting_kind), std::string_view(s.allow_reason),
        std::string_view(r.classification.severity_reason)}) {
    // boost::hash_combine's mixing, over each part's own hash (no copies).
    h ^= std::hash<std::string_view>{}(part) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  for (const std::string& d : r.passcode_digests)
    h ^= std::hash<std::string_view>{}(d) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return static_cast<std::int64_t>(h);
}

// `stored` then the new digests of `seen`, distinct, the latest
// kPasscodeDigestsKept. *added: `seen` held one not in `stored`.
std::vector<std::string> MergeDigests(std::vector<std::string> stored,
                                      const std::vector<std::string>& seen, bool* added) {
  *added = false;
  for (const std::string& d : seen) {
    if (std::find(stored.begin(), stored.end(), d) != stored.end()) continue;
    stored.push_back(d);
    *added = true;
  }
  const std::size_t keep = LeakStore::kPasscodeDigestsKept;
  if (stored.size() > keep) stored.erase(stored.begin(), stored.end() - static_cast<long>(keep));
  return stored;
}

// A sighting of a leak a fix resolved that shows what the fix did not
// cover ("" when none): why it reopens.
std::string BeyondFix(const StoredLeak& leak, const PageRef& r, bool new_passcode) {
  if (leak.status != LeakStatus::kResolved || leak.fix_covers < 0) return "";
  if (r.has_start_token && (leak.fix_covers & kFixCoversStartLink) == 0)
    return "seen again with a host start link, which the fix through Zoom's API did not cover";
  if (new_passcode)
    return "seen again with a passcode not published before the fix through Zoom's API";
  return "";
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

std::string InsertLeakSql(Backend backend) {
  return "INSERT INTO leak (key_kind, key, page_url, document_id, host, form, link_type, "
         "has_passcode, severity, status, owner, meeting_kind, entry_url, source_url, context, "
         "allow_reason, first_seen, last_seen, needs_notice, detail_hash, sightings, topic, "
         "severity_reason, passcode_digests) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, "
         "?18, ?19, 1, coalesce((SELECT topic FROM inventory_meeting WHERE ?1 = 'meeting_id' "
         "AND meeting_id = ?2), ''), ?20, ?21) ON CONFLICT DO NOTHING" +
         std::string(DialectOf(backend).returning_id);
}

std::string SeenAgainSql(Backend backend) {
  return "UPDATE leak SET last_seen = ?1, sightings = sightings + 1 WHERE id IN (" +
         std::string(DialectOf(backend).ids_in_json) + ")";
}

// The per-document write: fetch state, links, then leaks.
class DocumentWriter {
 public:
  // `candidate_hashes`: the keyed hashes of doc.candidate_keys.
  DocumentWriter(Connection* conn, std::int64_t now, const LeakStore::DocumentWrite& doc,
                 std::string candidate_hashes, StoredUrls* urls, LeakStore::WriteResult* result)
      : conn_(conn),
        now_(now),
        doc_(doc),
        candidate_hashes_(std::move(candidate_hashes)),
        urls_(*urls),
        result_(result),
        url_(urls_(doc.url)),
        given_page_url_(doc.page_url.empty() ? "" : urls_(doc.page_url)),
        page_url_(given_page_url_.empty() ? url_ : given_page_url_),
        source_url_(urls_(doc.source_url)),
        error_(urls_(doc.error)) {}

  Status Write();

 private:
  Status UpsertFetchState();
  Status FindOrAddForScan();
  Status ReplaceLinks();
  Status LoadLeaks();
  Status Sight(const LeakStore::Sighting& s);
  Result<StoredLeak*> FindElsewhere(const PageRef& ref);
  Status Insert(const LeakStore::Sighting& s, const std::string& entry_url);
  Status Update(StoredLeak* leak, const LeakStore::Sighting& s, const std::string& entry_url);
  Status RecordChange(const StoredLeak& leak, const SightingEffect& e, const LeakStore::Sighting& s,
                      const std::string& beyond_fix);
  Status MarkAbsent(StoredLeak* leak);
  Status SightUnchanged(StoredLeak* leak);
  Status FlushSeenAgain();

  Connection* conn_;
  std::int64_t now_;
  const LeakStore::DocumentWrite& doc_;
  std::string candidate_hashes_;
  StoredUrls& urls_;
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
  std::string seen_again_;  // JSON array of ids sighted with nothing else to write
};

Status DocumentWriter::Write() {
  if (doc_.ad_hoc) {
    // A scan's write touches only leaks: the fetch state is the sources'.
    if (doc_.outcome == DocumentOutcome::kFailed) return Status::OK();
    MEETLEAK_RETURN_IF_ERROR(FindOrAddForScan());
  } else {
    MEETLEAK_RETURN_IF_ERROR(UpsertFetchState());
    if (doc_.outcome == DocumentOutcome::kFailed) return Status::OK();
    MEETLEAK_RETURN_IF_ERROR(ReplaceLinks());
  }
  MEETLEAK_RETURN_IF_ERROR(LoadLeaks());
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
  return FlushSeenAgain();
}

// A scan's document: the stored one, whose leaks stay under its source; or
// a new row without validators, links or candidates, so the first source
// that reaches it reads it in full and takes it.
Status DocumentWriter::FindOrAddForScan() {
  Result<Query> q = conn_->Prepare(
      "INSERT INTO document (url, page_url, source_url) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (url) DO UPDATE SET url = excluded.url RETURNING id, source_url" +
      std::string(conn_->dialect().inserted));
  if (!q.ok()) return q.status();
  q->Bind(1, url_).Bind(2, given_page_url_).Bind(3, source_url_);
  const std::int64_t last_insert = conn_->LastInsertRowId();
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return conn_->Internal("find document " + url_);
  doc_id_ = q->Int(0);
  source_url_ = q->Text(1);
  new_document_ = Inserted(*conn_, *q, 2, last_insert);
  return q->Run();
}

Status DocumentWriter::UpsertFetchState() {
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
  const std::int64_t last_insert = conn_->LastInsertRowId();
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return conn_->Internal("upsert document " + url_);
  doc_id_ = q->Int(0);
  new_document_ = Inserted(*conn_, *q, 1, last_insert);
  return q->Run();
}

Status DocumentWriter::ReplaceLinks() {
  if (doc_.outcome == DocumentOutcome::kNotModified) return Status::OK();
  if (!new_document_) {
    Result<Query> del = conn_->Prepare("DELETE FROM link WHERE from_id = ?");
    if (!del.ok()) return del.status();
    del->Bind(1, doc_id_);
    MEETLEAK_RETURN_IF_ERROR(del->Run());
  }
  if (doc_.outcome == DocumentOutcome::kGone) return Status::OK();
  for (const std::string& to : doc_.linked_urls) {
    Result<Query> ins =
        conn_->Prepare("INSERT INTO link (from_id, to_url) VALUES (?, ?) ON CONFLICT DO NOTHING");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, doc_id_).Bind(2, urls_(to));
    MEETLEAK_RETURN_IF_ERROR(ins->Run());
  }
  return Status::OK();
}

Status DocumentWriter::LoadLeaks() {
  if (new_document_) return Status::OK();  // no leak names it yet
  Result<Query> q = conn_->Prepare(std::string(kLeakState) + "WHERE document_id = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, doc_id_);
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

Result<StoredLeak*> DocumentWriter::FindElsewhere(const PageRef& ref) {
  Result<Query> q =
      conn_->Prepare(std::string(kLeakState) + "WHERE key_kind = ? AND key = ? AND page_url = ?");
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

Status DocumentWriter::Sight(const LeakStore::Sighting& s) {
  ++result_->sightings;
  StoredLeak* leak = nullptr;
  // Keys are looked up among this document's leaks on its page first.
  auto it = on_page_.find(LeakKey(ToString(s.ref.key_kind), s.ref.key));
  if (it != on_page_.end()) leak = it->second;
  if (leak == nullptr) {
    Result<StoredLeak*> found = FindElsewhere(s.ref);
    if (!found.ok()) return found.status();
    leak = *found;
  }
  const std::string& entry_url = urls_(s.ref.entry_url);
  if (leak == nullptr) return Insert(s, entry_url);
  leak->sighted = true;
  return Update(leak, s, entry_url);
}

Status DocumentWriter::Insert(const LeakStore::Sighting& s, const std::string& entry_url) {
  Result<std::optional<std::int64_t>> id =
      InsertLeak(conn_, s, {page_url_, doc_id_, source_url_, entry_url}, now_);
  if (!id.ok()) return id.status();
  if (id->has_value()) {
    ++result_->new_leaks;
    return Status::OK();
  }
  // Another worker stored it since FindElsewhere looked: a sighting of it.
  Result<StoredLeak*> found = FindElsewhere(s.ref);
  if (!found.ok()) return found.status();
  if (*found == nullptr) return conn_->Internal("leak " + s.ref.key + " on " + page_url_);
  (*found)->sighted = true;
  return Update(*found, s, entry_url);
}

// A repeat sighting that changes nothing indexed touches only unindexed
// columns; any change of status, severity, owner, source or document takes
// the full update (which maintains the indexes).
// The shown host, form, link type and context are those of the most severe
// sighting (?7), except that a start link is never replaced by another link
// type, and always replaces one.
#define MEETLEAK_SHOWN \
  "CASE WHEN (?10 = 'start' OR link_type <> 'start') AND (?7 <> 0 OR ?10 = 'start') THEN "
constexpr std::string_view kSightingSet =
    "UPDATE leak SET last_seen = ?2, sightings = sightings + 1, detail_hash = ?12, "
    "has_passcode = CASE WHEN has_passcode <> 0 OR ?3 <> 0 THEN 1 ELSE 0 END, entry_url = ?4, "
    "meeting_kind = ?5, allow_reason = ?6, "
    "host = " MEETLEAK_SHOWN "?8 ELSE host END, form = " MEETLEAK_SHOWN
    "?9 ELSE form END, "
    "link_type = " MEETLEAK_SHOWN
    "?10 ELSE link_type END, "
    "context = " MEETLEAK_SHOWN
    "?11 ELSE context END, "
    "severity_reason = CASE WHEN ?7 <> 0 OR ?20 <> 0 THEN ?21 ELSE severity_reason END, "
    "passcode_digests = ?22";
#undef MEETLEAK_SHOWN

Status DocumentWriter::Update(StoredLeak* leak, const LeakStore::Sighting& s,
                              const std::string& entry_url) {
  const PageRef& r = s.ref;
  const Severity seen = r.classification.severity;
  SightingEffect e = ApplySighting(leak->status, leak->severity, seen, s.allowed);
  // An expired meeting lowers its leak (design: Detection): the one decrease.
  if (r.classification.severity_reason == kMeetingExpired) e.severity = seen;
  bool new_passcode = false;
  std::vector<std::string> digests =
      MergeDigests(leak->passcode_digests, r.passcode_digests, &new_passcode);
  const std::string beyond_fix = BeyondFix(*leak, r, new_passcode);
  if (!beyond_fix.empty() && !s.allowed) e = {LeakStatus::kOpen, e.severity, true, true};
  const bool full = e.status != leak->status || e.severity != leak->severity || e.notice ||
                    r.classification.owner != leak->owner || source_url_ != leak->source_url ||
                    doc_id_ != leak->document_id;
  const std::int64_t detail = DetailHash(s);
  if (!full && detail == leak->detail_hash) {
    seen_again_ += (seen_again_.empty() ? "[" : ",") + std::to_string(leak->id);
    return Status::OK();
  }
  static const std::string kQuick = std::string(kSightingSet) + " WHERE id = ?1";
  static const std::string kFull =
      std::string(kSightingSet) +
      ", status = ?13, severity = ?14, owner = ?15, source_url = ?16, document_id = ?17, "
      "reopened_at = CASE WHEN ?18 <> 0 THEN ?2 ELSE reopened_at END, "
      "needs_notice = CASE WHEN ?19 <> 0 THEN 1 ELSE needs_notice END, "
      "fix_covers = CASE WHEN ?18 <> 0 THEN NULL ELSE fix_covers END WHERE id = ?1";
  Result<Query> q = conn_->Prepare(full ? kFull : kQuick);
  if (!q.ok()) return q.status();
  q->Bind(1, leak->id).Bind(2, now_).Bind(3, r.has_passcode).Bind(4, entry_url);
  q->Bind(5, ToString(r.classification.meeting_kind)).Bind(6, s.allow_reason);
  // The shown form, host and context are those of the most severe sighting.
  q->Bind(7, seen >= leak->severity).Bind(8, r.host).Bind(9, ToString(r.form));
  q->Bind(10, ToString(r.link_type)).Bind(11, r.context).Bind(12, detail);
  q->Bind(20, e.severity != leak->severity).Bind(21, r.classification.severity_reason);
  q->Bind(22, JoinDigests(digests));
  if (full) {
    q->Bind(13, ToString(e.status)).Bind(14, static_cast<int>(e.severity));
    q->Bind(15, r.classification.owner).Bind(16, source_url_).Bind(17, doc_id_);
    q->Bind(18, e.reopened).Bind(19, e.notice);
  }
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  if (e.reopened) ++result_->reopened;
  MEETLEAK_RETURN_IF_ERROR(RecordChange(*leak, e, s, beyond_fix));
  leak->status = e.status;
  leak->severity = e.severity;
  leak->passcode_digests = std::move(digests);
  if (e.reopened) leak->fix_covers = -1;
  return Status::OK();
}

// The history of a sighting that changed a leak: why it reopened, that it
// is allowed now, and a severity change with its reason.
Status DocumentWriter::RecordChange(const StoredLeak& leak, const SightingEffect& e,
                                    const LeakStore::Sighting& s, const std::string& beyond_fix) {
  const Severity seen = s.ref.classification.severity;
  if (e.reopened) {
    std::string why = "seen again on the page";
    if (!beyond_fix.empty())
      why = beyond_fix;
    else if (leak.status == LeakStatus::kAllowed)
      why = "seen again and no longer allowed by the configuration";
    else if (leak.status != LeakStatus::kGone)
      why = "seen again at " + std::string(ToString(seen)) + ", more severe than when it was " +
            std::string(ToString(leak.status)) + " (" + std::string(ToString(leak.severity)) + ")";
    MEETLEAK_RETURN_IF_ERROR(InsertLeakEvent(conn_, leak.id, now_, "reopened", "meetleak", why));
  }
  if (e.status == LeakStatus::kAllowed && leak.status != LeakStatus::kAllowed)
    MEETLEAK_RETURN_IF_ERROR(
        InsertLeakEvent(conn_, leak.id, now_, "allowed", "config", s.allow_reason));
  if (e.severity != leak.severity) {
    std::string what =
        std::string(ToString(leak.severity)) + " → " + std::string(ToString(e.severity));
    if (!s.ref.classification.severity_reason.empty())
      what += ": " + s.ref.classification.severity_reason;
    MEETLEAK_RETURN_IF_ERROR(InsertLeakEvent(conn_, leak.id, now_, "severity", "meetleak", what));
  }
  return Status::OK();
}

// One statement for every leak of the document only seen again.
Status DocumentWriter::FlushSeenAgain() {
  if (seen_again_.empty()) return Status::OK();
  seen_again_ += ']';
  static const std::string kSql[] = {SeenAgainSql(Backend::kSqlite),
                                     SeenAgainSql(Backend::kPostgres)};
  Result<Query> q = conn_->Prepare(kSql[static_cast<int>(conn_->backend())]);
  if (!q.ok()) return q.status();
  q->Bind(1, now_).Bind(2, seen_again_);
  return q->Run();
}

Status DocumentWriter::MarkAbsent(StoredLeak* leak) {
  LeakStatus next = ApplyAbsence(leak->status);
  if (next == leak->status) return Status::OK();
  Result<Query> q = conn_->Prepare("UPDATE leak SET status = ?2 WHERE id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, leak->id).Bind(2, ToString(next));
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  MEETLEAK_RETURN_IF_ERROR(
      InsertLeakEvent(conn_, leak->id, now_, "gone", "meetleak",
                      doc_.outcome == DocumentOutcome::kGone
                          ? "the page answered HTTP " + std::to_string(doc_.status)
                          : std::string("no longer on the page")));
  leak->status = next;
  ++result_->gone;
  return Status::OK();
}

// 304 or the same body: every leak still there is sighted as it is.
Status DocumentWriter::SightUnchanged(StoredLeak* leak) {
  if (leak->status == LeakStatus::kGone) return Status::OK();
  seen_again_ += (seen_again_.empty() ? "[" : ",") + std::to_string(leak->id);
  ++result_->sightings;
  return Status::OK();
}

}  // namespace

Result<std::optional<std::int64_t>> InsertLeak(Connection* conn, const LeakStore::Sighting& s,
                                               const NewLeakPlace& where, std::int64_t seen) {
  const PageRef& r = s.ref;
  static const std::string kSql[] = {InsertLeakSql(Backend::kSqlite),
                                     InsertLeakSql(Backend::kPostgres)};
  Result<Query> q = conn->Prepare(kSql[static_cast<int>(conn->backend())]);
  if (!q.ok()) return q.status();
  const LeakStatus status = s.allowed ? LeakStatus::kAllowed : LeakStatus::kOpen;
  q->Bind(1, ToString(r.key_kind)).Bind(2, r.key).Bind(3, where.page_url);
  q->Bind(4, where.document_id);
  q->Bind(5, r.host).Bind(6, ToString(r.form)).Bind(7, ToString(r.link_type));
  q->Bind(8, r.has_passcode).Bind(9, static_cast<int>(r.classification.severity));
  q->Bind(10, ToString(status)).Bind(11, r.classification.owner);
  q->Bind(12, ToString(r.classification.meeting_kind)).Bind(13, where.entry_url);
  q->Bind(14, where.source_url).Bind(15, r.context).Bind(16, s.allow_reason).Bind(17, seen);
  q->Bind(18, status == LeakStatus::kOpen).Bind(19, DetailHash(s));
  q->Bind(20, r.classification.severity_reason);
  bool added = false;
  q->Bind(21, JoinDigests(MergeDigests({}, r.passcode_digests, &added)));
  // nullopt: another writer's leak, committed since the caller looked.
  std::int64_t id = 0;
  if (conn->dialect().returning_id.empty()) {
    MEETLEAK_RETURN_IF_ERROR(q->Run());
    if (conn->Changes() == 0) return std::optional<std::int64_t>();
    id = conn->LastInsertRowId();
  } else {
    Result<bool> row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<std::int64_t>();
    id = q->Int(0);
    MEETLEAK_RETURN_IF_ERROR(q->Run());
  }
  if (status == LeakStatus::kAllowed)
    MEETLEAK_RETURN_IF_ERROR(InsertLeakEvent(conn, id, seen, "allowed", "config", s.allow_reason));
  return std::optional<std::int64_t>(id);
}

Result<LeakStore::WriteResult> SqlLeakStore::Write(const std::vector<DocumentWrite>& docs,
                                                   const std::vector<SourceResult>& sources) {
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  WriteResult result;
  const std::int64_t now = Now();
  StoredUrls urls;
  for (const DocumentWrite& doc : docs) {
    if (doc.url.empty()) return Status::InvalidInput("a document to store has no URL");
    MEETLEAK_RETURN_IF_ERROR(
        DocumentWriter(conn_.get(), now, doc, CandidateHashes(doc.candidate_keys), &urls, &result)
            .Write());
  }
  const Clock::TimePoint end = clock_->Now();
  for (const SourceResult& r : sources)
    MEETLEAK_RETURN_IF_ERROR(WriteSourceState(conn_.get(), end, r));
  MEETLEAK_RETURN_IF_ERROR((*tx)->Commit());
  return result;
}

}  // namespace meetleak::db
