// Leak queries, owner decisions and notices.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/lifecycle.h"
#include "db/sql_store.h"
#include "matchers/matcher.h"

namespace meetleak::db {
namespace {

// The topic is the inventory's when the meeting is still in it, else the
// one stored when the leak was first seen.
constexpr std::string_view kLeakColumns =
    "SELECT id, key_kind, key, host, form, link_type, has_passcode, severity, status, owner, "
    "meeting_kind, page_url, entry_url, source_url, context, note, "
    "coalesce((SELECT m.topic FROM inventory_meeting m WHERE leak.key_kind = 'meeting_id' "
    "AND m.meeting_id = leak.key), topic), allow_reason, first_seen, last_seen, reopened_at, "
    "notified_at, notified_severity, sightings, severity_reason, passcode_digests, "
    "coalesce(fix_covers, 0) FROM leak ";

Result<LeakStore::LeakRow> ReadLeak(const Query& q, const std::string& db_path) {
  LeakStore::LeakRow r;
  r.id = q.Int(0);
  Result<LeakStatus> status = ReadLeakStatus(q, 8, r.id, db_path);
  if (!status.ok()) return status.status();
  r.status = *status;
  r.key_kind = ParseKeyKind(q.Text(1)).value_or(KeyKind::kMeetingId);
  r.key = q.Text(2);
  r.host = q.Text(3);
  r.form = ParseRefForm(q.Text(4)).value_or(RefForm::kUrl);
  r.link_type = ParseLinkType(q.Text(5)).value_or(LinkType::kNone);
  r.has_passcode = q.Int(6) != 0;
  r.severity = static_cast<Severity>(q.Int(7));
  r.owner = q.Text(9);
  r.meeting_kind = ParseMeetingKind(q.Text(10)).value_or(MeetingKind::kUnknown);
  r.page_url = q.Text(11);
  r.entry_url = q.Text(12);
  r.source_url = q.Text(13);
  r.context = q.Text(14);
  r.note = q.Text(15);
  r.topic = q.Text(16);
  r.allow_reason = q.Text(17);
  r.first_seen = FromUnix(q.Int(18));
  r.last_seen = FromUnix(q.Int(19));
  r.reopened_at = FromUnix(q.OptInt(20));
  r.notified_at = FromUnix(q.OptInt(21));
  if (!q.IsNull(22)) r.notified_severity = static_cast<Severity>(q.Int(22));
  r.sightings = q.Int(23);
  r.severity_reason = q.Text(24);
  r.passcode_digests = SplitDigests(q.Text(25));
  r.fix_covers = static_cast<int>(q.Int(26));
  return r;
}

constexpr std::string_view kWorstFirst = " ORDER BY severity DESC, id";

}  // namespace

Result<std::vector<LeakStore::LeakRow>> SqlLeakStore::QueryLeaks(
    std::string_view sql, const std::function<void(Query&)>& bind) {
  Result<Query> q = conn_->Prepare(sql);
  if (!q.ok()) return q.status();
  if (bind) bind(*q);
  std::vector<LeakRow> rows;
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) {
    Result<LeakRow> leak = ReadLeak(*q, conn_->path());
    if (!leak.ok()) return leak.status();
    rows.push_back(std::move(*leak));
  }
  if (!row.ok()) return row.status();
  return rows;
}

Result<std::vector<LeakStore::LeakRow>> SqlLeakStore::ListLeaks(const LeakFilter& filter) {
  std::string where;
  std::vector<std::string> params;
  if (filter.status) {
    where += " AND status = ?";
    params.push_back(std::string(ToString(*filter.status)));
  }
  if (filter.owner) {
    where += " AND owner = ?";  // the column is case-insensitive (schema.cc)
    params.push_back(*filter.owner);
  }
  std::string sql = std::string(kLeakColumns) + "WHERE 1 = 1" + where + std::string(kWorstFirst);
  return QueryLeaks(sql, [&](Query& q) {
    for (std::size_t i = 0; i < params.size(); ++i) q.Bind(static_cast<int>(i + 1), params[i]);
  });
}

