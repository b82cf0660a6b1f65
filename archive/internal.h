// archive/ internals: the decompressing byte stream under the record parser,
// and HTTP payload decoding. Not for use outside archive/.
#ifndef MEETLEAK_ARCHIVE_INTERNAL_H_
#define MEETLEAK_ARCHIVE_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/warc.h"
#include "base/status.h"

struct inflate_state;  // ISA-L's (isa-l/igzip_lib.h)

namespace meetleak::archive_internal {

// The uncompressed bytes of a file: plain, or gzip with any number of
// members, inflated by ISA-L (several times zlib's speed: the floor of a
// sweep's work, DESIGN.md "Performance targets"). One Read never crosses a gzip member boundary, so
// everything a Read returns belongs to the member starting at member_offset().
class Inflow {
 public:
  Inflow(ByteSource* source, std::string file_name, std::vector<std::string>* warnings);
  ~Inflow();
  Inflow(const Inflow&) = delete;
  Inflow& operator=(const Inflow&) = delete;

  // Up to `n` bytes; 0 at the end of input (or after a source error).
  size_t Read(char* buf, size_t n);
  // Offset in the file of the bytes last returned: their gzip member's start,
  // or (plain) their own position.
  uint64_t member_offset() const { return member_offset_; }
  // True once, after corrupt compressed data was skipped: whatever the
  // reader held of a record from before is not continued by what follows.
  bool TakeDiscontinuity();
  bool gzip() const { return gzip_; }
  const Status& status() const { return status_; }
  uint64_t bytes_read() const { return consumed_base_ + in_pos_; }

 private:
  bool Fill();  // more compressed bytes in in_; false at the end
  size_t ReadPlain(char* buf, size_t n);
  size_t ReadGzip(char* buf, size_t n);
  bool StartMember();  // at a member start (skipping trailing NULs); false at the end
  void SkipToNextMember(std::string_view why);

  ByteSource* source_;
  std::string file_name_;
  std::vector<std::string>* warnings_;
  Status status_;
  std::vector<char> in_;
  size_t in_pos_ = 0, in_end_ = 0;
  uint64_t consumed_base_ = 0;  // file offset of in_[0]
  bool eof_ = false;
  bool started_ = false;
  bool gzip_ = false;
  bool in_member_ = false;
  bool discontinuity_ = false;
  uint64_t member_offset_ = 0;
  uint64_t plain_pos_ = 0;
  std::unique_ptr<inflate_state> inflate_;
};

struct HttpPayload {
  int status = 0;
  std::string content_type;
  std::string body;
  bool truncated = false;
};

// Splits an HTTP response message (status line, headers, body) and undoes
// chunked transfer and gzip/deflate content encodings, keeping at most
// `cap` bytes of body. False when `block` is not an HTTP response.
bool DecodeHttpResponse(std::string_view block, size_t cap, size_t max_header, HttpPayload* out);

enum class Wrapper { kGzip, kZlib, kRaw };

// Inflates `in` (one gzip member, one zlib stream or raw deflate) into `out`,
// at most `cap` bytes. False if the data is not valid; data cut short yields
// what came. `*truncated` when the cap cut it.
bool InflateCapped(std::string_view in, Wrapper wrapper, size_t cap, std::string* out,
                   bool* truncated);

// Why ISA-L's isal_inflate returned `rc` (< 0), in words.
const char* InflateError(int rc);

}  // namespace meetleak::archive_internal

#endif  // MEETLEAK_ARCHIVE_INTERNAL_H_
