// What each sighting of a fetched document does to its leak (the
// lifecycle: db/lifecycle.h): a new leak, a repeat sighting, a leak no
// longer on the page; and InsertLeak, shared with the archives' sightings.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "db/document_writer.h"

namespace meetleak::db {
namespace {

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

}  // namespace

Status DocumentWriter::Sight(const LeakStore::Sighting& s) {
  ++result_->sightings;
  StoredLeak* leak = nullptr;
  // Keys are looked up among this document's leaks on its page first, then
  // among the other leaks on its page (both read before the sightings).
  const std::string key = LeakKey(ToString(s.ref.key_kind), s.ref.key);
  if (auto it = on_page_.find(key); it != on_page_.end()) {
    leak = it->second;
  } else if (auto other = elsewhere_.find(key); other != elsewhere_.end()) {
    leak = other->second;
  } else if (inserted_.count(key) > 0) {  // shown twice here: the new leak, read back
    Result<StoredLeak*> found = FindElsewhere(s.ref);
    if (!found.ok()) return found.status();
    if (*found == nullptr) return conn_->Internal("a new leak on " + page_url_ + " not found");
    leak = *found;
    elsewhere_.emplace(key, leak);
  }
  const std::string& entry_url = urls_(s.ref.entry_url);
  if (leak == nullptr) return Insert(s, entry_url, key);
  leak->sighted = true;
  return Update(leak, s, entry_url);
}

Status DocumentWriter::Insert(const LeakStore::Sighting& s, const std::string& entry_url,
                              const std::string& key) {
  const NewLeakPlace where{page_url_, doc_id_, source_url_, entry_url};
  if (!s.allowed) {
    // Queued: a leak another worker stored since this document's leaks were
    // read fails the transaction with kBusy, and Write runs it again.
    MEETLEAK_RETURN_IF_ERROR(QueueNewLeak(conn_, s, where, now_));
    inserted_.insert(key);
    ++result_->new_leaks;
    return Status::OK();
  }
  // An allowed leak's history names it: its id is read now.
  Result<std::optional<std::int64_t>> id = InsertLeak(conn_, s, where, now_);
  if (!id.ok()) return id.status();
  if (id->has_value()) {
    inserted_.insert(key);
    ++result_->new_leaks;
    return Status::OK();
  }
  // Another worker stored it since this document's leaks were read: a
  // sighting of it.
  Result<StoredLeak*> found = FindElsewhere(s.ref);
  if (!found.ok()) return found.status();
  if (*found == nullptr) return conn_->Internal("a new leak on " + page_url_ + " not found");
  (*found)->sighted = true;
  elsewhere_.emplace(key, *found);
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
  MEETLEAK_RETURN_IF_ERROR(q->Defer());
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

Status FlushSeenAgain(Connection* conn, std::int64_t now, std::string* ids) {
  if (ids->empty()) return Status::OK();
  *ids += ']';
  static const std::string kSql[] = {SeenAgainSql(Backend::kSqlite),
                                     SeenAgainSql(Backend::kPostgres)};
  Result<Query> q = conn->Prepare(kSql[static_cast<int>(conn->backend())]);
  if (!q.ok()) return q.status();
  q->Bind(1, now).Bind(2, *ids);
  ids->clear();
  return q->Defer();
}

Status DocumentWriter::MarkAbsent(StoredLeak* leak) {
  LeakStatus next = ApplyAbsence(leak->status);
  if (next == leak->status) return Status::OK();
  Result<Query> q = conn_->Prepare("UPDATE leak SET status = ?2 WHERE id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, leak->id).Bind(2, ToString(next));
  MEETLEAK_RETURN_IF_ERROR(q->Defer());
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

namespace {

// Binds InsertLeakSql's parameters for a new leak of `s`.
void BindNewLeak(Query* q, const LeakStore::Sighting& s, const NewLeakPlace& where,
                 std::int64_t seen) {
  const PageRef& r = s.ref;
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
}

Result<Query> PrepareNewLeak(Connection* conn) {
  static const std::string kSql[] = {InsertLeakSql(Backend::kSqlite),
                                     InsertLeakSql(Backend::kPostgres)};
  return conn->Prepare(kSql[static_cast<int>(conn->backend())]);
}

}  // namespace

Result<std::optional<std::int64_t>> InsertLeak(Connection* conn, const LeakStore::Sighting& s,
                                               const NewLeakPlace& where, std::int64_t seen) {
  Result<Query> q = PrepareNewLeak(conn);
  if (!q.ok()) return q.status();
  BindNewLeak(&*q, s, where, seen);
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
  if (s.allowed)
    MEETLEAK_RETURN_IF_ERROR(InsertLeakEvent(conn, id, seen, "allowed", "config", s.allow_reason));
  return std::optional<std::int64_t>(id);
}

Status QueueNewLeak(Connection* conn, const LeakStore::Sighting& s, const NewLeakPlace& where,
                    std::int64_t seen) {
  Result<Query> q = PrepareNewLeak(conn);
  if (!q.ok()) return q.status();
  BindNewLeak(&*q, s, where, seen);
  return q->Defer("a new leak on " + std::string(where.page_url) +
                  " was stored by another writer meanwhile");
}

}  // namespace meetleak::db
