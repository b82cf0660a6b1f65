#include "crawler/url.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>

namespace meetleak {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::string GetPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

constexpr unsigned kParseFlags = CURLU_NON_SUPPORT_SCHEME;

}  // namespace

Result<ParsedUrl> ParseUrl(std::string_view text) {
  UrlHandle u(curl_url());
  std::string s(text);
  if (curl_url_set(u.get(), CURLUPART_URL, s.c_str(), kParseFlags) != CURLUE_OK) {
    return Status::InvalidInput("unparseable URL");
  }
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  ParsedUrl p;
  p.url = GetPart(u.get(), CURLUPART_URL);
  p.scheme = Lower(GetPart(u.get(), CURLUPART_SCHEME));
  p.host_for_url = Lower(GetPart(u.get(), CURLUPART_HOST));
  p.host = p.host_for_url;
  if (p.host.size() >= 2 && p.host.front() == '[') {
    p.host = p.host.substr(1, p.host.find(']') - 1);  // also drops a zone id suffix
  }
  if (p.host.empty()) return Status::InvalidInput("URL without host");
  std::string port = GetPart(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  p.port = port.empty() ? 0 : std::atoi(port.c_str());
  p.path = GetPart(u.get(), CURLUPART_PATH);
  if (p.path.empty()) p.path = "/";
  std::string query = GetPart(u.get(), CURLUPART_QUERY);
  if (!query.empty()) p.path += "?" + query;
  p.origin = p.scheme + "://" + p.host_for_url + ":" + std::to_string(p.port);
  return p;
}

Result<std::string> ResolveLocation(std::string_view base, std::string_view location) {
  UrlHandle u(curl_url());
  std::string b(base), l(location);
  if (curl_url_set(u.get(), CURLUPART_URL, b.c_str(), kParseFlags) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_URL, l.c_str(), kParseFlags) != CURLUE_OK) {
    return Status::InvalidInput("unparseable redirect location");
  }
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  return GetPart(u.get(), CURLUPART_URL);
}

}  // namespace meetleak
