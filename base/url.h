// Url: the one URL type, parsed by libcurl's URL API (CURLU), so every host,
// port and path meetleak reasons about is the one libcurl would connect to.
//
//   Result<Url> url = Url::Parse("HTTPS://Example.ORG:443/a?b=1#top");
//   url->spec();    // "https://Example.ORG/a?b=1" (libcurl's form, no fragment)
//   url->host();    // "example.org"
//   url->origin();  // "https://example.org:443"
//
// Parsing accepts any scheme (the caller decides which it fetches) but needs
// a host. Which query parameters are secrets is matchers/' rule (RedactSecrets);
// a Url holds the URL as given, secrets included, so never print spec()
// without redacting it. Values are plain data: copyable, thread-compatible.
#ifndef MEETLEAK_BASE_URL_H_
#define MEETLEAK_BASE_URL_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace meetleak {

class Url {
 public:
  // Parses an absolute URL. kInvalidInput when libcurl cannot parse it or it
  // names no host.
  static Result<Url> Parse(std::string_view text);

  // `reference` (absolute or relative, as in a Location header) resolved
  // against this URL by libcurl's rules, fragment removed. The result is not
  // checked to have a host: parse it before use. kInvalidInput when libcurl
  // cannot resolve it.
  Result<std::string> Resolve(std::string_view reference) const;

  // The URL as libcurl writes it back (scheme lower-cased, host as written,
  // "/" for an empty path), fragment removed: the URL that is fetched.
  const std::string& spec() const { return spec_; }
  // Lower-case ("https").
  const std::string& scheme() const { return scheme_; }
  // Lower-case, as libcurl connects to it: an IPv6 address without its
  // brackets (and without a zone id), a trailing dot kept.
  const std::string& host() const { return host_; }
  // The host as a resolver is asked for it: percent-decoding undone (libcurl
  // does that), IDNA (UTS #46) mapped and punycoded ("ｚｏｏｍ.us" →
  // "zoom.us", "bücher.example" → "xn--bcher-kva.example"), lower-case,
  // trailing dots dropped. Rules about hosts (the Zoom-host rule, same host)
  // decide on this form, whatever spelling the URL used.
  const std::string& lookup_host() const { return lookup_host_; }
  // The host as written in a URL ("[::1]" for IPv6).
  const std::string& host_for_url() const { return host_for_url_; }
  // Explicit, or the scheme's default (0 for a scheme libcurl has no default for).
  int port() const { return port_; }
  // True when the URL wrote its port ("https://h:8443/").
  bool port_written() const { return port_written_; }
  // Path and query, "/" at least ("/a?b=1").
  const std::string& path_and_query() const { return path_and_query_; }
  // "scheme://host:port", the port always written (IPv6 host in brackets).
  const std::string& origin() const { return origin_; }

  // True when both URLs name the same host: equal once lower-cased and a
  // trailing dot dropped. Scheme and port do not matter: a host is one
  // machine for politeness and for the same-host depth rule.
  bool SameHost(const Url& other) const;

 private:
  std::string spec_, scheme_, host_, lookup_host_, host_for_url_, path_and_query_, origin_;
  int port_ = 0;
  bool port_written_ = false;
};

// `host` (UTF-8 or ASCII) in the form Url::lookup_host() gives: IDNA
// mapped and punycoded when it is not ASCII (left as it is when IDNA
// refuses it), lower-case, trailing dots dropped.
std::string LookupHost(std::string_view host);

// Url::SameHost of two URL strings; false when either does not parse.
bool SameHost(std::string_view a, std::string_view b);

// A host name that means this machine by its spelling alone, no lookup:
// "localhost", "::1" (bracketed or not), 127.x.y.z. For rules that allow a
// weaker setting on loopback only (http to a Zoom stand-in, PostgreSQL
// without TLS); the address guard's checks of resolved addresses are
// another matter.
bool IsLoopbackName(std::string_view host);

}  // namespace meetleak

#endif  // MEETLEAK_BASE_URL_H_
