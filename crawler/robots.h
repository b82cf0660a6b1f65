// robots.txt per RFC 9309: the parser and a per-origin cache with expiry.
// Internal to crawler/.
//
//   RobotsRules rules = RobotsRules::Parse(body, ProductToken(user_agent));
//   if (!rules.IsAllowed("/private/x?y=1")) { /* kRobots */ }
//
// Groups are chosen by product token, case-insensitively; several groups
// naming the token are merged; with none, the "*" groups are merged; with
// none of those, everything is allowed. Allow/Disallow patterns support `*`
// (any octets) and a final `$` (end of path); the longest matching pattern
// (in octets) wins and an Allow wins a tie. Paths are compared after
// normalising percent-encoding (unreserved octets decoded, others and
// non-ASCII encoded with upper-case hex). /robots.txt itself is always
// allowed. Crawl-delay (not in the RFC, widely used) is read from the chosen
// group(s). Only the first 500 KiB of a body are parsed (RFC 9309 2.5).
//
// How a fetch result becomes rules (the caller classifies, see FromFetch):
// 2xx → parsed; 4xx (except 429) → allow all; 429, 5xx or unreachable →
// disallow all for a while (kErrorTtl) so a failing host is not hammered.
#ifndef MEETLEAK_CRAWLER_ROBOTS_H_
#define MEETLEAK_CRAWLER_ROBOTS_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "crawler/fetcher.h"

namespace meetleak::crawler_internal {

class RobotsRules {
 public:
  static RobotsRules Parse(std::string_view body, std::string_view product_token);
  static RobotsRules AllowAll();
  static RobotsRules DisallowAll();

  // `path` is the URL's path and query ("/a/b?c"); empty means "/".
  bool IsAllowed(std::string_view path) const;
  // The group's Crawl-delay, if any (fractions of seconds kept).
  std::optional<std::chrono::milliseconds> crawl_delay() const { return crawl_delay_; }

 private:
  struct Rule {
    std::string pattern;  // normalised; `*` wildcard, trailing `$` anchors
    bool allow = false;
  };
  std::vector<Rule> rules_;
  bool disallow_all_ = false;
  std::optional<std::chrono::milliseconds> crawl_delay_;
};

// "meetleak/0.1.0 (+https://…)" → "meetleak" (the RFC's product token).
std::string ProductToken(std::string_view user_agent);

// The rules that a robots.txt fetch result stands for.
// `status` 0 means unreachable (DNS, connect, TLS, timeout, …).
RobotsRules RobotsFromFetch(int status, std::string_view body, std::string_view product_token);

// Why a robots.txt could not be read (unreachable host, 429/5xx): the
// error its held-back requests fail with, and one line saying so (no URL of
// the request; it names the robots.txt).
struct RobotsFailure {
  FetchError error = FetchError::kNone;
  std::string cause;
};

// Per-origin ("https://host:port") cache. Not thread-safe: one owner.
class RobotsCache {
 public:
  struct Entry {
    RobotsRules rules;
    Clock::TimePoint expires;
    // Set when the rules stand for a robots.txt that could not be read:
    // every request answered from this entry fails with it, so a refused
    // connection is never reported as a robots.txt refusal.
    std::optional<RobotsFailure> failure;
  };

  static constexpr std::chrono::hours kTtl{24};         // parsed or 4xx
  static constexpr std::chrono::minutes kErrorTtl{10};  // 429/5xx/unreachable
  static constexpr std::size_t kMaxEntries = 10'000;

  // The cached rules, or nullptr when absent or expired.
  const RobotsRules* Find(const std::string& origin, Clock::TimePoint now) const;
  // The cached entry (rules and failure), or nullptr when absent or expired.
  const Entry* Lookup(const std::string& origin, Clock::TimePoint now) const;
  // Stores the rules for a fetch result (and why it failed, if it did);
  // returns the stored entry.
  const Entry& Store(const std::string& origin, int status, std::string_view body,
                     std::string_view product_token, Clock::TimePoint now,
                     std::optional<RobotsFailure> failure = std::nullopt);

 private:
  void Evict(Clock::TimePoint now);
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace meetleak::crawler_internal

#endif  // MEETLEAK_CRAWLER_ROBOTS_H_
