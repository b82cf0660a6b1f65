#include "crawler/address_guard.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace meetleak::crawler_internal {
namespace {

namespace asio = boost::asio;
using asio::ip::address;
using asio::ip::address_v4;
using asio::ip::address_v6;

std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

bool InV4(std::uint32_t ip, std::uint32_t net, int prefix) {
  std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (ip & mask) == (net & mask);
}

bool ForbiddenV4(const address_v4& a) {
  std::uint32_t ip = a.to_uint();
  struct Net {
    std::uint32_t net;
    int prefix;
  };
  static constexpr std::array<Net, 10> kForbidden = {{
      {0x00000000, 8},   // 0/8 "this network", 0.0.0.0 included
      {0x0A000000, 8},   // 10/8
      {0x64400000, 10},  // 100.64/10 CGNAT
      {0x7F000000, 8},   // 127/8 loopback
      {0xA9FE0000, 16},  // 169.254/16 link-local
      {0xAC100000, 12},  // 172.16/12
      {0xC0A80000, 16},  // 192.168/16
      {0xE0000000, 4},   // 224/4 multicast
      {0xF0000000, 4},   // 240/4 reserved, 255.255.255.255 included
      {0xC0000000, 24},  // 192.0.0/24 IETF protocol assignments
  }};
  for (const Net& n : kForbidden) {
    if (InV4(ip, n.net, n.prefix)) return true;
  }
  return false;
}

bool ForbiddenV6(const address_v6& a) {
  if (a.is_v4_mapped()) return ForbiddenV4(asio::ip::make_address_v4(asio::ip::v4_mapped, a));
  address_v6::bytes_type b = a.to_bytes();
  bool first_96_zero = true;
  for (int i = 0; i < 12; ++i) first_96_zero = first_96_zero && b[i] == 0;
  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d: none of ::/96 is
  // routable on the Internet, so the whole block is refused.
  if (first_96_zero) return true;
  static constexpr std::array<std::uint8_t, 12> kNat64 = {0x00, 0x64, 0xff, 0x9b, 0, 0,
                                                          0,    0,    0,    0,    0, 0};
  bool nat64 = true;
  for (int i = 0; i < 12; ++i) nat64 = nat64 && b[i] == kNat64[i];
  if (nat64) return ForbiddenV4(address_v4(address_v4::bytes_type{b[12], b[13], b[14], b[15]}));
  if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return true;  // fec0::/10 site-local
  if (b[0] == 0xFF) return true;                           // ff00::/8 multicast
  return false;
}

class SystemResolver : public Resolver {
 public:
  explicit SystemResolver(asio::io_context& io) : resolver_(io) {}
  ~SystemResolver() override { resolver_.cancel(); }

  void Resolve(const std::string& host, Callback done) override {
    resolver_.async_resolve(
        host, "",
        [host, done = std::move(done)](const boost::system::error_code& ec,
                                       const asio::ip::tcp::resolver::results_type& results) {
          if (ec) {
            done(Status::Unavailable("cannot resolve " + host + ": " + ec.message()));
            return;
          }
          std::vector<std::string> addresses;
          for (const auto& entry : results) {
            addresses.push_back(entry.endpoint().address().to_string());
          }
          if (addresses.empty()) {
            done(Status::Unavailable("cannot resolve " + host + ": no address"));
            return;
          }
          done(std::move(addresses));
        });
  }

 private:
  asio::ip::tcp::resolver resolver_;
};

}  // namespace

std::unique_ptr<Resolver> NewSystemResolver(asio::io_context& io) {
  return std::make_unique<SystemResolver>(io);
}

bool IsIpLiteral(std::string_view host) {
  boost::system::error_code ec;
  asio::ip::make_address(std::string(StripBrackets(host)), ec);
  return !ec;
}

bool IsForbiddenAddress(std::string_view text) {
  boost::system::error_code ec;
  address a = asio::ip::make_address(std::string(StripBrackets(text)), ec);
  if (ec) return true;
  return a.is_v4() ? ForbiddenV4(a.to_v4()) : ForbiddenV6(a.to_v6());
}

Status CheckAddresses(std::string_view host, const std::vector<std::string>& addresses) {
  if (addresses.empty()) return Status::Unavailable("no address for " + std::string(host));
  for (const std::string& a : addresses) {
    if (IsForbiddenAddress(a)) {
      return Status::Refused("address guard: " + std::string(host) + " resolves to " + a +
                             " (loopback, private, link-local or otherwise internal)");
    }
  }
  return Status::OK();
}

std::string CurlResolveEntry(std::string_view host, int port,
                             const std::vector<std::string>& addresses) {
  std::string entry = std::string(host) + ":" + std::to_string(port) + ":";
  std::vector<std::string_view> seen;
  for (const std::string& a : addresses) {
    if (std::find(seen.begin(), seen.end(), a) != seen.end()) continue;
    if (!seen.empty()) entry += ",";
    seen.push_back(a);
    entry += a.find(':') != std::string::npos ? "[" + a + "]" : a;
  }
  return entry;
}

}  // namespace meetleak::crawler_internal
