// ResolveUrl: RFC 3986 reference resolution with the WHATWG URL standard's
// leniencies for http(s) that real pages rely on (surrounding spaces and
// controls trimmed, tabs and newlines removed, '\' as '/', scheme-relative
// "//host", "http:path" against an http base), percent-encoding of spaces,
// controls and non-ASCII bytes, lower-cased scheme and host, default port
// dropped. Hosts are not IDNA-encoded.
#include <string>
#include <string_view>

#include "base/ascii.h"
#include "feeds/document.h"

namespace meetleak {
namespace {

struct UrlParts {
  std::string scheme;     // lower-case
  std::string authority;  // host[:port], lower-cased host
  std::string path;
  std::string query;  // with its '?', or ""
  bool has_authority = false;
  bool valid = true;  // false: the host or port is not one a browser would accept
};

// Trims C0 controls and spaces at both ends, removes tab/CR/LF, drops the
// fragment.
std::string CleanReference(std::string_view ref) {
  size_t begin = 0, end = ref.size();
  while (begin < end && static_cast<unsigned char>(ref[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(ref[end - 1]) <= 0x20) --end;
  std::string out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    char c = ref[i];
    if (c == '#') break;
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

// The scheme ("http") when `ref` starts with one, else "".
std::string SchemeOf(std::string_view ref) {
  if (ref.empty() || !ascii::IsAlpha(ref[0])) return "";
  for (size_t i = 1; i < ref.size(); ++i) {
    char c = ref[i];
    if (c == ':') {
      std::string scheme(ref.substr(0, i));
      for (char& s : scheme) s = ascii::ToLower(s);
      return scheme;
    }
    if (!ascii::IsAlnum(c) && c != '+' && c != '-' && c != '.') return "";
  }
  return "";
}

void SplitQuery(std::string_view rest, UrlParts* parts) {
  size_t q = rest.find('?');
  parts->path.assign(rest.substr(0, q));
  if (q != std::string_view::npos) parts->query.assign(rest.substr(q));
  for (char& c : parts->path) {
    if (c == '\\') c = '/';
  }
}

// WHATWG: a host may not hold a forbidden host code point (IPv6 literals
// aside), and a port is digits.
bool IsValidHostAndPort(std::string_view host_port) {
  std::string_view host = host_port, port;
  if (host_port.starts_with("[")) {
    size_t close = host_port.find(']');
    if (close == std::string_view::npos) return false;
    host = host_port.substr(0, close + 1);
    port = host_port.substr(close + 1);
    for (char c : host.substr(1, host.size() - 2)) {
      bool hex = ascii::IsDigit(c) || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
      if (!hex) return false;
    }
  } else {
    size_t colon = host_port.rfind(':');
    if (colon != std::string_view::npos) {
      host = host_port.substr(0, colon);
      port = host_port.substr(colon);
    }
    if (host.empty()) return false;
    for (char c : host) {
      if (static_cast<unsigned char>(c) <= 0x20 ||
          std::string_view("#/:<>?@[\\]^|").find(c) != std::string_view::npos) {
        return false;
      }
    }
  }
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (char c : port.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return port.size() <= 6;
}

// Parses "//authority/path?query" (after the scheme).
void ParseHierarchical(std::string_view rest, UrlParts* parts) {
  size_t start = 0;
  while (start < rest.size() && (rest[start] == '/' || rest[start] == '\\')) ++start;
  size_t end = rest.find_first_of("/\\?", start);
  if (end == std::string_view::npos) end = rest.size();
  std::string authority(rest.substr(start, end - start));
  size_t at = authority.rfind('@');
  size_t host_start = at == std::string::npos ? 0 : at + 1;
  for (size_t i = host_start; i < authority.size(); ++i)
    authority[i] = ascii::ToLower(authority[i]);
  parts->valid = IsValidHostAndPort(std::string_view(authority).substr(host_start));
  parts->authority = std::move(authority);
  parts->has_authority = true;
  SplitQuery(rest.substr(end), parts);
}

std::string RemoveDotSegments(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    size_t next = path.find('/', i + 1);
    if (next == std::string_view::npos) next = path.size();
    std::string_view segment = path.substr(i, next - i);  // "/name" (or "name" at the start)
    std::string_view name = segment.starts_with("/") ? segment.substr(1) : segment;
    bool last = next == path.size();
    if (name == "." || name == "%2e" || name == "%2E") {
      if (last) out.push_back('/');
    } else if (name == ".." || name == ".%2e" || name == "%2e." || name == "%2e%2e") {
      size_t cut = out.rfind('/');
      out.resize(cut == std::string::npos ? 0 : cut);
      if (last) out.push_back('/');
    } else {
      if (!segment.starts_with("/")) out.push_back('/');
      out.append(segment);
    }
    i = next;
  }
  return out.empty() ? "/" : out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '"' || c == '<' || c == '>' || c == '`') {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Serialize(const UrlParts& p) {
  if (!p.valid) return "";
  std::string authority = p.authority;
  if ((p.scheme == "http" && authority.ends_with(":80")) ||
      (p.scheme == "https" && authority.ends_with(":443"))) {
    authority.resize(authority.rfind(':'));
  } else if (authority.ends_with(":")) {
    authority.pop_back();
  }
  return p.scheme + "://" + PercentEncode(authority) + PercentEncode(RemoveDotSegments(p.path)) +
         PercentEncode(p.query);
}

bool IsHttp(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

}  // namespace

std::string ResolveUrl(std::string_view base_text, std::string_view ref_text) {
  std::string ref = CleanReference(ref_text);
  std::string base_clean = CleanReference(base_text);
  UrlParts base;
  base.scheme = SchemeOf(base_clean);
  if (IsHttp(base.scheme))
    ParseHierarchical(std::string_view(base_clean).substr(base.scheme.size() + 1), &base);

  std::string scheme = SchemeOf(ref);
  std::string_view rest = ref;
  if (!scheme.empty()) {
    if (!IsHttp(scheme)) return "";
    rest.remove_prefix(scheme.size() + 1);
    bool relative_to_base =
        scheme == base.scheme && !rest.starts_with("/") && !rest.starts_with("\\");
    if (!relative_to_base) {  // "http:foo" with an http base is relative (WHATWG)
      UrlParts parts;
      parts.scheme = scheme;
      ParseHierarchical(rest, &parts);
      if (parts.authority.empty()) return "";
      return Serialize(parts);
    }
  }
  if (!IsHttp(base.scheme) || base.authority.empty()) return "";
  UrlParts target;
  target.scheme = base.scheme;
  if (rest.starts_with("//") || rest.starts_with("\\\\") || rest.starts_with("/\\") ||
      rest.starts_with("\\/")) {
    ParseHierarchical(rest, &target);
    if (target.authority.empty()) return "";
    return Serialize(target);
  }
  target.authority = base.authority;
  target.has_authority = true;
  if (rest.empty()) {
    target.path = base.path;
    target.query = base.query;
  } else if (rest[0] == '?') {
    target.path = base.path;
    target.query.assign(rest);
  } else {
    SplitQuery(rest, &target);
    if (!target.path.starts_with("/")) {
      std::string merged = base.path.empty() ? "/" : base.path;
      merged.resize(merged.rfind('/') + 1);
      target.path = merged + target.path;
    }
  }
  return Serialize(target);
}

}  // namespace meetleak
