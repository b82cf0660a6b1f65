#include "base/url.h"

#include <curl/curl.h>

#include <charconv>
#include <memory>

#include "base/ascii.h"

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

constexpr unsigned kParseFlags = CURLU_NON_SUPPORT_SCHEME;

}  // namespace

Result<Url> Url::Parse(std::string_view text) {
  UrlHandle u(curl_url());
  std::string s(text);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, s.c_str(), kParseFlags) != CURLUE_OK) {
    return Status::InvalidInput("unparseable URL");
  }
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  Url url;
  url.spec_ = GetPart(u.get(), CURLUPART_URL);
  url.scheme_ = ascii::Lower(GetPart(u.get(), CURLUPART_SCHEME));
  url.host_for_url_ = ascii::Lower(GetPart(u.get(), CURLUPART_HOST));
  url.host_ = url.host_for_url_;
  if (url.host_.size() >= 2 && url.host_.front() == '[') {
    url.host_ = url.host_.substr(1, url.host_.find(']') - 1);  // also drops a zone id suffix
  }
  if (url.host_.empty()) return Status::InvalidInput("URL without host");
  std::string port = GetPart(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  std::from_chars(port.data(), port.data() + port.size(), url.port_);
  url.port_written_ = !GetPart(u.get(), CURLUPART_PORT).empty();
  url.path_and_query_ = GetPart(u.get(), CURLUPART_PATH);
  if (url.path_and_query_.empty()) url.path_and_query_ = "/";
  std::string query = GetPart(u.get(), CURLUPART_QUERY);
  if (!query.empty()) url.path_and_query_ += "?" + query;
  url.origin_ = url.scheme_ + "://" + url.host_for_url_ + ":" + std::to_string(url.port_);
  return url;
}

Result<std::string> Url::Resolve(std::string_view reference) const {
  UrlHandle u(curl_url());
  std::string ref(reference);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, spec_.c_str(), kParseFlags) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_URL, ref.c_str(), kParseFlags) != CURLUE_OK) {
    return Status::InvalidInput("unresolvable URL reference");
  }
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  return GetPart(u.get(), CURLUPART_URL);
}

std::string ComparableHost(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return ascii::Lower(host);
}

bool Url::SameHost(const Url& other) const {
  return ComparableHost(host_) == ComparableHost(other.host_);
}

bool SameHost(std::string_view a, std::string_view b) {
  Result<Url> ua = Url::Parse(a);
  Result<Url> ub = Url::Parse(b);
  return ua.ok() && ub.ok() && ua->SameHost(*ub);
}

}  // namespace meetleak
