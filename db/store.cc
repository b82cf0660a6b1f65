// LeakStore::Open, the inventory, metadata, sources and fetch state.
#include <fcntl.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <unordered_map>

#include "db/postgres.h"
#include "db/schema.h"
#include "db/sql_store.h"
#include "db/sqlite.h"
#include "matchers/matcher.h"

namespace meetleak {

using db::FromUnix;
using db::Query;
using db::ToUnix;
using db::Transaction;

namespace {

// Creates `path` empty with mode 0600 when it does not exist, so SQLite
// never creates it with the umask's mode (SQLite gives -wal/-shm the main
// file's mode). A symlink to a file not yet there creates that file, 0600
// too. An existing file is never opened here: closing a descriptor of a file
// would drop the POSIX locks a connection of this process holds on it.
Status CreatePrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 || errno != ENOENT) return Status::OK();
    // A dangling symlink: O_CREAT without O_EXCL follows it.
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  }
  if (fd < 0) return Status::IOError(path + ": cannot create database: " + std::strerror(errno));
  ::close(fd);
  return Status::OK();
}

constexpr std::string_view kSecretKey = "candidate_key_secret";

// The database's key for candidate-key hashes: 32 random bytes (hex) made on
// first use and kept in meta. Read first: an existing database needs no
// random bytes (OpenSSL's generator took ~3 ms to start on every open).
// ON CONFLICT DO NOTHING: of two processes creating it at once, the first
// one's stays and both read it back.
Result<std::optional<std::string>> StoredSecret(db::Connection* conn) {
  Result<Query> q = conn->Prepare("SELECT value FROM meta WHERE key = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, kSecretKey);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(q->Text(0));
}

Result<std::string> CandidateSecret(db::Connection* conn) {
  Result<std::optional<std::string>> stored = StoredSecret(conn);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) return std::move(**stored);
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return Status::Internal("no random bytes for the database's key");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) hex += {kHex[b >> 4], kHex[b & 15]};
  Result<Query> ins =
      conn->Prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING");
  if (!ins.ok()) return ins.status();
  ins->Bind(1, kSecretKey).Bind(2, hex);
  MEETLEAK_RETURN_IF_ERROR(ins->Run());
  stored = StoredSecret(conn);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value())
    return Status::Internal(conn->path() + ": the database's key is missing");
  return std::move(**stored);
}

}  // namespace

Result<std::vector<std::string>> LeakStore::WatchList(std::string_view source_url) {
  Result<std::vector<std::vector<std::string>>> lists = WatchLists({std::string(source_url)});
  if (!lists.ok()) return lists.status();
  return std::move(lists->front());
}

std::string LeakStore::CandidateKey(KeyKind kind, std::string_view key) {
  std::string k(ToString(kind));
  k += ':';
  k += key;
  return k;
}

Result<std::unique_ptr<LeakStore>> LeakStore::Open(const std::string& path, Clock* clock) {
  if (path.empty() || path == ":memory:" || path.front() == '?')
    return Status::InvalidInput("database path '" + path + "' is not a file name");
  std::unique_ptr<db::Connection> conn;
  if (IsPostgresUrl(path)) {
    Result<std::string> conninfo = PostgresConninfo(path);
    if (!conninfo.ok()) return Status::InvalidInput("database: " + conninfo.status().message());
    Result<std::unique_ptr<db::PgConnection>> pg = db::PgConnection::Open(*conninfo);
    // An unreachable server is a storage error (exit 4), not a source's.
    if (!pg.ok()) return Status::IOError(pg.status().message());
    MEETLEAK_RETURN_IF_ERROR(db::PreparePostgresSchema(pg->get()));
    conn = std::move(*pg);
  } else {
    MEETLEAK_RETURN_IF_ERROR(CreatePrivateFile(path));
    Result<std::unique_ptr<db::SqliteConnection>> sqlite = db::SqliteConnection::Open(path);
    if (!sqlite.ok()) return sqlite.status();
    MEETLEAK_RETURN_IF_ERROR(db::PrepareSchema(sqlite->get()));
    conn = std::move(*sqlite);
  }
  Result<std::string> secret = CandidateSecret(conn.get());
  if (!secret.ok()) return secret.status();
  return std::unique_ptr<LeakStore>(
      new db::SqlLeakStore(std::move(conn), clock, std::move(*secret)));
}

