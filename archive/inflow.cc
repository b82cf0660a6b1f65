// Inflow: plain or multi-member gzip bytes, decompressed with ISA-L, with
// resynchronisation at the next gzip member after corrupt compressed data;
// and InflateCapped, ISA-L for a body's Content-Encoding.
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "archive/internal.h"

namespace meetleak::archive_internal {
namespace {

constexpr size_t kInputBuffer = size_t{256} * 1024;
constexpr char kGzipMagic[] = {'\x1f', '\x8b', '\x08'};

bool Failed(int rc) { return rc < 0 || rc == ISAL_NEED_DICT; }

uint32_t Clamp32(size_t n) { return static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX)); }

// A fresh decompressor for one gzip member, zlib stream or raw deflate stream.
void Start(inflate_state* st, Wrapper wrapper) {
  isal_inflate_reset(st);
  st->crc_flag = wrapper == Wrapper::kGzip   ? ISAL_GZIP
                 : wrapper == Wrapper::kZlib ? ISAL_ZLIB
                                             : ISAL_DEFLATE;
}

// isal_inflate_init fills in every field it reads: no need to zero ~100 KB.
std::unique_ptr<inflate_state> NewInflateState() {
  std::unique_ptr<inflate_state> st(new inflate_state);  // NOLINT(cppcoreguidelines-owning-memory)
  isal_inflate_init(st.get());
  return st;
}

}  // namespace

const char* InflateError(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER:
      return "invalid gzip or zlib header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "checksum mismatch";
    case ISAL_NEED_DICT:
      return "needs a preset dictionary";
    default:
      return "inflate error";
  }
}

bool InflateCapped(std::string_view in, Wrapper wrapper, size_t cap, std::string* out,
                   bool* truncated) {
  std::unique_ptr<inflate_state> st = NewInflateState();
  Start(st.get(), wrapper);
  out->clear();
  st->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  st->avail_in = Clamp32(in.size());
  char chunk[32 * 1024];
  bool finished = false;
  while (out->size() < cap && !finished) {
    st->next_out = reinterpret_cast<uint8_t*>(chunk);
    st->avail_out = sizeof chunk;
    const int rc = isal_inflate(st.get());
    if (Failed(rc)) return false;
    const size_t produced = sizeof chunk - st->avail_out;
    const size_t room = cap - out->size();
    out->append(chunk, std::min(produced, room));
    if (produced > room) *truncated = true;
    finished = st->block_state == ISAL_BLOCK_FINISH;
    if (produced == 0 && !finished) break;  // input ended early: keep what came
  }
  if (!finished && out->size() >= cap && st->avail_in > 0) *truncated = true;
  return finished || !out->empty();
}

Inflow::Inflow(ByteSource* source, std::string file_name, std::vector<std::string>* warnings)
    : source_(source), file_name_(std::move(file_name)), warnings_(warnings), in_(kInputBuffer) {}

Inflow::~Inflow() = default;

bool Inflow::TakeDiscontinuity() { return std::exchange(discontinuity_, false); }

bool Inflow::Fill() {
  if (eof_) return false;
  if (in_pos_ > 0) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
    in_end_ -= in_pos_;
    consumed_base_ += in_pos_;
    in_pos_ = 0;
  }
  if (in_end_ == in_.size()) return true;
  Result<size_t> got = source_->Read(in_.data() + in_end_, in_.size() - in_end_);
  if (!got.ok()) {
    status_ = got.status();
    eof_ = true;
    return false;
  }
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  in_end_ += *got;
  return true;
}

size_t Inflow::Read(char* buf, size_t n) {
  if (!started_) {
    started_ = true;
    while (in_end_ - in_pos_ < 2 && Fill()) {
    }
    gzip_ = in_end_ - in_pos_ >= 2 && in_[in_pos_] == kGzipMagic[0] &&
            in_[in_pos_ + 1] == kGzipMagic[1];
    if (gzip_) inflate_ = NewInflateState();
  }
  return gzip_ ? ReadGzip(buf, n) : ReadPlain(buf, n);
}