Result<std::optional<LeakStore::LeakRow>> SqlLeakStore::GetLeak(std::int64_t id) {
  Result<std::vector<LeakRow>> rows =
      QueryLeaks(std::string(kLeakColumns) + "WHERE id = ?", [&](Query& q) { q.Bind(1, id); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<LeakRow>();
  return std::optional<LeakRow>(std::move(rows->front()));
}

Result<std::optional<LeakStore::LeakRow>> SqlLeakStore::FindLeak(KeyKind key_kind,
                                                                 std::string_view key,
                                                                 std::string_view page_url) {
  const std::string url = StoredUrl(page_url);
  Result<std::vector<LeakRow>> rows =
      QueryLeaks(std::string(kLeakColumns) + "WHERE key_kind = ? AND key = ? AND page_url = ?",
                 [&](Query& q) { q.Bind(1, ToString(key_kind)).Bind(2, key).Bind(3, url); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<LeakRow>();
  return std::optional<LeakRow>(std::move(rows->front()));
}

Status SqlLeakStore::SetLeakStatus(std::int64_t id, LeakStatus status, std::string_view note) {
  if (!IsOwnerDecision(status))
    return Status::InvalidInput("a leak becomes " + std::string(ToString(status)) +
                                " by the config or its page, not by an owner's decision");
  const std::string stored_note = StoredUrl(note);
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  Result<Query> q = conn_->Prepare(
      "UPDATE leak SET status = ?2, note = CASE WHEN ?3 <> '' THEN ?3 ELSE note END, "
      "fix_covers = NULL WHERE id = ?1");  // the owner's word replaces a fix's
  if (!q.ok()) return q.status();
  // A note is free text: someone may paste the leaked link, passcode and all.
  q->Bind(1, id).Bind(2, ToString(status)).Bind(3, stored_note);
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  if (conn_->Changes() == 0) return Status::NotFound("no leak with id " + std::to_string(id));
  const std::string_view kind = status == LeakStatus::kOpen ? "reopened" : ToString(status);
  MEETLEAK_RETURN_IF_ERROR(InsertLeakEvent(conn_.get(), id, Now(), kind, "owner", stored_note));
  return (*tx)->Commit();
}

Result<LeakStatus> ReadLeakStatus(const Query& q, int col, std::int64_t id,
                                  const std::string& db_path) {
  const std::string name = q.Text(col);
  std::optional<LeakStatus> status = ParseLeakStatus(name);
  if (!status)
    return Status::Corruption(db_path + ": leak " + std::to_string(id) + " has unknown status '" +
                              name + "'");
  return *status;
}

Result<bool> LeakExists(Connection* conn, std::int64_t id) {
  Result<Query> q = conn->Prepare("SELECT 1 FROM leak WHERE id = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, id);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  const bool found = *row;
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return found;
}

Status InsertLeakEvent(Connection* conn, std::int64_t leak_id, std::int64_t at,
                       std::string_view kind, std::string_view actor, std::string_view note) {
  Result<Query> q = conn->Prepare(
      "INSERT INTO leak_event (leak_id, at, kind, actor, note) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!q.ok()) return q.status();
  q->Bind(1, leak_id).Bind(2, at).Bind(3, kind).Bind(4, actor).Bind(5, StoredUrl(note));
  return q->Defer();
}

Result<std::vector<LeakStore::LeakEvent>> SqlLeakStore::LeakEvents(std::int64_t id) {
  Result<Query> q =
      conn_->Prepare("SELECT at, kind, actor, note FROM leak_event WHERE leak_id = ? ORDER BY id");
  if (!q.ok()) return q.status();
  q->Bind(1, id);
  std::vector<LeakEvent> events;
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step())
    events.push_back({FromUnix(q->OptInt(0)), q->Text(1), q->Text(2), q->Text(3)});
  if (!row.ok()) return row.status();
  return events;
}

Status SqlLeakStore::AddLeakEvent(std::int64_t id, std::string_view kind, std::string_view actor,
                                  std::string_view note) {
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  Result<bool> exists = LeakExists(conn_.get(), id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return Status::NotFound("no leak with id " + std::to_string(id));
  MEETLEAK_RETURN_IF_ERROR(InsertLeakEvent(conn_.get(), id, Now(), kind, actor, note));
  return (*tx)->Commit();
}

Result<std::vector<LeakStore::LeakRow>> SqlLeakStore::LeaksToNotify() {
  // The partial index holds only leaks awaiting a notice: without stats the
  // planner would walk every open leak instead.
  return QueryLeaks(std::string(kLeakColumns) + std::string(conn_->dialect().notify_index) +
                        "WHERE needs_notice = 1 AND (status = 'open' OR "
                        "(status = 'resolved' AND fix_covers IS NOT NULL))" +
                        std::string(kWorstFirst),
                    nullptr);
}

// One statement per slice of ids (a JSON array of them), not one per leak:
// a notice of 200 000 leaks took 25 s on PostgreSQL, one round trip each.
Status SqlLeakStore::MarkNotified(const std::vector<std::int64_t>& ids) {
  constexpr std::size_t kSlice = 10'000;
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  const std::int64_t now = Now();
  const std::string sql =
      "UPDATE leak SET notified_at = ?1, notified_severity = severity, needs_notice = 0 "
      "WHERE id IN (" +
      std::string(conn_->dialect().ids_in_json) + ")";
  for (std::size_t begin = 0; begin < ids.size(); begin += kSlice) {
    std::string json = "[";
    for (std::size_t i = begin; i < std::min(ids.size(), begin + kSlice); ++i)
      json += (i == begin ? "" : ",") + std::to_string(ids[i]);
    json += ']';
    Result<Query> q = conn_->Prepare(sql);
    if (!q.ok()) return q.status();
    q->Bind(1, now).Bind(2, json);
    MEETLEAK_RETURN_IF_ERROR(q->Defer());
  }
  return (*tx)->Commit();
}

}  // namespace meetleak::db
