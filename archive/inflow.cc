// Inflow: plain or multi-member gzip bytes, decompressed with zlib, with
// resynchronisation at the next gzip member after corrupt compressed data.
#include <algorithm>
#include <cstring>
#include <string>

#include "archive/internal.h"

namespace meetleak::archive_internal {
namespace {

constexpr size_t kInputBuffer = size_t{256} * 1024;
constexpr char kGzipMagic[] = {'\x1f', '\x8b', '\x08'};

}  // namespace

Inflow::Inflow(ByteSource* source, std::string file_name, std::vector<std::string>* warnings)
    : source_(source), file_name_(std::move(file_name)), warnings_(warnings), in_(kInputBuffer) {}

Inflow::~Inflow() {
  if (z_init_) inflateEnd(&z_);
}

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
    if (gzip_) {
      if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) {
        status_ = Status::Internal(file_name_ + ": zlib could not start");
        eof_ = true;
        return 0;
      }
      z_init_ = true;
    }
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
      inflateReset(&z_);
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
  while (true) {
    if (!in_member_ && !StartMember()) return 0;
    if (in_pos_ == in_end_ && !Fill()) {
      warnings_->push_back(file_name_ + ": offset " + std::to_string(member_offset_) +
                           ": truncated gzip member at the end of the file");
      in_member_ = false;
      discontinuity_ = true;
      return 0;
    }
    z_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
    z_.avail_in = static_cast<uInt>(in_end_ - in_pos_);
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(n);
    int rc = inflate(&z_, Z_NO_FLUSH);
    in_pos_ = in_end_ - z_.avail_in;
    size_t produced = n - z_.avail_out;
    if (rc == Z_STREAM_END) {
      in_member_ = false;
      if (produced > 0) return produced;
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (produced > 0) return produced;
      continue;
    }
    SkipToNextMember(z_.msg != nullptr ? z_.msg : "inflate error");
  }
}

}  // namespace meetleak::archive_internal
