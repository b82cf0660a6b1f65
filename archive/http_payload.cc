// The HTTP message inside a WARC `response` record: status, headers, and the
// body with chunked transfer and Content-Encoding undone under a cap.
#include <algorithm>
#include <charconv>
#include <string>

#include "archive/internal.h"
#include "base/ascii.h"

namespace meetleak::archive_internal {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ContainsToken(std::string_view value, std::string_view token) {
  return ascii::Lower(value).find(token) != std::string::npos;
}

// Undoes chunked transfer coding; false if `in` is not chunked.
bool Dechunk(std::string_view in, size_t cap, std::string* out, bool* truncated) {
  out->clear();
  size_t pos = 0;
  while (pos < in.size()) {
    size_t eol = in.find('\n', pos);
    if (eol == std::string_view::npos) return !out->empty();  // cut mid-size line
    std::string_view line = Trim(in.substr(pos, eol - pos));
    line = line.substr(0, line.find(';'));
    uint64_t size = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
    if (ec != std::errc() || end != line.data() + line.size() || line.empty()) return false;
    pos = eol + 1;
    if (size == 0) return true;
    size_t take = static_cast<size_t>(std::min<uint64_t>(size, in.size() - pos));
    size_t room = cap - out->size();
    out->append(in.substr(pos, std::min(take, room)));
    if (take > room) *truncated = true;
    if (take < size) return true;  // the record ends mid-chunk: keep what came
    pos += take;
    if (in.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else if (in.substr(pos, 1) == "\n") {
      pos += 1;
    } else {
      return false;
    }
  }
  return true;
}

// Applies the Content-Encoding; keeps the body as it is when it cannot be
// undone.
void Decode(std::string_view encoding, size_t cap, HttpPayload* out) {
  std::string coding = ascii::Lower(Trim(encoding));
  if (coding.empty() || coding == "identity") return;
  std::string decoded;
  bool truncated = false;
  bool ok = false;
  if (coding == "gzip" || coding == "x-gzip") {
    ok = InflateCapped(out->body, Wrapper::kGzip, cap, &decoded, &truncated);
  } else if (coding == "deflate") {
    ok = InflateCapped(out->body, Wrapper::kZlib, cap, &decoded, &truncated) ||
         // raw deflate, as some servers send it
         InflateCapped(out->body, Wrapper::kRaw, cap, &decoded, &truncated);
  }
  if (ok) {
    out->body = std::move(decoded);
    out->truncated = out->truncated || truncated;
  }
  // Else the body is kept as stored: archives often hold it decoded under the
  // original header, and an encoding not undone here (br, zstd) still gets
  // matched as bytes rather than dropped.
}

}  // namespace

bool DecodeHttpResponse(std::string_view block, size_t cap, size_t max_header, HttpPayload* out) {
  if (block.substr(0, 5) != "HTTP/") return false;
  size_t head_end = block.find("\r\n\r\n");
  size_t body_at = head_end == std::string_view::npos ? head_end : head_end + 4;
  size_t lf_end = block.find("\n\n");
  if (lf_end != std::string_view::npos &&
      (head_end == std::string_view::npos || lf_end < head_end)) {
    head_end = lf_end;
    body_at = lf_end + 2;
  }
  if (head_end == std::string_view::npos) {  // headers only, no body
    head_end = block.size();
    body_at = block.size();
  }
  if (head_end > max_header) return false;
  std::string_view head = block.substr(0, head_end);
  size_t eol = head.find('\n');
  std::string_view status_line = head.substr(0, eol);
  size_t sp = status_line.find(' ');
  if (sp != std::string_view::npos) {
    std::string_view code = status_line.substr(sp + 1, 3);
    int status = 0;
    auto [p, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
    if (ec == std::errc() && p == code.data() + code.size()) out->status = status;
  }
  std::string_view transfer, encoding;
  while (eol != std::string_view::npos) {
    size_t next = head.find('\n', eol + 1);
    std::string_view line =
        head.substr(eol + 1, next == std::string_view::npos ? head.npos : next - eol - 1);
    eol = next;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = ascii::Lower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-type") out->content_type = std::string(value);
    if (name == "transfer-encoding") transfer = value;
    if (name == "content-encoding") encoding = value;
  }
  std::string_view body = block.substr(std::min(body_at, block.size()));
  bool dechunk_failed = false;
  if (ContainsToken(transfer, "chunked")) {
    if (!Dechunk(body, cap, &out->body, &out->truncated)) {
      // Crawlers often store the body de-chunked but keep the header
      // (warcio reads it the same way): the payload is the body as stored.
      out->body.clear();
      dechunk_failed = true;
    }
  }
  if (!ContainsToken(transfer, "chunked") || dechunk_failed) {
    out->body.assign(body.substr(0, cap));
    out->truncated = body.size() > cap;
  }
  Decode(encoding, cap, out);
  return true;
}

}  // namespace meetleak::archive_internal
