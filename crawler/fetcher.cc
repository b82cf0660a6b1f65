#include "crawler/fetcher.h"

namespace meetleak {

std::string_view ToString(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return "none";
    case FetchError::kBadUrl:
      return "bad_url";
    case FetchError::kRefusedZoom:
      return "refused_zoom";
    case FetchError::kRefusedGuard:
      return "refused_guard";
    case FetchError::kRobots:
      return "robots";
    case FetchError::kDns:
      return "dns";
    case FetchError::kConnect:
      return "connect";
    case FetchError::kTls:
      return "tls";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kTooLarge:
      return "too_large";
    case FetchError::kTooManyRedirects:
      return "too_many_redirects";
    case FetchError::kHttp:
      return "http";
    case FetchError::kNetwork:
      return "network";
    case FetchError::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace meetleak
