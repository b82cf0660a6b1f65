// Matcher: the pre-filtered scan (Find) and the plain one (FindSlow). Both
// use the same decoding, patterns and digit grammar; they differ only in
// where those run — around trigger positions, or over everything.
#include "matchers/matcher.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <future>
#include <span>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/url.h"
#include "matchers/internal.h"
#include "matchers/inventory.h"

namespace meetleak {

namespace matchers_internal {
namespace {
thread_local MatchStats* t_stats = nullptr;
}  // namespace
MatchStats* CurrentStats() { return t_stats; }
}  // namespace matchers_internal

using matchers_internal::Decoded;
using matchers_internal::DecodeRange;
using matchers_internal::DigitRun;

namespace {

// "zoom" followed by what a link pattern can continue with: '.', an escape
// or bracket that decodes to '.', " dot ", "gov", "mtg://", "us://" or
// "us;" (intent scheme). "zoom:1" in CSS and "zoom-in" are no triggers.
bool IsZoomTriggerAt(std::string_view t, std::size_t i) {
  if (i + 5 > t.size() || (t[i + 1] | 0x20) != 'o' || (t[i + 2] | 0x20) != 'o' ||
      (t[i + 3] | 0x20) != 'm')
    return false;
  switch (t[i + 4] | 0x20) {
    case '.':
    case '%':
    case '&':
    case '\\':
    case '[':
    case '(':
    case '{':
    case ' ':
    case 'g':
    case 'm':
    case 'u':
      return true;
    default:
      return false;
  }
}

// Bit k set: text[k] is an ASCII digit / is 'z' or 'Z' (64 bytes from p).
struct BlockMasks {
  std::uint64_t digit = 0;
  std::uint64_t z = 0;
};

BlockMasks Masks64(const char* p) {
  BlockMasks m;
#if defined(__SSE2__)
  const __m128i zero_char = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i lower_bit = _mm_set1_epi8(0x20);
  const __m128i z = _mm_set1_epi8('z');
  for (int k = 0; k < 4; ++k) {
    __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + static_cast<std::ptrdiff_t>(16 * k)));
    __m128i d = _mm_sub_epi8(v, zero_char);
    __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
    __m128i is_z = _mm_cmpeq_epi8(_mm_or_si128(v, lower_bit), z);
    m.digit |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(is_digit)))
               << (16 * k);
    m.z |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(is_z)))
           << (16 * k);
  }
#else
  for (int k = 0; k < 64; ++k) {
    m.digit |= static_cast<std::uint64_t>(ascii::IsDigit(p[k])) << k;
    m.z |= static_cast<std::uint64_t>((p[k] | 0x20) == 'z') << k;
  }
#endif
  return m;
}

// `covered_end`: how far the links found before p reach; a number that
// ends inside one is dropped by Combine anyway, so it is not classified.
void AddDigitRef(std::string_view text, std::size_t p, const Inventory* inventory,
                 matchers_internal::MarkerIndex* markers, std::vector<MeetingRef>* out,
                 std::size_t covered_end = 0, std::vector<std::string>* id_candidates = nullptr) {
  std::optional<DigitRun> run = matchers_internal::ParseIdDigits(text, p);
  if (!run || run->end <= covered_end) return;
  std::optional<MeetingRef> ref = matchers_internal::ClassifyDigits(text, *run, inventory, markers);
  if (ref)
    out->push_back(std::move(*ref));
  else if (id_candidates != nullptr)
    id_candidates->push_back(std::move(run->digits));
}

// Counts into `stats` what this thread's matcher code does while in scope.
class StatsScope {
 public:
  explicit StatsScope(MatchStats* stats) : saved_(matchers_internal::t_stats) {
    matchers_internal::t_stats = stats;
  }
  ~StatsScope() { matchers_internal::t_stats = saved_; }
  StatsScope(const StatsScope&) = delete;
  StatsScope& operator=(const StatsScope&) = delete;

 private:
  MatchStats* saved_;
};

