// WarcReader: record framing over Inflow — version line, header block,
// Content-Length block — with skip-and-resync on anything malformed.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>

#include "archive/internal.h"
#include "archive/warc.h"
#include "base/ascii.h"

namespace meetleak {

Result<size_t> IstreamSource::Read(char* buf, size_t n) {
  in_->read(buf, static_cast<std::streamsize>(n));
  if (in_->bad()) return Status::IOError("read error");
  return static_cast<size_t>(in_->gcount());
}

Result<size_t> StringSource::Read(char* buf, size_t n) {
  size_t take = std::min(n, bytes_.size());
  std::memcpy(buf, bytes_.data(), take);
  bytes_.remove_prefix(take);
  return take;
}

namespace {

constexpr size_t kBuffer = size_t{64} * 1024;
constexpr uint64_t kReserve = uint64_t{32} << 20;

enum class Got { kOk, kEnd, kBroken };

std::string_view TrimCr(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return TrimCr(s);
}

}  // namespace

class WarcReader::Impl {
 public:
  Impl(ByteSource* source, std::string name, const ReaderOptions& options)
      : name_(std::move(name)), options_(options), in_(source, name_, &warnings_), buf_(kBuffer) {}

  bool Next(WarcRecord* record);
  std::vector<std::string> TakeWarnings() { return std::exchange(warnings_, {}); }
  const Status& status() const { return status_.ok() ? in_.status() : status_; }
  uint64_t bytes_read() const { return in_.bytes_read(); }

 private:
  bool Refill();
  uint64_t Here() const { return in_.gzip() ? buf_offset_ : buf_offset_ + pos_; }
  Got ReadLine(std::string* line, size_t cap, bool* overflow);
  Got ReadBlock(uint64_t n, size_t cap, std::string* keep, uint64_t* got);
  Got FindVersionLine(std::string* line, uint64_t* offset);
  Got ReadHeaders(WarcRecord* record, uint64_t offset, bool* valid);
  void Warn(uint64_t offset, std::string_view what) {
    warnings_.push_back(name_ + ": offset " + std::to_string(offset) + ": " + std::string(what));
  }
  void Finish(WarcRecord* record);

