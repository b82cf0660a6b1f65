// One record matched as a fetched page; a file's identity; WARC dates.
#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#include "archive/sweep.h"
#include "base/ascii.h"
#include "feeds/document.h"

namespace meetleak {
namespace {

constexpr std::size_t kHeadBytes = std::size_t{1} << 20;

// A payload whose ASCII letters and digits are not single ASCII bytes
// (UTF-16, UTF-32): the byte-level pre-filter cannot judge it.
bool NotAsciiCompatible(const WarcRecord& record) {
  std::string_view p = record.payload;
  if (p.size() >= 2 && ((p[0] == '\xFF' && p[1] == '\xFE') || (p[0] == '\xFE' && p[1] == '\xFF')))
    return true;
  const std::string type = ascii::Lower(record.content_type);
  return type.find("utf-16") != std::string::npos || type.find("utf-32") != std::string::npos;
}

bool HoldsAPage(std::string_view type) {
  return type == "response" || type == "resource" || type == "conversion";
}

int Digits(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || !ascii::IsDigit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<Clock::TimePoint> ParseWarcDate(std::string_view d) {
  // YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)
  if (d.size() < 20 || d[4] != '-' || d[7] != '-' || (d[10] != 'T' && d[10] != 't') ||
      d[13] != ':' || d[16] != ':')
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = Digits(d, 0, 4) - 1900;
  tm.tm_mon = Digits(d, 5, 2) - 1;
  tm.tm_mday = Digits(d, 8, 2);
  tm.tm_hour = Digits(d, 11, 2);
  tm.tm_min = Digits(d, 14, 2);
  tm.tm_sec = Digits(d, 17, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
      tm.tm_sec > 60)
    return std::nullopt;
  std::size_t i = 19;
  if (i < d.size() && d[i] == '.')
    for (++i; i < d.size() && ascii::IsDigit(d[i]);) ++i;
  long offset_s = 0;
  if (i < d.size() && (d[i] == '+' || d[i] == '-')) {
    const int h = Digits(d, i + 1, 2), m = Digits(d, i + 4, 2);
    if (h < 0 || m < 0 || i + 6 != d.size() || d[i + 3] != ':') return std::nullopt;
    offset_s = (d[i] == '+' ? 1 : -1) * (h * 3600L + m * 60L);
  } else if (i + 1 != d.size() || (d[i] != 'Z' && d[i] != 'z')) {
    return std::nullopt;
  }
  const time_t t = timegm(&tm) - offset_s;
  return Clock::TimePoint(std::chrono::seconds(t));
}

Result<ArchiveFileId> IdentifyArchiveFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable(path + ": cannot read: " + std::strerror(errno));
  std::vector<char> head(kHeadBytes);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  const auto got = static_cast<std::size_t>(in.gcount());
  if (in.bad()) return Status::Unavailable(path + ": cannot read: " + std::strerror(errno));
  in.clear();
  in.seekg(0, std::ios::end);
  ArchiveFileId id;
  id.size = static_cast<std::uint64_t>(in.tellg());
  const std::size_t slash = path.find_last_of('/');
  id.name = slash == std::string::npos ? path : path.substr(slash + 1);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(head.data(), got, digest, &len, EVP_sha256(), nullptr) != 1)
    return Status::Internal(path + ": SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int k = 0; k < len; ++k) {
    id.head_hash += kHex[digest[k] >> 4];
    id.head_hash += kHex[digest[k] & 15];
  }
  return id;
}

std::vector<PageRef> ScanRecord(const Matcher& matcher, const Inventory& inventory,
                                const WarcRecord& record, bool* matched) {
  if (matched != nullptr) *matched = false;
  if (!HoldsAPage(record.type)) return {};
  if (!matcher.MayFind(record.payload) && !NotAsciiCompatible(record)) return {};
  if (matched != nullptr) *matched = true;
  // No link is followed from an archived page: its structure is not parsed,
  // only its kind and charset found (a feed's entries still are).
  const Document d = ParseDocument(record.payload, record.content_type, record.target_uri,
                                   ParseOptions{.html_structure = false});
  std::vector<RefOccurrence> occurrences;
  // A page's segments are parts of its body: the body alone is matched.
  const std::size_t segments = d.kind == DocumentKind::kHtml ? 1 : d.segments.size();
  for (std::size_t i = 0; i < segments; ++i)
    for (MeetingRef& ref : matcher.Find(d.segments[i].text, &inventory))
      occurrences.push_back({std::move(ref), RedactSecrets(d.segments[i].entry_url)});
  return MergeOnPage(occurrences, inventory);
}

}  // namespace meetleak