bool Cancelled(const CancelToken* cancel) { return cancel != nullptr && cancel->cancelled(); }

constexpr std::size_t kCancelCheckMask = std::size_t{64} * 1024 - 1;  // poll every 64 KiB

// Nearby references share one FindSecrets pass over the union of their
// context regions, up to this many bytes (the token is polled between).
constexpr std::size_t kContextPassBytes = std::size_t{64} * 1024;

// References whose context regions overlap, refs[first, last), and the
// union of their regions, text[begin, end): one FindSecrets pass each.
struct ContextGroup {
  std::size_t first, last, begin, end;
};

std::vector<ContextGroup> ContextGroups(std::string_view text, const std::vector<MeetingRef>& r) {
  using matchers_internal::ContextRegion;
  std::vector<ContextGroup> groups;
  for (std::size_t i = 0; i < r.size();) {
    auto [begin, end] = ContextRegion(text, r[i].offset, r[i].length);
    std::size_t j = i + 1;
    for (; j < r.size(); ++j) {
      auto [b, e] = ContextRegion(text, r[j].offset, r[j].length);
      if (b > end || std::max(end, e) - begin > kContextPassBytes) break;
      end = std::max(end, e);
    }
    groups.push_back({i, j, begin, end});
    i = j;
  }
  return groups;
}

// The redacted context of each reference of groups[g, g_end), and their
// passcodes' spans appended to `passcodes` in order. Reads `r` and writes
// only the contexts of those groups' references, so two calls over disjoint
// groups may run at once. False when cancelled.
bool BuildContexts(std::string_view text, std::vector<MeetingRef>* refs,
                   std::span<const ContextGroup> groups, const CancelToken* cancel,
                   std::vector<matchers_internal::SecretSpan>* passcodes) {
  using matchers_internal::ContextRegion;
  std::vector<MeetingRef>& r = *refs;
  matchers_internal::ContextMemo memo;
  for (const ContextGroup& g : groups) {
    if (Cancelled(cancel)) return false;
    std::vector<matchers_internal::SecretSpan> secrets =
        matchers_internal::FindSecrets(text.substr(g.begin, g.end - g.begin));
    for (matchers_internal::SecretSpan& s : secrets) {
      s.begin += g.begin;
      s.end += g.begin;
      if (s.passcode) passcodes->push_back(s);
    }
    // Merged once for the group: disjoint and sorted, by begin and by end.
    const matchers_internal::Spans spans = matchers_internal::Merge(secrets);
    for (std::size_t i = g.first; i < g.last; ++i) {
      auto [b, e] = ContextRegion(text, r[i].offset, r[i].length);
      // The spans that reach into the region: the snippet lies in it.
      auto first = std::upper_bound(spans.begin(), spans.end(), b,
                                    [](std::size_t v, const auto& s) { return v < s.second; });
      auto last = std::lower_bound(first, spans.end(), e,
                                   [](const auto& s, std::size_t v) { return s.first < v; });
      r[i].context = matchers_internal::MakeContext(text, r[i].offset, r[i].length,
                                                    std::span(first, last), &memo);
    }
  }
  return true;
}

// Context regions of at least this many bytes in all are split between the
// calling thread and one more, when FindOptions::context_threads allows.
constexpr std::size_t kParallelContextBytes = std::size_t{1} << 20;

// The groups [0, split) stay on the calling thread; the rest, about half the
// region bytes, go to a second one (split == groups.size(): none do).
std::size_t SplitForSecondThread(std::span<const ContextGroup> groups, int threads) {
  std::size_t total = 0;
  for (const ContextGroup& g : groups) total += g.end - g.begin;
  if (threads < 2 || total < kParallelContextBytes) return groups.size();
  std::size_t first_half = 0, split = 0;
  for (; split < groups.size() && first_half < total / 2; ++split)
    first_half += groups[split].end - groups[split].begin;
  return split;
}

