// Retry-After as Zoom sends it, and base64 for HTTP Basic.
#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/ascii.h"
#include "zoom/internal.h"

namespace meetleak::zoom::internal {
namespace {

constexpr std::int64_t kCeilingSeconds = 10LL * 365 * 86400;  // saturate, never overflow

}  // namespace

std::optional<std::int64_t> ParseIsoUtc(std::string_view view) {
  const std::string text(view);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char z = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi, &s, &z,
                  &used) != 7 ||
      z != 'Z' || static_cast<std::size_t>(used) != text.size())
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const time_t t = timegm(&tm);
  if (t == -1) return std::nullopt;
  return static_cast<std::int64_t>(t);
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, Clock::TimePoint now) {
  value = ascii::Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), ascii::IsDigit)) {
    std::int64_t seconds = 0;
    for (char c : value) seconds = std::min(kCeilingSeconds, seconds * 10 + (c - '0'));
    return std::chrono::seconds(seconds);
  }
  const std::string text(value);
  std::optional<std::int64_t> when = ParseIsoUtc(text);
  if (!when) {
    const time_t t = curl_getdate(text.c_str(), nullptr);
    if (t == -1) return std::nullopt;
    when = static_cast<std::int64_t>(t);
  }
  const std::int64_t from = std::chrono::system_clock::to_time_t(now);
  if (*when <= from) return std::chrono::seconds(0);
  return std::chrono::seconds(std::min(kCeilingSeconds, *when - from));
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace meetleak::zoom::internal
