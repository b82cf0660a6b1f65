// The address guard: which hosts a discovered URL may make meetleak connect to.
// Internal to crawler/ (the fetcher applies it; crawler/fetcher.h says how).
//
// A URL found in content (a feed entry, a sitemap URL, a followed link) or a
// redirect hop could point meetleak at the company's own network. Before such
// a URL is fetched its host is resolved and refused if ANY address is in a
// forbidden range; the fetch is then pinned to the checked addresses
// (CURLOPT_RESOLVE) so a second lookup cannot answer differently.
//
// Forbidden: loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16,
// fc00::/7), link-local (169.254/16, fe80::/10), CGNAT (100.64/10),
// multicast (224/4, ff00::/8), unspecified (0.0.0.0, ::), "this network"
// 0/8, reserved 240/4 and broadcast, deprecated site-local fec0::/10, and the
// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64
// (64:ff9b::/96) forms of forbidden IPv4 addresses.
#ifndef MEETLEAK_CRAWLER_ADDRESS_GUARD_H_
#define MEETLEAK_CRAWLER_ADDRESS_GUARD_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/asio.h"
#include "base/status.h"
#include "crawler/fetcher.h"

namespace meetleak::crawler_internal {

// getaddrinfo through Asio's asynchronous resolver (off the io thread).
// `io` must outlive the resolver.
std::unique_ptr<Resolver> NewSystemResolver(boost::asio::io_context& io);

// True when `address` (textual IPv4 or IPv6, brackets allowed) must never be
// connected to for a discovered URL. Unparseable text is forbidden too.
bool IsForbiddenAddress(std::string_view address);

// True when `host` is an IP literal ("10.0.0.1", "[::1]").
bool IsIpLiteral(std::string_view host);

// OK, or kRefused naming `host` and the first forbidden address.
Status CheckAddresses(std::string_view host, const std::vector<std::string>& addresses);

// The CURLOPT_RESOLVE entry that pins `host`:`port` to the checked
// addresses: "example.org:443:93.184.216.34,[2606:2800::1]".
std::string CurlResolveEntry(std::string_view host, int port,
                             const std::vector<std::string>& addresses);

}  // namespace meetleak::crawler_internal

#endif  // MEETLEAK_CRAWLER_ADDRESS_GUARD_H_
