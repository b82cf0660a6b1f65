#include "crawler/robots.h"

#include <algorithm>
#include <charconv>

#include "base/ascii.h"

namespace meetleak::crawler_internal {
namespace {

constexpr std::size_t kMaxParsedBytes = std::size_t{500} * 1024;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsUnreserved(unsigned char c) {
  return ascii::IsAlnum(static_cast<char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 9309 2.2.2: decode percent-encoded unreserved octets, encode octets
// outside US-ASCII, so "/%7Efoo" and "/~foo" compare equal.
std::string NormalizePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (c == '%' && i + 2 < path.size() && ascii::HexValue(path[i + 1]) >= 0 &&
        ascii::HexValue(path[i + 2]) >= 0) {
      unsigned char decoded = static_cast<unsigned char>(ascii::HexValue(path[i + 1]) * 16 +
                                                         ascii::HexValue(path[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        out += {'%', kHex[decoded >> 4], kHex[decoded & 15]};
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20) {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Glob match of a robots pattern against a normalised path: `*` matches any
// run of octets, a final `$` anchors the end; otherwise a prefix match.
bool PatternMatches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  std::size_t p = 0, s = 0;
  std::size_t star = std::string_view::npos, star_s = 0;
  while (s < path.size()) {
    if (p == pattern.size() && !anchored) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool AgentMatches(std::string_view line_value, std::string_view token) {
  std::string_view v = Trim(line_value);
  std::size_t end = v.find_first_of(" \t/");
  if (end != std::string_view::npos) v = v.substr(0, end);
  return !token.empty() && ascii::Lower(v) == ascii::Lower(token);
}

std::optional<std::chrono::milliseconds> ParseDelay(std::string_view v) {
  v = Trim(v);
  double seconds = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec != std::errc() || seconds < 0 || seconds > 86400) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

struct Line {
  std::string key;  // lower-case
  std::string_view value;
};

std::vector<Line> SplitLines(std::string_view body) {
  std::vector<Line> lines;
  body = body.substr(0, kMaxParsedBytes);
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (std::size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    lines.push_back({ascii::Lower(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1))});
  }
  return lines;
}

}  // namespace

RobotsRules RobotsRules::AllowAll() { return RobotsRules(); }

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules r;
  r.disallow_all_ = true;
  return r;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view product_token) {
  struct Group {
    bool for_us = false, for_star = false;
    std::vector<Rule> rules;
    std::optional<std::chrono::milliseconds> delay;
  };
  std::vector<Group> groups;
  bool in_agents = false;  // the previous meaningful line was a user-agent line
  for (const Line& line : SplitLines(body)) {
    if (line.key == "user-agent") {
      if (!in_agents) groups.emplace_back();
      in_agents = true;
      if (Trim(line.value) == "*") groups.back().for_star = true;
      if (AgentMatches(line.value, product_token)) groups.back().for_us = true;
      continue;
    }
    if (groups.empty()) continue;  // rules before any user-agent line belong to no group
    if (line.key == "allow" || line.key == "disallow") {
      in_agents = false;
      if (line.value.empty()) continue;  // "Disallow:" with no path is no rule
      groups.back().rules.push_back({NormalizePath(line.value), line.key == "allow"});
    } else if (line.key == "crawl-delay") {
      in_agents = false;
      if (auto d = ParseDelay(line.value)) groups.back().delay = d;
    }  // sitemap and unknown keys neither close nor belong to a group
  }
  bool any_for_us =
      std::any_of(groups.begin(), groups.end(), [](const Group& g) { return g.for_us; });
  RobotsRules result;
  for (const Group& g : groups) {
    if (any_for_us ? !g.for_us : !g.for_star) continue;
    result.rules_.insert(result.rules_.end(), g.rules.begin(), g.rules.end());
    if (g.delay && (!result.crawl_delay_ || *g.delay > *result.crawl_delay_)) {
      result.crawl_delay_ = g.delay;
    }
  }
  return result;
}

bool RobotsRules::IsAllowed(std::string_view path) const {
  if (path.empty()) path = "/";
  if (path == "/robots.txt") return true;
  if (disallow_all_) return false;
  std::string normalized = NormalizePath(path);
  std::size_t best_length = 0;
  bool best_allow = true;
  bool matched = false;
  for (const Rule& rule : rules_) {
    if (!PatternMatches(rule.pattern, normalized)) continue;
    std::size_t length = rule.pattern.size();
    if (!matched || length > best_length) {
      best_length = length;
      best_allow = rule.allow;
      matched = true;
    } else if (length == best_length) {
      best_allow = best_allow || rule.allow;  // the least restrictive wins a tie
    }
  }
  return !matched || best_allow;
}

std::string ProductToken(std::string_view user_agent) {
  std::size_t end = user_agent.find_first_of(" /\t");
  return ascii::Lower(user_agent.substr(0, end));
}

RobotsRules RobotsFromFetch(int status, std::string_view body, std::string_view product_token) {
  if (status >= 200 && status < 300) return RobotsRules::Parse(body, product_token);
  if (status >= 400 && status < 500 && status != 429) return RobotsRules::AllowAll();
  return RobotsRules::DisallowAll();  // 0 (unreachable), 3xx left over, 429, 5xx
}

const RobotsRules* RobotsCache::Find(const std::string& origin, Clock::TimePoint now) const {
  const Entry* e = Lookup(origin, now);
  return e == nullptr ? nullptr : &e->rules;
}

const RobotsCache::Entry* RobotsCache::Lookup(const std::string& origin,
                                              Clock::TimePoint now) const {
  auto it = entries_.find(origin);
  if (it == entries_.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

const RobotsCache::Entry& RobotsCache::Store(const std::string& origin, int status,
                                             std::string_view body, std::string_view product_token,
                                             Clock::TimePoint now,
                                             std::optional<RobotsFailure> failure) {
  bool failed = status == 0 || status == 429 || status >= 500 || (status >= 300 && status < 400);
  Clock::TimePoint expires = now + (failed ? std::chrono::system_clock::duration(kErrorTtl)
                                           : std::chrono::system_clock::duration(kTtl));
  if (entries_.size() >= kMaxEntries) Evict(now);
  Entry& e = entries_[origin];
  e.rules = RobotsFromFetch(status, body, product_token);
  e.expires = expires;
  e.failure = std::move(failure);
  return e;
}

void RobotsCache::Evict(Clock::TimePoint now) {
  std::erase_if(entries_, [now](const auto& kv) { return kv.second.expires <= now; });
  while (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
}

}  // namespace meetleak::crawler_internal
