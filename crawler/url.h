// URL helpers on libcurl's URL API (CURLU), internal to crawler/.
#ifndef MEETLEAK_CRAWLER_URL_H_
#define MEETLEAK_CRAWLER_URL_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace meetleak {

struct ParsedUrl {
  std::string url;           // normalised by libcurl, fragment removed
  std::string scheme;        // lower-case
  std::string host;          // lower-case, IPv6 without brackets
  int port = 0;              // explicit or the scheme's default
  std::string path;          // path and query, "/" at least
  std::string origin;        // "scheme://host:port" (IPv6 host in brackets)
  std::string host_for_url;  // host as written in a URL ("[::1]" for IPv6)
};

// Parses an absolute URL of any scheme (the caller checks http/https).
// kInvalidInput when libcurl cannot parse it.
Result<ParsedUrl> ParseUrl(std::string_view url);

// `location` (absolute or relative) resolved against `base`, fragment removed.
Result<std::string> ResolveLocation(std::string_view base, std::string_view location);

}  // namespace meetleak

#endif  // MEETLEAK_CRAWLER_URL_H_