// The passcodes of every reference's invitation and its redacted context
// (references ordered by offset). The contexts of the second half of a
// large text's references may be built on a second thread: what each gets
// is the same, and the passcodes are attached afterwards, in text order, on
// the calling thread. False when cancelled.
bool AddContexts(std::string_view text, std::vector<MeetingRef>* refs, const CancelToken* cancel,
                 const PasscodeDigest* digest, int threads) {
  const std::vector<ContextGroup> groups = ContextGroups(text, *refs);
  const std::span<const ContextGroup> all(groups);
  const std::size_t split = SplitForSecondThread(all, threads);
  std::vector<matchers_internal::SecretSpan> passcodes, later_passcodes;
  MatchStats second_stats;
  MatchStats* const stats = matchers_internal::CurrentStats();
  std::future<bool> second;
  if (split < groups.size()) {
    try {
      second = std::async(std::launch::async, [&] {
        StatsScope counting(stats != nullptr ? &second_stats : nullptr);
        return BuildContexts(text, refs, all.subspan(split), cancel, &later_passcodes);
      });
    } catch (const std::system_error&) {  // no thread to be had: all on this one
    }
  }
  const bool two_threads = second.valid();
  const bool done =
      BuildContexts(text, refs, two_threads ? all.first(split) : all, cancel, &passcodes);
  const bool later_done = !two_threads || second.get();
  if (stats != nullptr) {
    stats->second_thread = stats->second_thread || two_threads;
    stats->bytes_decoded += second_stats.bytes_decoded;
    stats->bytes_searched += second_stats.bytes_searched;
  }
  if (!done || !later_done) return false;
  matchers_internal::PasscodeOwners owners(text, refs, digest);
  for (const auto* list : {&passcodes, &later_passcodes})
    for (const matchers_internal::SecretSpan& s : *list) owners.Attach(s);
  return true;
}

// Link references win over the numbers inside them; the result is ordered
// by offset, and every reference gets the passcodes of its invitation and
// its redacted context. False when cancelled.
bool Combine(std::string_view text, std::vector<MeetingRef> links, std::vector<MeetingRef> numbers,
             const CancelToken* cancel, const PasscodeDigest* digest, int context_threads,
             std::vector<MeetingRef>* result) {
  std::sort(links.begin(), links.end(),
            [](const MeetingRef& a, const MeetingRef& b) { return a.offset < b.offset; });
  // furthest_end[k]: the furthest end of links[0..k], so a number's test
  // against every link before it is one lookup.
  std::vector<std::size_t> furthest_end(links.size());
  for (std::size_t k = 0; k < links.size(); ++k)
    furthest_end[k] = std::max(k > 0 ? furthest_end[k - 1] : 0, links[k].offset + links[k].length);
  std::vector<MeetingRef> out = std::move(links);
  const std::size_t link_count = out.size();
  for (MeetingRef& ref : numbers) {
    auto it = std::upper_bound(out.begin(), out.begin() + static_cast<long>(link_count), ref.offset,
                               [](std::size_t off, const MeetingRef& l) { return off < l.offset; });
    const std::size_t before = static_cast<std::size_t>(it - out.begin());
    const bool inside = before > 0 && ref.offset + ref.length <= furthest_end[before - 1];
    if (!inside) out.push_back(std::move(ref));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const MeetingRef& a, const MeetingRef& b) { return a.offset < b.offset; });
  if (!AddContexts(text, &out, cancel, digest, context_threads)) return false;
  *result = std::move(out);
  return true;
}

// Where a number may start in the digit run at r: its first digit, or just
// after an escape that ends in digits ("%20855 1234 5678"), with a first
// group of 3 or 9–11 digits. Calls `at(p)` for each until one returns true.
template <class At>
bool ForEachNumberStart(std::string_view text, std::size_t r, At at) {
  std::size_t run_end = r;
  while (run_end < text.size() && ascii::IsDigit(text[run_end])) ++run_end;
  for (std::size_t p = r; p < run_end && p <= r + 2; ++p) {
    const std::size_t first = run_end - p;
    if (first != 3 && (first < 9 || first > 11)) continue;
    if ((p == r || matchers_internal::EscapeEndsAt(text, p)) && at(p)) return true;
  }
  return false;
}

