// Schema version 3: the URLs a database stored before the store redacted
// them, redacted (DESIGN.md, "secrets": a database written before a
// redaction rule existed is re-redacted by the migration that brings it).
//
// Rows that become equal are merged; of each set the lowest id (the oldest:
// the one an owner was told about first) survives, so the result does not
// depend on the order rows are read in:
// - sources: the survivor keeps its schedule and state, active if any was
//   (the config now refuses two such sources anyway);
// - documents: the others' leaks and links move to the survivor, which
//   forgets its validators and candidates and is marked for refetch (it
//   stood for several URLs: the next pass reads it in full);
// - leaks of one (key, page): the survivor keeps its status, owner decision,
//   note and notices, and takes the earliest first_seen, the latest
//   last_seen, the sum of sightings, the highest severity, and has_passcode
//   if any had it;
// - links of one document to one URL: one.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "db/schema.h"
#include "db/sql_store.h"

namespace meetleak::db {
namespace {

// Ids (ascending) of the rows of `sql` ("SELECT id, url, <more key columns>
// … ORDER BY id") grouped by their URL once redacted and the other key
// columns as they are; groups of two or more.
Result<std::vector<std::vector<std::int64_t>>> Collisions(Connection* conn, std::string_view sql,
                                                          int key_columns) {
  std::map<std::vector<std::string>, std::vector<std::int64_t>> groups;
  Result<Query> q = conn->Prepare(sql);
  if (!q.ok()) return q.status();
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) {
    std::vector<std::string> key;
    key.push_back(StoredUrl(q->Text(1)));
    for (int c = 2; c <= key_columns; ++c) key.push_back(q->Text(c));
    groups[key].push_back(q->Int(0));
  }
  if (!row.ok()) return row.status();
  std::vector<std::vector<std::int64_t>> out;
  for (auto& [key, ids] : groups)
    if (ids.size() > 1) out.push_back(std::move(ids));
  return out;
}

// Runs `statements` with ?1 = the survivor and ?2 = each other id, for
// each group.
Status ForEachMerged(Connection* conn, const std::vector<std::vector<std::int64_t>>& groups,
                     std::initializer_list<std::string_view> statements) {
  for (const std::vector<std::int64_t>& ids : groups) {
    for (std::size_t i = 1; i < ids.size(); ++i) {
      for (std::string_view sql : statements) {
        Result<Query> q = conn->Prepare(sql);
        if (!q.ok()) return q.status();
        q->Bind(1, ids[0]).Bind(2, ids[i]);
        MEETLEAK_RETURN_IF_ERROR(q->Run());
      }
    }
  }
  return Status::OK();
}

Status MergeSources(Connection* conn) {
  Result<std::vector<std::vector<std::int64_t>>> groups =
      Collisions(conn, "SELECT id, url FROM source ORDER BY id", 1);
  if (!groups.ok()) return groups.status();
  return ForEachMerged(
      conn, *groups,
      {"UPDATE source SET active = max(active, (SELECT active FROM source WHERE id = ?2)) "
       "WHERE id = ?1",
       "DELETE FROM source WHERE id = ?2 AND id <> ?1"});
}

// A merged document's leaks and links move to the survivor, which is read
// in full next time.
constexpr std::string_view kMoveLeaks = "UPDATE leak SET document_id = ?1 WHERE document_id = ?2";
constexpr std::string_view kCopyLinks =
    "INSERT OR IGNORE INTO link (from_id, to_url) SELECT ?1, to_url FROM link WHERE from_id = ?2";
constexpr std::string_view kDropLinks = "DELETE FROM link WHERE from_id = ?2 AND from_id <> ?1";
constexpr std::string_view kRefetchSurvivor =
    "UPDATE document SET still_linked = max(still_linked, (SELECT still_linked FROM document "
    "WHERE id = ?2)), etag = '', last_modified = '', body_hash = '', candidate_keys = NULL, "
    "refetch = 1 WHERE id = ?1";
constexpr std::string_view kDropDocument = "DELETE FROM document WHERE id = ?2 AND id <> ?1";

Status MergeDocuments(Connection* conn) {
  Result<std::vector<std::vector<std::int64_t>>> groups =
      Collisions(conn, "SELECT id, url FROM document ORDER BY id", 1);
  if (!groups.ok()) return groups.status();
  return ForEachMerged(conn, *groups,
                       {kMoveLeaks, kCopyLinks, kDropLinks, kRefetchSurvivor, kDropDocument});
}

Status MergeLeaks(Connection* conn) {
  Result<std::vector<std::vector<std::int64_t>>> groups =
      Collisions(conn, "SELECT id, page_url, key_kind, key FROM leak ORDER BY id", 3);
  if (!groups.ok()) return groups.status();
  return ForEachMerged(
      conn, *groups,
      {"UPDATE leak SET first_seen = min(leak.first_seen, o.first_seen), "
       "last_seen = max(leak.last_seen, o.last_seen), sightings = leak.sightings + o.sightings, "
       "severity = max(leak.severity, o.severity), "
       "has_passcode = max(leak.has_passcode, o.has_passcode) "
       "FROM (SELECT * FROM leak WHERE id = ?2) AS o WHERE leak.id = ?1",
       "DELETE FROM leak WHERE id = ?2 AND id <> ?1"});
}

// Rewrites the text columns `columns` of every row of `table` (keyed by
// `id`) whose redacted form differs.
Status RedactColumns(Connection* conn, std::string_view table,
                     const std::vector<std::string_view>& columns) {
  std::string select = "SELECT id";
  std::string update = "UPDATE " + std::string(table) + " SET ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    select += ", " + std::string(columns[i]);
    update += (i ? ", " : "") + std::string(columns[i]) + " = ?" + std::to_string(i + 2);
  }
  select += " FROM " + std::string(table);
  update += " WHERE id = ?1";
  std::vector<std::pair<std::int64_t, std::vector<std::string>>> changed;
  {
    Result<Query> q = conn->Prepare(select);
    if (!q.ok()) return q.status();
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step()) {
      std::vector<std::string> values;
      bool differs = false;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const std::string raw = q->Text(static_cast<int>(c) + 1);
        values.push_back(StoredUrl(raw));
        differs = differs || values.back() != raw;
      }
      if (differs) changed.emplace_back(q->Int(0), std::move(values));
    }
    if (!row.ok()) return row.status();
  }
  for (const auto& [id, values] : changed) {
    Result<Query> u = conn->Prepare(update);
    if (!u.ok()) return u.status();
    u->Bind(1, id);
    for (std::size_t c = 0; c < values.size(); ++c) u->Bind(static_cast<int>(c) + 2, values[c]);
    MEETLEAK_RETURN_IF_ERROR(u->Run());
  }
  return Status::OK();
}

