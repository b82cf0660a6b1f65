// WarcReader on archives built here: gzip per record and whole-file gzip,
// WARC 1.0/1.1 and WET, HTTP payloads (chunked, gzip), damage of each kind,
// and inputs far larger than memory should ever hold.
#include "archive/warc.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/warc_builder.h"

namespace meetleak {
namespace {

using testing::Deflate;

std::string Gzip(const std::string& data) { return testing::GzipMember(data); }

std::string Record(const std::string& type, const std::string& uri, const std::string& block,
                   const std::string& content_type, const std::string& version = "WARC/1.0") {
  return version + "\r\nWARC-Type: " + type + "\r\nWARC-Target-URI: " + uri +
         "\r\nWARC-Date: 2024-05-01T10:20:30Z\r\nContent-Type: " + content_type +
         "\r\nWARC-Identified-Payload-Type: text/html\r\nContent-Length: " +
         std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
}

std::string Response(const std::string& uri, const std::string& headers, const std::string& body) {
  return Record("response", uri, "HTTP/1.1 200 OK\r\n" + headers + "\r\n" + body,
                "application/http; msgtype=response");
}

// `size` zero bytes gzip'd without ever holding them: a compression bomb.
std::string GzipZeros(size_t size) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  static const char kZeros[1 << 16] = {};
  std::string out;
  char chunk[1 << 16];
  while (true) {
    size_t take = std::min(size, sizeof kZeros);
    size -= take;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(kZeros));
    z.avail_in = static_cast<uInt>(take);
    int flush = size == 0 ? Z_FINISH : Z_NO_FLUSH;
    int rc = Z_OK;
    do {
      z.next_out = reinterpret_cast<Bytef*>(chunk);
      z.avail_out = sizeof chunk;
      rc = deflate(&z, flush);
      out.append(chunk, sizeof chunk - z.avail_out);
    } while (z.avail_out == 0);
    if (rc == Z_STREAM_END) break;
  }
  deflateEnd(&z);
  return out;
}

struct Read {
  std::vector<WarcRecord> records;
  std::vector<std::string> warnings;
  Status status;
};

Read ReadAll(ByteSource* source, const ReaderOptions& options = {}) {
  WarcReader reader(source, "test.warc.gz", options);
  Read out;
  WarcRecord record;
  while (reader.Next(&record)) out.records.push_back(record);
  out.warnings = reader.TakeWarnings();
  out.status = reader.status();
  return out;
}

Read ReadAll(const std::string& bytes, const ReaderOptions& options = {}) {
  StringSource source(bytes);
  return ReadAll(&source, options);
}

const std::string kPage = "<html><body>Join https://acme.zoom.us/j/81234567890</body></html>";

TEST(WarcReaderTest, ReadsGzipPerRecordWarcAndWetWithTheirHeaders) {
  std::string file =
      Gzip(Record("warcinfo", "", "software: test\r\n", "application/warc-fields")) +
      Gzip(Response("https://a.example/p", "Content-Type: text/html; charset=utf-8\r\n", kPage)) +
      Gzip(Record("conversion", "https://b.example/q", "plain text 81234567890", "text/plain",
                  "WARC/1.1"));
  Read got = ReadAll(file);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.records.size(), 3u);
  EXPECT_TRUE(got.warnings.empty());
  const WarcRecord& response = got.records[1];
  EXPECT_EQ(response.type, "response");
  EXPECT_EQ(response.target_uri, "https://a.example/p");
  EXPECT_EQ(response.date, "2024-05-01T10:20:30Z");
  EXPECT_EQ(response.identified_payload_type, "text/html");
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response.payload, kPage);
  EXPECT_EQ(response.offset,
            Gzip(Record("warcinfo", "", "software: test\r\n", "application/warc-fields")).size());
  const WarcRecord& wet = got.records[2];
  EXPECT_EQ(wet.version, "WARC/1.1");
  EXPECT_EQ(wet.type, "conversion");
  EXPECT_EQ(wet.content_type, "text/plain");
  EXPECT_EQ(wet.payload, "plain text 81234567890");
}