// The one pass over a text that finds the trigger positions, in order: each
// 'z' (on_z) and each start of a digit run that may begin a number
// (on_digit_run). A callback returning true stops the pass (kStopped).
enum class TriggerPass { kRead, kStopped, kCancelled };
template <class OnZ, class OnRun>
TriggerPass ForEachTrigger(std::string_view text, const CancelToken* cancel, OnZ on_z,
                           OnRun on_digit_run) {
  const char* p = text.data();
  std::size_t n = text.size(), i = 0;
  bool prev_digit = false;
  for (; i + 64 <= n; i += 64) {
    if ((i & kCancelCheckMask) == 0 && Cancelled(cancel)) return TriggerPass::kCancelled;
    BlockMasks m = Masks64(p + i);
    if ((m.digit | m.z) == 0) {
      prev_digit = false;
      continue;
    }
    std::uint64_t starts = m.digit & ~((m.digit << 1) | static_cast<std::uint64_t>(prev_digit));
    // Runs of three or more digits (the last two bits are settled by the
    // scalar run length in ForEachNumberStart).
    std::uint64_t three =
        m.digit & ((m.digit >> 1) | (1ull << 63)) & ((m.digit >> 2) | (3ull << 62));
    std::uint64_t hits = (starts & three) | m.z;
    prev_digit = (m.digit >> 63) != 0;
    while (hits != 0) {
      std::size_t at = i + static_cast<std::size_t>(__builtin_ctzll(hits));
      hits &= hits - 1;
      if (ascii::IsDigit(p[at]) ? on_digit_run(at) : on_z(at)) return TriggerPass::kStopped;
    }
  }
  for (; i < n; ++i) {
    if ((p[i] | 0x20) == 'z') {
      if (on_z(i)) return TriggerPass::kStopped;
    } else if (ascii::IsDigit(p[i]) && !prev_digit) {
      if (on_digit_run(i)) return TriggerPass::kStopped;
    }
    prev_digit = ascii::IsDigit(p[i]);
  }
  return TriggerPass::kRead;
}

}  // namespace

struct Matcher::Impl {};

Matcher::Matcher() : impl_(std::make_unique<Impl>()) {
  // Compile every pattern now rather than on the first page.
  (void)Find("zoom.us/j/123456789 Meeting ID: 123 456 789 pwd=x");
}

Matcher::~Matcher() = default;

// The fast path's state: link windows already scanned end at window_end.
struct Scan {
  std::string_view text;
  const Inventory* inventory;
  std::vector<std::string>* id_candidates;
  std::vector<MeetingRef> links, numbers;
  matchers_internal::MarkerIndex markers{text};
  std::size_t window_end = 0;
  std::size_t link_cursor = 0, links_end = 0;  // links[0, link_cursor) reach links_end

  // How far the links starting at or before p reach (p never decreases;
  // links are found in offset order: windows never overlap).
  std::size_t LinksEndAt(std::size_t p) {
    for (; link_cursor < links.size() && links[link_cursor].offset <= p; ++link_cursor)
      links_end = std::max(links_end, links[link_cursor].offset + links[link_cursor].length);
    return links_end;
  }

  // Windows never overlap: one starts where the last ended at the earliest
  // (a window ends at a delimiter unless its cap cut a longer run).
  void AtZ(std::size_t i) {
    if (i < window_end || !IsZoomTriggerAt(text, i)) return;
    auto [b, e] = matchers_internal::SegmentAround(text, i, window_end);
    matchers_internal::FindLinkRefs(DecodeRange(text, b, e), &links);
    window_end = e;
  }
  // A number starts at a run's first digit, or just after an escape that
  // ends in digits ("%20855 1234 5678"). Its first group has 3 or 9–11
  // digits (ParseIdDigits' first test, here before any call): the prices,
  // dates and counts of ordinary text cost nothing more.
  void AtDigitRun(std::size_t r) {
    ForEachNumberStart(text, r, [this](std::size_t p) {
      AddDigitRef(text, p, inventory, &markers, &numbers, LinksEndAt(p), id_candidates);
      return false;
    });
  }
};

