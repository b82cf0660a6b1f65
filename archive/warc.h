// WarcReader: a streaming reader of web archives — WARC 1.0/1.1 and WET
// files, plain or gzip (one member per record, as Common Crawl writes them,
// or the whole file) — with no I/O of its own: the caller hands it a
// ByteSource and pulls records.
//
//   std::ifstream in(path, std::ios::binary);
//   IstreamSource source(&in);
//   WarcReader reader(&source, "CC-MAIN-…-00000.warc.gz");
//   WarcRecord record;
//   while (reader.Next(&record)) {
//     if (record.type == "response") Scan(record.payload, record.content_type);
//   }
//   for (const std::string& w : reader.TakeWarnings()) std::cerr << w << "\n";
//   if (!reader.status().ok()) …   // an ARC file, or the source failed
//
// Memory is bounded whatever the input: a record's payload is kept up to
// ReaderOptions::max_payload bytes (the rest is read and dropped, and
// `payload_truncated` says so), header lines and header blocks are capped,
// and decompression (gzip members, HTTP Content-Encoding) stops at the cap.
// A corrupt or truncated record is skipped with a warning naming the file
// and the byte offset of the record (in a gzip file: of its gzip member);
// reading resumes at the next gzip member when the compressed data is bad,
// else at the next line starting "WARC/1.". An ARC file (starting
// "filedesc://") is refused with a clear error, never misread as WARC.
// Time is linear in the input. Not thread-safe; one reader per file.
#ifndef MEETLEAK_ARCHIVE_WARC_H_
#define MEETLEAK_ARCHIVE_WARC_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace meetleak {

// The bytes of one archive file, as stored (compressed or not).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills up to `n` bytes of `buf`; returns how many (0 only at the end) or
  // an error, which ends reading.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

// A ByteSource over a std::istream the caller opened (binary mode).
class IstreamSource : public ByteSource {
 public:
  explicit IstreamSource(std::istream* in) : in_(in) {}
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  std::istream* in_;
};

// A ByteSource over bytes in memory (tests, fuzzing).
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  std::string_view bytes_;
};

struct WarcRecord {
  uint64_t offset = 0;     // byte offset in the file: the record's (plain) or its gzip member's
  std::string version;     // "WARC/1.0", "WARC/1.1"
  std::string type;        // WARC-Type: "response", "resource", "conversion", "request", …
  std::string target_uri;  // WARC-Target-URI ("" if absent)
  std::string date;        // WARC-Date as written (ISO 8601 UTC)
  uint64_t content_length = 0;          // Content-Length of the block
  std::string identified_payload_type;  // WARC-Identified-Payload-Type ("" if absent)
  std::string warc_content_type;        // the record's own Content-Type header
  // The payload: for a `response` whose block is an HTTP message, the HTTP
  // body with chunked transfer and Content-Encoding (gzip, deflate) undone;
  // for any other record, the block as stored.
  int http_status = 0;       // the HTTP status of a response record, else 0
  std::string content_type;  // the HTTP Content-Type, else the record's Content-Type
  std::string payload;
  bool payload_truncated = false;  // the payload exceeded max_payload (cut there)
};

struct ReaderOptions {
  size_t max_payload = 10'000'000;              // decoded payload cap, like a fetched body's
  size_t max_header_bytes = size_t{64} * 1024;  // a record's WARC or HTTP header block
};

class WarcReader {
 public:
  // `source` must outlive the reader; `file_name` only names the file in
  // warnings and errors.
  WarcReader(ByteSource* source, std::string file_name, const ReaderOptions& options = {});
  ~WarcReader();
  WarcReader(const WarcReader&) = delete;
  WarcReader& operator=(const WarcReader&) = delete;

  // The next readable record, or false at the end (or on an error: see
  // status()). Corrupt records are skipped and warned about, not returned.
  bool Next(WarcRecord* record);

  // Warnings since the last call, one line each:
  // "FILE: offset N: truncated record (Content-Length 5000, 1200 bytes read)".
  std::vector<std::string> TakeWarnings();

  // OK, or why reading stopped early: an ARC file (kInvalidInput), or the
  // source's own read error.
  const Status& status() const;

  // Bytes read from the source so far (compressed bytes for a gzip file).
  uint64_t bytes_read() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meetleak

#endif  // MEETLEAK_ARCHIVE_WARC_H_
