// Builders of web-archive files for tests: WARC records (response with an
// HTTP message, resource, request) and WET `conversion` records, each gzip'd
// as its own member (Common Crawl's way) or the whole file at once.
//
//   std::string file = GzipMember(Response("https://a.example/", "2024-05-01T10:20:30Z",
//                                          "Content-Type: text/html\r\n", "<p>…</p>"));
#ifndef MEETLEAK_TESTS_SUPPORT_WARC_BUILDER_H_
#define MEETLEAK_TESTS_SUPPORT_WARC_BUILDER_H_

#include <zlib.h>

#include <string>

namespace meetleak::testing {

// `data` deflated: `wbits` 16 + 15 as gzip, 15 as zlib, -15 raw; a gzip
// header with every optional part (extra field, name, comment, header CRC)
// when `full_gzip_header`.
inline std::string Deflate(const std::string& data, int wbits, bool full_gzip_header = false) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
  gz_header header{};
  std::string extra = "XYmeetleak", name = "page.html", comment = "archived";
  if (full_gzip_header) {
    header.extra = reinterpret_cast<Bytef*>(extra.data());
    header.extra_len = static_cast<uInt>(extra.size());
    header.name = reinterpret_cast<Bytef*>(name.data());
    header.comment = reinterpret_cast<Bytef*>(comment.data());
    header.hcrc = 1;
    deflateSetHeader(&z, &header);
  }
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// `data` as one gzip member.
inline std::string GzipMember(const std::string& data) { return Deflate(data, 16 + MAX_WBITS); }

// One WARC record with its block, ending in the two CRLFs the format wants.
inline std::string WarcRecordText(const std::string& type, const std::string& uri,
                                  const std::string& date, const std::string& content_type,
                                  const std::string& block,
                                  const std::string& version = "WARC/1.1") {
  return version + "\r\nWARC-Type: " + type + "\r\nWARC-Target-URI: " + uri +
         "\r\nWARC-Date: " + date + "\r\nWARC-Record-ID: <urn:uuid:" +
         std::to_string(std::hash<std::string>{}(type + uri + date)) +
         ">\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
}

// A `response` record: an HTTP/1.1 200 with `headers` (each ending CRLF).
inline std::string Response(const std::string& uri, const std::string& date,
                            const std::string& headers, const std::string& body) {
  return WarcRecordText("response", uri, date, "application/http; msgtype=response",
                        "HTTP/1.1 200 OK\r\n" + headers + "\r\n" + body);
}

// A WET `conversion` record: the page's extracted text.
inline std::string Conversion(const std::string& uri, const std::string& date,
                              const std::string& text) {
  return WarcRecordText("conversion", uri, date, "text/plain", text, "WARC/1.0");
}

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_SUPPORT_WARC_BUILDER_H_
