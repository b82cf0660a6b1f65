// What `meetleak fix` keeps: the keyed hashes of published passcodes, the
// changes made through Zoom's API, and the fixed leaks' new status.
#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>
#include <vector>

#include "db/sql_store.h"

namespace meetleak::db {
namespace {

// The message under the key: a domain of its own (candidate keys hash
// "meeting_id:…"), the field, the value. A pwd= value's ".1" suffix is
// the version of Zoom's link, not part of encrypted_password.
std::string DigestOf(const std::string& key, std::string_view field, std::string_view value) {
  if (field == "encrypted_password" && value.ends_with(".1")) value.remove_suffix(2);
  std::string message = "passcode";
  message += '\0';
  message += field;
  message += '\0';
  message += value;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  OPENSSL_cleanse(message.data(), message.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{2} * len);
  for (unsigned int i = 0; i < len; ++i) hex += {kHex[mac[i] >> 4], kHex[mac[i] & 15]};
  return hex;
}

}  // namespace

std::string JoinDigests(const std::vector<std::string>& digests) {
  std::string out;
  for (const std::string& d : digests) out += (out.empty() ? "" : " ") + d;
  return out;
}

std::vector<std::string> SplitDigests(std::string_view stored) {
  std::vector<std::string> out;
  while (!stored.empty()) {
    const std::size_t space = stored.find(' ');
    if (space != 0) out.emplace_back(stored.substr(0, space));
    if (space == std::string_view::npos) break;
    stored.remove_prefix(space + 1);
  }
  return out;
}

PasscodeDigest SqlLeakStore::PasscodeDigester() const {
  auto key = std::make_shared<const std::string>(secret_);
  return [key](std::string_view field, std::string_view value) {
    return DigestOf(*key, field, value);
  };
}

Status SqlLeakStore::RecordFix(const LeakFix& fix) {
  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(conn_.get());
  if (!tx.ok()) return tx.status();
  Result<bool> exists = LeakExists(conn_.get(), fix.leak_id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return Status::NotFound("no leak with id " + std::to_string(fix.leak_id));
  const std::int64_t now = Now();
  for (const std::string& call : fix.calls) {
    Result<Query> q = conn_->Prepare(
        "INSERT INTO zoom_update (at, \"user\", meeting_id, call, leak_id) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!q.ok()) return q.status();
    q->Bind(1, now).Bind(2, fix.user).Bind(3, fix.meeting_id).Bind(4, call).Bind(5, fix.leak_id);
    MEETLEAK_RETURN_IF_ERROR(q->Run());
  }
  MEETLEAK_RETURN_IF_ERROR(
      InsertLeakEvent(conn_.get(), fix.leak_id, now, "fixed", "zoom", fix.note));
  if (fix.resolved) {
    Result<Query> q = conn_->Prepare(
        "UPDATE leak SET status = 'resolved', note = 'fixed through Zoom''s API', "
        "fix_covers = ?2, needs_notice = 1 WHERE id = ?1");
    if (!q.ok()) return q.status();
    q->Bind(1, fix.leak_id).Bind(2, fix.covers);
    MEETLEAK_RETURN_IF_ERROR(q->Run());
    MEETLEAK_RETURN_IF_ERROR(InsertLeakEvent(conn_.get(), fix.leak_id, now, "resolved", "zoom",
                                             "fixed through Zoom's API"));
  }
  return (*tx)->Commit();
}

Result<int> SqlLeakStore::ZoomUpdatesSince(std::string_view user, TimePoint since) {
  Result<Query> q =
      conn_->Prepare("SELECT count(*) FROM zoom_update WHERE \"user\" = ? AND at >= ?");
  if (!q.ok()) return q.status();
  q->Bind(1, user).Bind(2, ToUnix(since));
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  const int n = *row ? static_cast<int>(q->Int(0)) : 0;
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return n;
}

Result<std::optional<Clock::TimePoint>> SqlLeakStore::LastZoomUpdate(std::string_view meeting_id) {
  Result<Query> q = conn_->Prepare("SELECT max(at) FROM zoom_update WHERE meeting_id = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, meeting_id);
  Result<bool> row = q->Step();
  if (!row.ok()) return row.status();
  std::optional<Clock::TimePoint> at;
  if (*row && !q->IsNull(0)) at = FromUnix(q->Int(0));
  MEETLEAK_RETURN_IF_ERROR(q->Run());
  return at;
}

}  // namespace meetleak::db