size_t Inflow::ReadPlain(char* buf, size_t n) {
  if (in_pos_ == in_end_ && !Fill()) return 0;
  size_t take = std::min(n, in_end_ - in_pos_);
  std::memcpy(buf, in_.data() + in_pos_, take);
  in_pos_ += take;
  member_offset_ = plain_pos_;
  plain_pos_ += take;
  return take;
}

bool Inflow::StartMember() {
  bool warned = false;
  while (true) {
    while (in_end_ - in_pos_ < 3 && Fill()) {
    }
    if (in_pos_ == in_end_) return false;
    if (in_end_ - in_pos_ >= 3 && std::memcmp(in_.data() + in_pos_, kGzipMagic, 3) == 0) {
      member_offset_ = consumed_base_ + in_pos_;
      Start(inflate_.get(), Wrapper::kGzip);
      in_member_ = true;
      return true;
    }
    if (in_[in_pos_] == '\0') {  // padding after the last member
      ++in_pos_;
      continue;
    }
    if (!warned) {
      warned = true;
      warnings_->push_back(file_name_ + ": offset " + std::to_string(consumed_base_ + in_pos_) +
                           ": data between gzip members is not gzip; skipped");
    }
    ++in_pos_;
    SkipToNextMember("");
  }
}

void Inflow::SkipToNextMember(std::string_view why) {
  if (!why.empty()) {
    warnings_->push_back(file_name_ + ": offset " + std::to_string(member_offset_) +
                         ": corrupt gzip member (" + std::string(why) +
                         "); skipped to the next member");
  }
  in_member_ = false;
  discontinuity_ = true;
  // Look again from just after the bad member's start while it is still
  // buffered: a truncated member may be followed by a whole one.
  if (member_offset_ + 1 > consumed_base_ && member_offset_ + 1 <= consumed_base_ + in_end_ &&
      !why.empty()) {
    in_pos_ = std::min<size_t>(in_pos_, member_offset_ + 1 - consumed_base_);
  }
  while (true) {
    std::string_view avail(in_.data() + in_pos_, in_end_ - in_pos_);
    size_t at = avail.find(std::string_view(kGzipMagic, 3));
    if (at != std::string_view::npos) {
      in_pos_ += at;
      return;
    }
    in_pos_ = std::max(in_pos_, in_end_ >= 2 ? in_end_ - 2 : 0);
    if (!Fill()) {
      in_pos_ = in_end_;
      return;
    }
  }
}

size_t Inflow::ReadGzip(char* buf, size_t n) {
  inflate_state& st = *inflate_;
  while (true) {
    if (!in_member_ && !StartMember()) return 0;
    if (in_pos_ == in_end_ && !Fill()) {
      warnings_->push_back(file_name_ + ": offset " + std::to_string(member_offset_) +
                           ": truncated gzip member at the end of the file");
      in_member_ = false;
      discontinuity_ = true;
      return 0;
    }
    st.next_in = reinterpret_cast<uint8_t*>(in_.data() + in_pos_);
    st.avail_in = static_cast<uint32_t>(in_end_ - in_pos_);
    st.next_out = reinterpret_cast<uint8_t*>(buf);
    st.avail_out = Clamp32(n);
    const uint32_t avail_in = st.avail_in, avail_out = st.avail_out;
    const int rc = isal_inflate(&st);
    in_pos_ = in_end_ - st.avail_in;
    const size_t produced = avail_out - st.avail_out;
    if (Failed(rc)) {
      SkipToNextMember(InflateError(rc));
      continue;
    }
    if (st.block_state == ISAL_BLOCK_FINISH) {
      in_member_ = false;
      if (produced > 0) return produced;
      continue;
    }
    if (produced > 0) return produced;
    // Neither output nor input taken, with room for both: never loop on it.
    if (st.avail_in == avail_in && avail_in > 0) SkipToNextMember("inflate made no progress");
  }
}

}  // namespace meetleak::archive_internal
