#include "base/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <idn2.h>

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
  url.lookup_host_ = LookupHost(url.host_);
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

std::string LookupHost(std::string_view host) {
  std::string out(host);
  bool ascii_only = true;
  for (char c : out) ascii_only = ascii_only && static_cast<unsigned char>(c) < 0x80;
  if (!ascii_only) {
    // libcurl's own conversion (CURLU_PUNYCODE, idn2_lookup_ul) reads the
    // host in the C locale's charset and fails on UTF-8 unless the program
    // called setlocale; idn2_lookup_u8 takes UTF-8 whatever the locale, with
    // the flags libcurl uses (non-transitional, then transitional).
    char* ace = nullptr;
    int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(out.c_str()),
                            reinterpret_cast<uint8_t**>(&ace), IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(out.c_str()),
                          reinterpret_cast<uint8_t**>(&ace), IDN2_TRANSITIONAL);
    }
    if (rc == IDN2_OK && ace != nullptr) out = ace;
    idn2_free(ace);
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return ascii::Lower(out);
}

bool Url::SameHost(const Url& other) const { return lookup_host_ == other.lookup_host_; }

bool SameHost(std::string_view a, std::string_view b) {
  Result<Url> ua = Url::Parse(a);
  Result<Url> ub = Url::Parse(b);
  return ua.ok() && ub.ok() && ua->SameHost(*ub);
}

bool IsLoopbackName(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr v4{};
  const std::string name(host);  // "127.evil.example" is a name, not an address
  return inet_pton(AF_INET, name.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

}  // namespace meetleak
