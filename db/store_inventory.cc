// The inventory: CSV rows and Zoom rows side by side, keyed by (source, key).
#include <map>

#include "base/ascii.h"
#include "db/sql_store.h"

namespace meetleak::db {

namespace {

std::optional<std::int64_t> FromFlag(std::optional<bool> b) {
  if (!b) return std::nullopt;
  return *b ? 1 : 0;
}

std::optional<bool> ToFlag(const Query& q, int col) {
  std::optional<std::int64_t> v = q.OptInt(col);
  if (!v) return std::nullopt;
  return *v != 0;
}

// Whether a reference to the meeting classifies alike under both rows
// (owner, kind, and the Zoom state of matchers/classify.cc).
bool ClassifiesAlike(const InventoryMeeting& a, const InventoryMeeting& b) {
  return ascii::EqualsIgnoreCase(a.owner_email, b.owner_email) && a.kind == b.kind &&
         a.expired_at.has_value() == b.expired_at.has_value() && a.passcode_set == b.passcode_set &&
         a.waiting_room == b.waiting_room && a.join_before_host == b.join_before_host;
}

// The effective rows (Inventory::FromRows's merge) by key.
std::map<std::string, InventoryMeeting> MeetingsByKey(const Inventory& inv) {
  std::map<std::string, InventoryMeeting> out;
  for (const InventoryMeeting& m : inv.meetings()) out.emplace(m.meeting_id, m);
  return out;
}
std::map<std::string, std::string> LinkOwnersByKey(const Inventory& inv) {
  std::map<std::string, std::string> out;
  for (const PersonalLink& l : inv.personal_links()) out.emplace(l.vanity, l.owner_email);
  return out;
}

}  // namespace

// The candidate keys whose classification replacing `source`'s rows by
// `meetings`/`links` (nullopt keeps them) changes: keys added, and keys whose
// effective row (CSV and Zoom merged) changes owner, kind or Zoom state — a
// page holding one must be matched again even if it answers 304, or an
// expired meeting's leak would stay critical and a new owner never hear of
// it. Removed keys are not refetched: their leaks keep what they had.
Result<std::vector<std::string>> SqlLeakStore::ChangedKeys(
    RowSource source, const std::optional<std::vector<InventoryMeeting>>& meetings,
    const std::optional<std::vector<PersonalLink>>& links) {
  Result<InventoryRows> csv = LoadRows(RowSource::kCsv);
  if (!csv.ok()) return csv.status();
  Result<InventoryRows> zoom = LoadRows(RowSource::kZoom);
  if (!zoom.ok()) return zoom.status();
  InventoryRows& replaced = source == RowSource::kZoom ? *zoom : *csv;
  InventoryRows next_replaced = replaced;
  if (meetings) {
    next_replaced.meetings = *meetings;
    for (InventoryMeeting& m : next_replaced.meetings) m.source = source;
  }
  if (links) {
    next_replaced.links = *links;
    for (PersonalLink& l : next_replaced.links) l.source = source;
  }
  auto merged = [&](const InventoryRows& z, const InventoryRows& c) {
    std::vector<InventoryMeeting> m = z.meetings;
    m.insert(m.end(), c.meetings.begin(), c.meetings.end());
    std::vector<PersonalLink> l = z.links;
    l.insert(l.end(), c.links.begin(), c.links.end());
    return Inventory::FromRows(std::move(m), std::move(l));
  };
  const Inventory before = merged(*zoom, *csv);
  const Inventory after =
      source == RowSource::kZoom ? merged(next_replaced, *csv) : merged(*zoom, next_replaced);
  std::vector<std::string> changed;
  const std::map<std::string, InventoryMeeting> old_meetings = MeetingsByKey(before);
  for (const auto& [id, m] : MeetingsByKey(after)) {
    auto it = old_meetings.find(id);
    if (it == old_meetings.end() || !ClassifiesAlike(it->second, m))
      changed.push_back(CandidateKey(KeyKind::kMeetingId, id));
  }
  const std::map<std::string, std::string> old_links = LinkOwnersByKey(before);
  for (const auto& [vanity, owner] : LinkOwnersByKey(after)) {
    auto it = old_links.find(vanity);
    if (it == old_links.end() || !ascii::EqualsIgnoreCase(it->second, owner))
      changed.push_back(CandidateKey(KeyKind::kVanity, vanity));
  }
  return changed;
}

Status SqlLeakStore::InsertRows(RowSource source, const std::vector<InventoryMeeting>* meetings,
                                const std::vector<PersonalLink>* links) {
  const std::string src(ToString(source));
  if (meetings != nullptr) {
    Result<Query> del = conn_->Prepare("DELETE FROM inventory_meeting WHERE source = ?");
    if (!del.ok()) return del.status();
    del->Bind(1, src);
    MEETLEAK_RETURN_IF_ERROR(del->Run());
    for (const InventoryMeeting& m : *meetings) {
      Result<Query> q = conn_->Prepare(
          "INSERT INTO inventory_meeting (source, meeting_id, owner_email, topic, kind, "
          "start_time, recurrence_end, expired_at, passcode_set, waiting_room, join_before_host, "
          "embed_password_in_join_link, list_hash, details_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (source, meeting_id) DO UPDATE SET owner_email = excluded.owner_email, "
          "topic = excluded.topic, kind = excluded.kind, start_time = excluded.start_time, "
          "recurrence_end = excluded.recurrence_end, expired_at = excluded.expired_at, "
          "passcode_set = excluded.passcode_set, waiting_room = excluded.waiting_room, "
          "join_before_host = excluded.join_before_host, "
          "embed_password_in_join_link = excluded.embed_password_in_join_link, "
          "list_hash = excluded.list_hash, details_at = excluded.details_at");
      if (!q.ok()) return q.status();
      q->Bind(1, src).Bind(2, m.meeting_id).Bind(3, m.owner_email).Bind(4, m.topic);
      q->Bind(5, ToString(m.kind)).Bind(6, m.start_time).Bind(7, m.recurrence_end);
      q->Bind(8, m.expired_at).Bind(9, FromFlag(m.passcode_set)).Bind(10, FromFlag(m.waiting_room));
      q->Bind(11, FromFlag(m.join_before_host)).Bind(12, FromFlag(m.embed_password_in_join_link));
      q->Bind(13, m.list_hash).Bind(14, m.details_at);
      MEETLEAK_RETURN_IF_ERROR(q->Run());
    }
  }
  if (links != nullptr) {
    Result<Query> del = conn_->Prepare("DELETE FROM personal_link WHERE source = ?");
    if (!del.ok()) return del.status();
    del->Bind(1, src);
    MEETLEAK_RETURN_IF_ERROR(del->Run());
    for (const PersonalLink& l : *links) {
      Result<Query> q = conn_->Prepare(
          "INSERT INTO personal_link (source, vanity, owner_email) VALUES (?, ?, ?) "
          "ON CONFLICT (source, vanity) DO UPDATE SET owner_email = excluded.owner_email");
      if (!q.ok()) return q.status();
      q->Bind(1, src).Bind(2, l.vanity).Bind(3, l.owner_email);
      MEETLEAK_RETURN_IF_ERROR(q->Run());
    }
  }
  return Status::OK();
}

Status SqlLeakStore::ReplaceInventory(std::optional<std::vector<InventoryMeeting>> meetings,
                                      std::optional<std::vector<PersonalLink>> links) {
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  Result<std::vector<std::string>> changed = ChangedKeys(RowSource::kCsv, meetings, links);
  if (!changed.ok()) return changed.status();
  MEETLEAK_RETURN_IF_ERROR(MarkRefetch(*changed));
  if (meetings)
    for (InventoryMeeting& m : *meetings) m.source = RowSource::kCsv;
  if (links)
    for (PersonalLink& l : *links) l.source = RowSource::kCsv;
  MEETLEAK_RETURN_IF_ERROR(
      InsertRows(RowSource::kCsv, meetings ? &*meetings : nullptr, links ? &*links : nullptr));
  MEETLEAK_RETURN_IF_ERROR(SetMeta(kInventoryUpdatedKey, std::to_string(Now())));
  return (*tx)->Commit();
}

Status SqlLeakStore::ReplaceZoomInventory(const InventoryRows& rows) {
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  Result<std::vector<std::string>> changed =
      ChangedKeys(RowSource::kZoom, rows.meetings, rows.links);
  if (!changed.ok()) return changed.status();
  MEETLEAK_RETURN_IF_ERROR(MarkRefetch(*changed));
  MEETLEAK_RETURN_IF_ERROR(InsertRows(RowSource::kZoom, &rows.meetings, &rows.links));
  MEETLEAK_RETURN_IF_ERROR(SetMeta(kInventoryUpdatedKey, std::to_string(Now())));
  return (*tx)->Commit();
}

Result<LeakStore::InventoryRows> SqlLeakStore::LoadRows(RowSource source) {
  InventoryRows rows;
  const std::string src(ToString(source));
  Result<Query> q = conn_->Prepare(
      "SELECT meeting_id, owner_email, topic, kind, start_time, recurrence_end, expired_at, "
      "passcode_set, waiting_room, join_before_host, embed_password_in_join_link, list_hash, "
      "details_at FROM inventory_meeting WHERE source = ? ORDER BY meeting_id");
  if (!q.ok()) return q.status();
  q->Bind(1, src);
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) {
    InventoryMeeting m{.meeting_id = q->Text(0),
                       .owner_email = q->Text(1),
                       .topic = q->Text(2),
                       .kind = ParseMeetingKind(q->Text(3)).value_or(MeetingKind::kUnknown),
                       .source = source,
                       .start_time = q->OptInt(4),
                       .recurrence_end = q->OptInt(5),
                       .expired_at = q->OptInt(6),
                       .passcode_set = ToFlag(*q, 7),
                       .waiting_room = ToFlag(*q, 8),
                       .join_before_host = ToFlag(*q, 9),
                       .embed_password_in_join_link = ToFlag(*q, 10),
                       .list_hash = q->Text(11),
                       .details_at = q->Int(12)};
    rows.meetings.push_back(std::move(m));
  }
  if (!row.ok()) return row.status();
  Result<Query> l = conn_->Prepare(
      "SELECT vanity, owner_email FROM personal_link WHERE source = ? ORDER BY vanity");
  if (!l.ok()) return l.status();
  l->Bind(1, src);
  row = l->Step();
  for (; row.ok() && *row; row = l->Step()) rows.links.push_back({l->Text(0), l->Text(1), source});
  if (!row.ok()) return row.status();
  return rows;
}

Result<Inventory> SqlLeakStore::LoadInventory() {
  Result<InventoryRows> csv = LoadRows(RowSource::kCsv);
  if (!csv.ok()) return csv.status();
  Result<InventoryRows> zoom = LoadRows(RowSource::kZoom);
  if (!zoom.ok()) return zoom.status();
  std::vector<InventoryMeeting> meetings =
      std::move(zoom->meetings);  // Zoom's rows first: they win
  for (InventoryMeeting& m : csv->meetings) meetings.push_back(std::move(m));
  std::vector<PersonalLink> links = std::move(zoom->links);
  for (PersonalLink& l : csv->links) links.push_back(std::move(l));
  return Inventory::FromRows(std::move(meetings), std::move(links));
}

}  // namespace meetleak::db