namespace db {

std::string StoredUrl(std::string_view url) { return RedactSecrets(url); }

std::string SqlLeakStore::CandidateHashes(const std::vector<std::string>& keys) const {
  std::vector<std::string> hashes;
  hashes.reserve(keys.size());
  unsigned char mac[EVP_MAX_MD_SIZE];
  for (const std::string& k : keys) {
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
         reinterpret_cast<const unsigned char*>(k.data()), k.size(), mac, &len);
    hashes.emplace_back(reinterpret_cast<const char*>(mac), kCandidateHashBytes);
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  std::string out;
  for (const std::string& h : hashes) out += h;
  return out;
}

// Marks for refetch every document that held a candidate for one of
// `keys`, or whose candidates are unknown.
Status SqlLeakStore::MarkRefetch(const std::vector<std::string>& keys) {
  if (keys.empty()) return Status::OK();
  const std::string wanted = CandidateHashes(keys);
  std::set<std::string_view> want;
  for (std::size_t i = 0; i + kCandidateHashBytes <= wanted.size(); i += kCandidateHashBytes)
    want.insert(std::string_view(wanted).substr(i, kCandidateHashBytes));
  std::vector<std::int64_t> ids;
  Result<Query> q = conn_->Prepare("SELECT id, candidate_keys FROM document WHERE refetch = 0");
  if (!q.ok()) return q.status();
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) {
    if (q->IsNull(1)) {
      ids.push_back(q->Int(0));
      continue;
    }
    const std::string held = q->Text(1);
    for (std::size_t i = 0; i + kCandidateHashBytes <= held.size(); i += kCandidateHashBytes) {
      if (want.count(std::string_view(held).substr(i, kCandidateHashBytes))) {
        ids.push_back(q->Int(0));
        break;
      }
    }
  }
  if (!row.ok()) return row.status();
  for (std::int64_t id : ids) {
    Result<Query> u = conn_->Prepare("UPDATE document SET refetch = 1 WHERE id = ?");
    if (!u.ok()) return u.status();
    u->Bind(1, id);
    MEETLEAK_RETURN_IF_ERROR(u->Run());
  }
  return Status::OK();
}

Result<std::optional<std::string>> SqlLeakStore::GetMeta(std::string_view key) {
  Result<Query> q = conn_->Prepare("SELECT value FROM meta WHERE key = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, key);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(q->Text(0));
}

Status SqlLeakStore::SetMeta(std::string_view key, std::string_view value) {
  Result<Query> q = conn_->Prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
      "excluded.value");
  if (!q.ok()) return q.status();
  q->Bind(1, key).Bind(2, value);
  return q->Run();
}

namespace {

constexpr std::string_view kSourceColumns =
    "SELECT url, kind, interval_s, last_fetched, next_due, retry_after, last_status, "
    "last_error, consecutive_failures, non_company_refs, active, "
    "(SELECT count(*) FROM leak WHERE leak.source_url = source.url AND status = 'open'), "
    "failing_since FROM source ";

LeakStore::SourceRow ReadSource(const Query& q) {
  LeakStore::SourceRow r;
  r.url = q.Text(0);
  r.kind = q.Text(1);
  r.interval_s = static_cast<int>(q.Int(2));
  r.last_fetched = FromUnix(q.OptInt(3));
  r.next_due = FromUnix(q.OptInt(4));
  r.retry_after = FromUnix(q.OptInt(5));
  r.last_status = static_cast<int>(q.Int(6));
  r.last_error = q.Text(7);
  r.consecutive_failures = static_cast<int>(q.Int(8));
  r.non_company_refs = q.Int(9);
  r.active = q.Int(10) != 0;
  r.open_leaks = q.Int(11);
  r.failing_since = FromUnix(q.OptInt(12));
  return r;
}

}  // namespace

Result<std::vector<LeakStore::SourceRow>> SqlLeakStore::QuerySources(std::string_view where,
                                                                     bool bind_now) {
  Result<Query> q = conn_->Prepare(std::string(kSourceColumns) + std::string(where));
  if (!q.ok()) return q.status();
  if (bind_now) q->Bind(1, Now());
  std::vector<SourceRow> rows;
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) rows.push_back(ReadSource(*q));
  if (!row.ok()) return row.status();
  return rows;
}

Result<std::vector<LeakStore::SourceRow>> SqlLeakStore::ListSources() {
  return QuerySources("ORDER BY url", false);
}

Result<std::vector<LeakStore::SourceRow>> SqlLeakStore::DueSources() {
  return QuerySources(
      "WHERE active = 1 AND (next_due IS NULL OR next_due <= ?1) "
      "ORDER BY next_due IS NOT NULL, next_due, url",
      true);
}