std::vector<MeetingRef> Matcher::Find(std::string_view text, const Inventory* inventory,
                                      const FindOptions& options) const {
  StatsScope counting(options.stats);
  auto stop = [&options] {
    if (options.stats != nullptr) options.stats->cancelled = true;
    return std::vector<MeetingRef>();
  };
  Scan scan{text, inventory, options.id_candidates, {}, {}, matchers_internal::MarkerIndex(text)};
  const TriggerPass pass = ForEachTrigger(
      text, options.cancel,
      [&scan](std::size_t i) {
        scan.AtZ(i);
        return false;
      },
      [&scan](std::size_t r) {
        scan.AtDigitRun(r);
        return false;
      });
  if (pass == TriggerPass::kCancelled) return stop();
  std::vector<MeetingRef> out;
  if (!Combine(text, std::move(scan.links), std::move(scan.numbers), options.cancel,
               options.passcode_digest, options.context_threads, &out))
    return stop();
  return out;
}

bool Matcher::MayFind(std::string_view text) const {
  return ForEachTrigger(
             text, nullptr, [text](std::size_t i) { return IsZoomTriggerAt(text, i); },
             [text](std::size_t r) {
               return ForEachNumberStart(text, r, [text](std::size_t p) {
                 return matchers_internal::ParseIdDigits(text, p).has_value();
               });
             }) == TriggerPass::kStopped;
}

std::vector<MeetingRef> Matcher::FindSlow(std::string_view text, const Inventory* inventory) const {
  StatsScope not_counted(nullptr);
  std::vector<MeetingRef> links, numbers, out;
  matchers_internal::FindLinkRefs(DecodeRange(text, 0, text.size()), &links);
  matchers_internal::MarkerIndex markers(text);
  for (std::size_t p = 0; p < text.size(); ++p)
    if (ascii::IsDigit(text[p])) AddDigitRef(text, p, inventory, &markers, &numbers);
  Combine(text, std::move(links), std::move(numbers), nullptr, nullptr, 1, &out);
  return out;
}

bool Matcher::IsMeetingUrl(std::string_view url) const {
  // The host libcurl would connect to decides; the hand split below is for
  // what libcurl does not parse (a scheme-less "zoom.us/j/…").
  if (Result<Url> parsed = Url::Parse(url); parsed.ok()) {
    if (IsZoomHost(parsed->lookup_host())) return true;
  } else {
    std::string_view rest = url;
    std::size_t scheme = rest.find("://");
    if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (IsZoomHost(authority.substr(0, authority.find(':')))) return true;
  }
  return !Find(url).empty();
}

namespace {

// `host` with %XX escapes decoded, as libcurl decodes a URL's host.
std::string PercentDecodedHost(std::string_view host) {
  std::string out;
  out.reserve(host.size());
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (host[i] == '%' && i + 2 < host.size() && ascii::HexValue(host[i + 1]) >= 0 &&
        ascii::HexValue(host[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(ascii::HexValue(host[i + 1]) * 16 + ascii::HexValue(host[i + 2])));
      i += 2;
    } else {
      out.push_back(host[i]);
    }
  }
  return out;
}

}  // namespace

bool IsZoomHost(std::string_view host) {
  const std::string h = LookupHost(PercentDecodedHost(host));
  static constexpr std::array<std::string_view, 4> kBases{"zoom.us", "zoom.com", "zoomgov.com",
                                                          "zoom.com.cn"};
  for (std::string_view base : kBases) {
    if (h == base) return true;
    // Any name under a Zoom domain, whatever its labels hold: libcurl
    // connects to "x_y.zoom.us" and a resolver may answer for it.
    if (h.size() > base.size() && h.ends_with(base) && h[h.size() - base.size() - 1] == '.')
      return true;
  }
  return false;
}

}  // namespace meetleak