TEST(WarcReaderTest, WholeFileGzipAndPlainFilesReadTheSame) {
  std::string plain =
      Response("https://a.example/1", "", kPage) + Response("https://a.example/2", "", kPage);
  for (const std::string& file : {plain, Gzip(plain)}) {
    Read got = ReadAll(file);
    ASSERT_EQ(got.records.size(), 2u);
    EXPECT_EQ(got.records[1].target_uri, "https://a.example/2");
    EXPECT_EQ(got.records[1].payload, kPage);
  }
  EXPECT_EQ(ReadAll(plain).records[1].offset, Response("https://a.example/1", "", kPage).size());
}

TEST(WarcReaderTest, UndoesChunkedTransferAndContentEncoding) {
  std::string chunked = "10\r\n" + kPage.substr(0, 16) + "\r\n" +
                        [] {
                          char hex[16];
                          snprintf(hex, sizeof hex, "%zx", kPage.size() - 16);
                          return std::string(hex);
                        }() +
                        ";ext=1\r\n" + kPage.substr(16) + "\r\n0\r\n\r\n";
  std::string file =
      Response("https://a.example/c", "Transfer-Encoding: chunked\r\n", chunked) +
      Response("https://a.example/g", "Content-Encoding: gzip\r\n", Gzip(kPage)) +
      Response("https://a.example/cg", "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
               [] {
                 std::string z = Gzip(kPage);
                 char hex[16];
                 snprintf(hex, sizeof hex, "%zx", z.size());
                 return std::string(hex) + "\r\n" + z + "\r\n0\r\n\r\n";
               }()) +
      // Stored already decoded under the original headers, as crawlers often do.
      Response("https://a.example/stored",
               "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n", kPage);
  Read got = ReadAll(file);
  ASSERT_EQ(got.records.size(), 4u);
  for (const WarcRecord& r : got.records) EXPECT_EQ(r.payload, kPage) << r.target_uri;
  EXPECT_TRUE(got.warnings.empty());
}

TEST(WarcReaderTest, DeflateContentEncodingIsUndoneWithOrWithoutItsZlibWrapper) {
  std::string file =
      Response("https://a.example/z", "Content-Encoding: deflate\r\n", Deflate(kPage, MAX_WBITS)) +
      Response("https://a.example/r", "Content-Encoding: deflate\r\n", Deflate(kPage, -MAX_WBITS));
  Read got = ReadAll(file);
  ASSERT_EQ(got.records.size(), 2u);
  for (const WarcRecord& r : got.records) EXPECT_EQ(r.payload, kPage) << r.target_uri;
}

TEST(WarcReaderTest, GzipMembersWithEveryOptionalHeaderPartAreRead) {
  std::string first = Response("https://a.example/1", "", kPage);
  std::string second = Response("https://a.example/2", "", kPage);
  Read got = ReadAll(Deflate(first, 16 + MAX_WBITS, true) + Deflate(second, 16 + MAX_WBITS, true));
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_TRUE(got.warnings.empty());
  EXPECT_EQ(got.records[1].target_uri, "https://a.example/2");
  EXPECT_EQ(got.records[1].payload, kPage);
}

TEST(WarcReaderTest, GzipMemberFailingItsChecksumIsSkippedAndNamed) {
  std::string first = Gzip(Response("https://a.example/1", "", kPage));
  std::string second = Gzip(Response("https://a.example/2", "", kPage));
  std::string third = Gzip(Response("https://a.example/3", "", kPage));
  second[second.size() - 8] = static_cast<char>(second[second.size() - 8] ^ 1);  // CRC-32
  Read got = ReadAll(first + second + third);
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[1].target_uri, "https://a.example/3");
  ASSERT_FALSE(got.warnings.empty());
  EXPECT_EQ(got.warnings[0], "test.warc.gz: offset " + std::to_string(first.size()) +
                                 ": corrupt gzip member (checksum mismatch); skipped to the next "
                                 "member")
      << got.warnings[0];
}

TEST(WarcReaderTest, CorruptGzipMemberIsSkippedWithItsOffsetAndTheNextOneRead) {
  std::string first = Gzip(Response("https://a.example/1", "", kPage));
  std::string second = Gzip(Response("https://a.example/2", "", kPage + std::string(5000, 'x')));
  std::string third = Gzip(Response("https://a.example/3", "", kPage));
  for (size_t i = 20; i < 60; ++i) second[i] = static_cast<char>(second[i] ^ 0x5a);
  Read got = ReadAll(first + second + third);
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[0].target_uri, "https://a.example/1");
  EXPECT_EQ(got.records[1].target_uri, "https://a.example/3");
  ASSERT_FALSE(got.warnings.empty());
  EXPECT_EQ(got.warnings[0].rfind("test.warc.gz: offset " + std::to_string(first.size()) + ": ", 0),
            0u)
      << got.warnings[0];
}