  std::string name_;
  ReaderOptions options_;
  std::vector<std::string> warnings_;
  archive_internal::Inflow in_;
  Status status_;
  std::vector<char> buf_;
  std::string block_;  // the record's block; its memory kept from record to record
  std::string spare_;  // memory for the next payload: the caller's last record's
  size_t pos_ = 0, end_ = 0;
  uint64_t buf_offset_ = 0;
  bool broken_ = false;  // the last Refill crossed corrupt compressed data
  bool first_ = true;
  bool done_ = false;
};

bool WarcReader::Impl::Refill() {
  pos_ = 0;
  end_ = in_.Read(buf_.data(), buf_.size());
  buf_offset_ = in_.member_offset();
  broken_ = in_.TakeDiscontinuity();
  return end_ > 0;
}

Got WarcReader::Impl::ReadLine(std::string* line, size_t cap, bool* overflow) {
  line->clear();
  *overflow = false;
  while (true) {
    if (pos_ == end_) {
      bool more = Refill();
      if (broken_) return Got::kBroken;
      if (!more) return line->empty() ? Got::kEnd : Got::kOk;
    }
    const char* start = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    size_t len = nl != nullptr ? static_cast<size_t>(nl - start) + 1 : end_ - pos_;
    size_t room = cap > line->size() ? cap - line->size() : 0;
    line->append(start, std::min(len, room));
    if (len > room) *overflow = true;
    pos_ += len;
    if (nl != nullptr) return Got::kOk;
  }
}

Got WarcReader::Impl::ReadBlock(uint64_t n, size_t cap, std::string* keep, uint64_t* got) {
  keep->clear();
  // No copies while growing: a Content-Length is a promise, so only believed
  // up to kReserve.
  keep->reserve(static_cast<size_t>(std::min<uint64_t>({n, cap, kReserve})));
  *got = 0;
  while (*got < n) {
    if (pos_ == end_) {
      bool more = Refill();
      if (broken_) return Got::kBroken;
      if (!more) return Got::kEnd;
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(end_ - pos_, n - *got));
    if (keep->size() < cap) keep->append(buf_.data() + pos_, std::min(take, cap - keep->size()));
    pos_ += take;
    *got += take;
  }
  return Got::kOk;
}

// Skips blank lines between records, and anything else up to the next line
// starting "WARC/1." (warned about once per gap).
Got WarcReader::Impl::FindVersionLine(std::string* line, uint64_t* offset) {
  bool warned = false;
  while (true) {
    broken_ = false;
    if (pos_ == end_ && !Refill() && !broken_) return Got::kEnd;
    *offset = Here();
    bool overflow = false;
    Got got = ReadLine(line, 64, &overflow);
    if (got == Got::kEnd) return got;
    if (got == Got::kBroken) continue;  // the new member starts afresh
    if (line->rfind("WARC/1.", 0) == 0) return Got::kOk;
    if (first_ && line->rfind("filedesc://", 0) == 0) {
      status_ = Status::InvalidInput(
          name_ +
          ": an ARC file (first line 'filedesc://…'), not WARC: ARC is not supported; "
          "convert it to WARC first");
      return Got::kEnd;
    }
    first_ = false;
    if (TrimCr(*line).empty() || warned) continue;
    warned = true;
    Warn(*offset, "not a WARC record (no 'WARC/1.' line); skipped to the next record");
  }
}

Got WarcReader::Impl::ReadHeaders(WarcRecord* record, uint64_t offset, bool* valid) {
  std::string line;
  size_t total = 0;
  bool have_length = false;
  *valid = true;
  while (true) {
    bool overflow = false;
    Got got = ReadLine(&line, options_.max_header_bytes, &overflow);
    if (got != Got::kOk) return got;
    total += line.size();
    if (overflow || total > options_.max_header_bytes) {
      Warn(offset, "WARC header block over " + std::to_string(options_.max_header_bytes) +
                       " bytes; record skipped");
      *valid = false;
      return Got::kOk;
    }
    std::string_view text = TrimCr(line);
    if (text.empty()) break;
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = TrimSpace(text.substr(0, colon));
    std::string_view value = TrimSpace(text.substr(colon + 1));
    if (ascii::EqualsIgnoreCase(name, "WARC-Type")) record->type = value;
    if (ascii::EqualsIgnoreCase(name, "WARC-Target-URI")) {
      if (value.size() >= 2 && value.front() == '<' && value.back() == '>') {  // WARC 1.0 draft
        value = value.substr(1, value.size() - 2);
      }
      record->target_uri = value;
    }
    if (ascii::EqualsIgnoreCase(name, "WARC-Date")) record->date = value;
    if (ascii::EqualsIgnoreCase(name, "WARC-Identified-Payload-Type")) {
      record->identified_payload_type = value;
    }
    if (ascii::EqualsIgnoreCase(name, "Content-Type")) record->warc_content_type = value;
    if (ascii::EqualsIgnoreCase(name, "Content-Length")) {
      auto [p, ec] =
          std::from_chars(value.data(), value.data() + value.size(), record->content_length);
      have_length = ec == std::errc() && p == value.data() + value.size();
    }
  }
  if (!have_length) {
    Warn(offset, "no valid Content-Length; record skipped");
    *valid = false;
  }
  return Got::kOk;
}

// Makes the record's payload of block_, reusing spare_'s memory: a sweep
// that hands the same record back each time allocates nothing per record.
void WarcReader::Impl::Finish(WarcRecord* record) {
  archive_internal::HttpPayload http;
  http.body = std::move(spare_);
  if (record->type == "response" &&
      archive_internal::DecodeHttpResponse(block_, options_.max_payload, options_.max_header_bytes,
                                           &http)) {
    record->http_status = http.status;
    record->content_type = std::move(http.content_type);
    record->payload = std::move(http.body);
    record->payload_truncated = http.truncated || record->content_length > block_.size();
    return;
  }
  spare_ = std::move(http.body);
  record->content_type = record->warc_content_type;
  record->payload_truncated =
      block_.size() > options_.max_payload || record->content_length > options_.max_payload;
  if (block_.size() > options_.max_payload) block_.resize(options_.max_payload);
  record->payload.swap(block_);
  block_.swap(spare_);
}

bool WarcReader::Impl::Next(WarcRecord* record) {
  std::string last = std::move(record->payload);
  if (last.capacity() > spare_.capacity()) spare_ = std::move(last);
  while (!done_) {
    *record = WarcRecord();
    std::string line;
    uint64_t offset = 0;
    if (FindVersionLine(&line, &offset) != Got::kOk) break;
    first_ = false;
    record->offset = offset;
    record->version = TrimCr(line);
    bool valid = true;
    Got got = ReadHeaders(record, offset, &valid);
    if (got == Got::kBroken) {
      Warn(offset, "record cut by corrupt compressed data; skipped");
      continue;
    }
    if (got == Got::kEnd) {
      Warn(offset, "truncated record (the file ends inside its WARC headers)");
      break;
    }
    if (!valid) continue;
    uint64_t read = 0;
    got = ReadBlock(record->content_length, options_.max_payload + options_.max_header_bytes,
                    &block_, &read);
    if (got == Got::kBroken) {
      Warn(offset, "record cut by corrupt compressed data; skipped");
      continue;
    }
    if (got == Got::kEnd) {
      Warn(offset, "truncated record (Content-Length " + std::to_string(record->content_length) +
                       ", " + std::to_string(read) + " bytes read); skipped");
      break;
    }
    Finish(record);
    return true;
  }
  done_ = true;
  return false;
}

WarcReader::WarcReader(ByteSource* source, std::string file_name, const ReaderOptions& options)
    : impl_(std::make_unique<Impl>(source, std::move(file_name), options)) {}
WarcReader::~WarcReader() = default;
bool WarcReader::Next(WarcRecord* record) { return impl_->Next(record); }
std::vector<std::string> WarcReader::TakeWarnings() { return impl_->TakeWarnings(); }
const Status& WarcReader::status() const { return impl_->status(); }
uint64_t WarcReader::bytes_read() const { return impl_->bytes_read(); }

}  // namespace meetleak