namespace {

constexpr std::string_view kFetchStateColumns =
    "SELECT url, page_url, etag, last_modified, body_hash, last_fetched, last_status, "
    "last_error, source_url, still_linked, non_company_refs, refetch FROM document ";

LeakStore::FetchState ReadFetchState(const Query& q) {
  LeakStore::FetchState f;
  f.url = q.Text(0);
  f.page_url = q.Text(1);
  f.etag = q.Text(2);
  f.last_modified = q.Text(3);
  f.body_hash = q.Text(4);
  f.last_fetched = FromUnix(q.OptInt(5));
  f.last_status = static_cast<int>(q.Int(6));
  f.last_error = q.Text(7);
  f.source_url = q.Text(8);
  f.still_linked = q.Int(9) != 0;
  f.non_company_refs = q.Int(10);
  f.refetch = q.Int(11) != 0;
  return f;
}

// "IN (?1, …, ?N)": one prepared statement serves every batch of a
// many-URL read (unused parameters stay NULL, which equals no URL).
constexpr int kUrlBatch = 128;

std::string InUrlBatch() {
  std::string s = "IN (";
  for (int i = 1; i <= kUrlBatch; ++i) s += (i > 1 ? ", ?" : "?") + std::to_string(i);
  return s + ")";
}

const std::string& FetchStatesSql() {
  static const std::string sql = std::string(kFetchStateColumns) + "WHERE url " + InUrlBatch();
  return sql;
}

const std::string& WatchListsSql() {
  static const std::string sql =
      "SELECT d.source_url, d.url FROM document d WHERE d.source_url " + InUrlBatch() +
      " AND d.url <> d.source_url AND (d.still_linked = 1 OR EXISTS (SELECT 1 FROM leak l "
      "WHERE l.document_id = d.id AND l.status <> 'gone')) ORDER BY d.source_url, d.url";
  return sql;
}

}  // namespace

Result<std::optional<LeakStore::FetchState>> SqlLeakStore::GetFetchState(std::string_view url) {
  Result<Query> q = conn_->Prepare(std::string(kFetchStateColumns) + "WHERE url = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, StoredUrl(url));
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<FetchState>();
  return std::optional<FetchState>(ReadFetchState(*q));
}

Result<std::vector<std::optional<LeakStore::FetchState>>> SqlLeakStore::GetFetchStates(
    const std::vector<std::string>& asked) {
  std::vector<std::string> urls;
  urls.reserve(asked.size());
  for (const std::string& url : asked) urls.push_back(StoredUrl(url));
  std::vector<std::optional<FetchState>> out(urls.size());
  // Each distinct URL is asked once; a URL given twice gets the same answer.
  std::unordered_map<std::string_view, std::size_t> first;
  std::vector<std::size_t> distinct;
  for (std::size_t i = 0; i < urls.size(); ++i)
    if (first.emplace(urls[i], i).second) distinct.push_back(i);
  for (std::size_t begin = 0; begin < distinct.size(); begin += kUrlBatch) {
    const std::size_t end = std::min(distinct.size(), begin + kUrlBatch);
    Result<Query> q = conn_->Prepare(FetchStatesSql());
    if (!q.ok()) return q.status();
    for (std::size_t i = begin; i < end; ++i)
      q->Bind(static_cast<int>(i - begin + 1), urls[distinct[i]]);
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step()) {
      FetchState f = ReadFetchState(*q);
      if (auto it = first.find(f.url); it != first.end()) out[it->second] = std::move(f);
    }
    if (!row.ok()) return row.status();
  }
  for (std::size_t i = 0; i < urls.size(); ++i)
    if (std::size_t j = first[urls[i]]; j != i) out[i] = out[j];
  return out;
}

Result<std::vector<std::vector<std::string>>> SqlLeakStore::WatchLists(
    const std::vector<std::string>& source_urls) {
  std::vector<std::vector<std::string>> out(source_urls.size());
  std::unordered_map<std::string, std::vector<std::size_t>> wanted;  // stored URL → indexes
  std::vector<std::string> distinct;
  for (std::size_t i = 0; i < source_urls.size(); ++i) {
    auto [it, added] = wanted.try_emplace(StoredUrl(source_urls[i]));
    it->second.push_back(i);
    if (added) distinct.push_back(it->first);
  }
  for (std::size_t begin = 0; begin < distinct.size(); begin += kUrlBatch) {
    const std::size_t end = std::min(distinct.size(), begin + kUrlBatch);
    Result<Query> q = conn_->Prepare(WatchListsSql());
    if (!q.ok()) return q.status();
    for (std::size_t i = begin; i < end; ++i) q->Bind(static_cast<int>(i - begin + 1), distinct[i]);
    Result<bool> row = q->Step();
    for (; row.ok() && *row; row = q->Step())
      if (auto it = wanted.find(q->Text(0)); it != wanted.end())
        for (std::size_t i : it->second) out[i].push_back(q->Text(1));
    if (!row.ok()) return row.status();
  }
  return out;
}

Status SqlLeakStore::CheckIntegrity() {
  // PostgreSQL checks its own pages (and the server's operator runs amcheck).
  if (conn_->backend() == Backend::kPostgres) return Status::OK();
  Result<Query> q = conn_->Prepare("PRAGMA integrity_check");
  if (!q.ok()) return q.status();
  std::string report;
  Result<bool> row = q->Step();
  for (; row.ok() && *row; row = q->Step()) {
    if (!report.empty()) report += '\n';
    report += q->Text(0);
  }
  if (!row.ok()) return row.status();
  if (report == "ok") return Status::OK();
  return Status::Corruption(conn_->path() + ": integrity_check: " + report);
}

}  // namespace db
}  // namespace meetleak