TEST(WarcReaderTest, GzipMemberCutShortIsSkippedAndTheNextOneRead) {
  std::string first = Gzip(Response("https://a.example/1", "", kPage));
  std::string second = Gzip(Response("https://a.example/2", "", kPage));
  std::string third = Gzip(Response("https://a.example/3", "", kPage));
  Read got = ReadAll(first + second.substr(0, second.size() / 2) + third);
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[1].target_uri, "https://a.example/3");
  EXPECT_FALSE(got.warnings.empty());
}

TEST(WarcReaderTest, PlainFileResumesAtTheNextWarcLineAfterGarbage) {
  std::string first = Response("https://a.example/1", "", kPage);
  std::string garbage = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: x\r\n\r\njunk\r\n";
  std::string file = first + garbage + "more junk\r\n" + Response("https://a.example/3", "", kPage);
  Read got = ReadAll(file);
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[1].target_uri, "https://a.example/3");
  ASSERT_FALSE(got.warnings.empty());
  EXPECT_EQ(got.warnings[0], "test.warc.gz: offset " + std::to_string(first.size()) +
                                 ": no valid Content-Length; record skipped");
}

TEST(WarcReaderTest, TruncatedLastRecordIsWarnedAndTheOthersKept) {
  std::string first = Response("https://a.example/1", "", kPage);
  std::string second = Response("https://a.example/2", "", kPage);
  Read got = ReadAll(first + second.substr(0, second.size() - 30));
  ASSERT_EQ(got.records.size(), 1u);
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_NE(got.warnings[0].find("offset " + std::to_string(first.size()) + ": truncated record"),
            std::string::npos)
      << got.warnings[0];
}

TEST(WarcReaderTest, ArcFileIsRefusedNotMisread) {
  std::string arc =
      "filedesc://x.arc 127.0.0.1 20140216050221 text/plain 75\n1 0 Example\nURL IP-address "
      "Archive-date Content-type Archive-length\n\n";
  for (const std::string& file : {arc, Gzip(arc)}) {
    Read got = ReadAll(file);
    EXPECT_TRUE(got.records.empty());
    EXPECT_EQ(got.status.code(), Status::Code::kInvalidInput);
    EXPECT_NE(got.status.message().find("test.warc.gz: an ARC file"), std::string::npos);
  }
}

// Generates `size` bytes of a record whose block never ends in memory.
class HugeSource : public ByteSource {
 public:
  HugeSource(std::string head, uint64_t size, char fill)
      : head_(std::move(head)), left_(size), fill_(fill) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t i = 0;
    for (; i < n && pos_ < head_.size(); ++i) buf[i] = head_[pos_++];
    size_t take = static_cast<size_t>(std::min<uint64_t>(n - i, left_));
    std::memset(buf + i, fill_, take);
    left_ -= take;
    return i + take;
  }

 private:
  std::string head_;
  size_t pos_ = 0;
  uint64_t left_;
  char fill_;
};

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(WarcReaderTest, MemoryStaysBoundedOnHugeRecordsLinesAndBombs) {
  constexpr uint64_t kHuge = 512ull << 20;
  ReaderOptions options;
  options.max_payload = 1 << 20;
  long before = PeakRssKb();
  HugeSource big_block(
      "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: " + std::to_string(kHuge) + "\r\n\r\n",
      kHuge, 'a');
  Read got = ReadAll(&big_block, options);
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].payload.size(), options.max_payload);
  EXPECT_TRUE(got.records[0].payload_truncated);

  HugeSource endless_line("WARC/1.0\r\nWARC-Type: ", kHuge, 'b');
  got = ReadAll(&endless_line, options);
  EXPECT_TRUE(got.records.empty());
  EXPECT_FALSE(got.warnings.empty());

  std::string bomb = GzipZeros(1ull << 30);
  got = ReadAll(Response("https://a.example/bomb", "Content-Encoding: gzip\r\n", bomb), options);
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].payload.size(), options.max_payload);
  EXPECT_TRUE(got.records[0].payload_truncated);
  EXPECT_LT(PeakRssKb() - before, 96 * 1024) << "peak RSS grew by more than 96 MiB";
}

}  // namespace
}  // namespace meetleak