// link is WITHOUT ROWID, keyed by (from_id, to_url): a changed row is
// deleted and its redacted form inserted unless that link exists.
Status RedactLinks(Connection* conn) {
  std::vector<std::pair<std::int64_t, std::string>> changed;
  {
    Result<Query> q = conn->Prepare("SELECT from_id, to_url FROM link");
    if (!q.ok()) return q.status();
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step())
      if (std::string to = q->Text(1); StoredUrl(to) != to) changed.emplace_back(q->Int(0), to);
    if (!row.ok()) return row.status();
  }
  for (const auto& [from, to] : changed) {
    Result<Query> del = conn->Prepare("DELETE FROM link WHERE from_id = ?1 AND to_url = ?2");
    if (!del.ok()) return del.status();
    del->Bind(1, from).Bind(2, to);
    MEETLEAK_RETURN_IF_ERROR(del->Run());
    Result<Query> ins = conn->Prepare("INSERT OR IGNORE INTO link (from_id, to_url) VALUES (?, ?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, from).Bind(2, StoredUrl(to));
    MEETLEAK_RETURN_IF_ERROR(ins->Run());
  }
  return Status::OK();
}

}  // namespace

Status RedactStoredUrls(Connection* conn) {
  MEETLEAK_RETURN_IF_ERROR(MergeSources(conn));
  MEETLEAK_RETURN_IF_ERROR(MergeDocuments(conn));
  MEETLEAK_RETURN_IF_ERROR(MergeLeaks(conn));
  MEETLEAK_RETURN_IF_ERROR(RedactColumns(conn, "source", {"url", "last_error"}));
  MEETLEAK_RETURN_IF_ERROR(
      RedactColumns(conn, "document", {"url", "page_url", "source_url", "last_error"}));
  MEETLEAK_RETURN_IF_ERROR(
      RedactColumns(conn, "leak", {"page_url", "entry_url", "source_url", "context"}));
  return RedactLinks(conn);
}

}  // namespace meetleak::db
