// Matcher: the pre-filtered scan (Find) and the plain one (FindSlow). Both
// use the same decoding, patterns and digit grammar; they differ only in
// where those run — around trigger positions, or over everything.
#include "matchers/matcher.h"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "matchers/internal.h"
#include "matchers/inventory.h"

namespace meetleak {

using matchers_internal::Decoded;
using matchers_internal::DecodeRange;
using matchers_internal::DigitRun;

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsZoomAt(std::string_view t, std::size_t i) {
  return i + 4 <= t.size() && (t[i + 1] | 0x20) == 'o' && (t[i + 2] | 0x20) == 'o' &&
         (t[i + 3] | 0x20) == 'm';
}

// Position of the next digit or 'z'/'Z' at or after i (t.size() if none).
std::size_t NextInteresting(std::string_view t, std::size_t i) {
  const char* p = t.data();
  std::size_t n = t.size();
#if defined(__SSE2__)
  const __m128i zero_char = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i lower_bit = _mm_set1_epi8(0x20);
  const __m128i z = _mm_set1_epi8('z');
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i d = _mm_sub_epi8(v, zero_char);
    __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
    __m128i is_z = _mm_cmpeq_epi8(_mm_or_si128(v, lower_bit), z);
    int mask = _mm_movemask_epi8(_mm_or_si128(is_digit, is_z));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  for (; i < n; ++i)
    if (IsDigit(p[i]) || (p[i] | 0x20) == 'z') return i;
  return n;
}

void AddDigitRef(std::string_view text, std::size_t p, const Inventory* inventory,
                 std::vector<MeetingRef>* out) {
  std::optional<DigitRun> run = matchers_internal::ParseIdDigits(text, p);
  if (!run) return;
  std::optional<MeetingRef> ref = matchers_internal::ClassifyDigits(text, *run, inventory);
  if (ref) out->push_back(std::move(*ref));
}

// Link references win over the numbers inside them; the result is ordered
// by offset and every reference gets its redacted context.
std::vector<MeetingRef> Combine(std::string_view text, std::vector<MeetingRef> links,
                                std::vector<MeetingRef> numbers) {
  std::sort(links.begin(), links.end(),
            [](const MeetingRef& a, const MeetingRef& b) { return a.offset < b.offset; });
  std::vector<MeetingRef> out = std::move(links);
  std::size_t link_count = out.size();
  for (MeetingRef& ref : numbers) {
    auto it = std::upper_bound(out.begin(), out.begin() + static_cast<long>(link_count), ref.offset,
                               [](std::size_t off, const MeetingRef& l) { return off < l.offset; });
    bool inside = false;
    for (auto k = out.begin(); k != it && !inside; ++k)
      inside = ref.offset + ref.length <= k->offset + k->length;
    if (!inside) out.push_back(std::move(ref));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const MeetingRef& a, const MeetingRef& b) { return a.offset < b.offset; });
  for (MeetingRef& ref : out)
    ref.context = matchers_internal::MakeContext(text, ref.offset, ref.length);
  return out;
}

}  // namespace

struct Matcher::Impl {};

Matcher::Matcher() : impl_(std::make_unique<Impl>()) {
  // Compile every pattern now rather than on the first page.
  (void)Find("zoom.us/j/123456789 Meeting ID: 123 456 789 pwd=x");
}

Matcher::~Matcher() = default;

std::vector<MeetingRef> Matcher::Find(std::string_view text, const Inventory* inventory) const {
  std::vector<MeetingRef> links, numbers;
  std::size_t window_end = 0;  // link windows already scanned end here
  std::size_t i = NextInteresting(text, 0);
  while (i < text.size()) {
    if (!IsDigit(text[i])) {  // 'z' or 'Z'
      if (IsZoomAt(text, i) && i >= window_end) {
        auto [b, e] = matchers_internal::SegmentAround(text, i);
        matchers_internal::FindLinkRefs(DecodeRange(text, b, e), &links);
        window_end = e;
      }
      i = NextInteresting(text, i + 1);
      continue;
    }
    std::size_t run_end = i;
    while (run_end < text.size() && IsDigit(text[run_end])) ++run_end;
    // A number starts at a run's first digit, or just after an escape that
    // ends in digits ("%20855 1234 5678").
    for (std::size_t p = i; p < run_end && p <= i + 2; ++p)
      if (run_end - p >= 3 && (p == i || matchers_internal::EscapeEndsAt(text, p)))
        AddDigitRef(text, p, inventory, &numbers);
    i = NextInteresting(text, run_end);
  }
  return Combine(text, std::move(links), std::move(numbers));
}

std::vector<MeetingRef> Matcher::FindSlow(std::string_view text, const Inventory* inventory) const {
  std::vector<MeetingRef> links, numbers;
  matchers_internal::FindLinkRefs(DecodeRange(text, 0, text.size()), &links);
  for (std::size_t p = 0; p < text.size(); ++p)
    if (IsDigit(text[p])) AddDigitRef(text, p, inventory, &numbers);
  return Combine(text, std::move(links), std::move(numbers));
}

bool Matcher::IsMeetingUrl(std::string_view url) const {
  std::string_view rest = url;
  std::size_t scheme = rest.find("://");
  if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority.substr(0, authority.find(':'));
  if (IsZoomHost(host)) return true;
  return !Find(url).empty();
}

bool IsZoomHost(std::string_view host) {
  std::string h = matchers_internal::LowerAscii(host);
  if (!h.empty() && h.back() == '.') h.pop_back();
  static constexpr std::array<std::string_view, 4> kBases{"zoom.us", "zoom.com", "zoomgov.com",
                                                          "zoom.com.cn"};
  for (std::string_view base : kBases) {
    if (h == base) return true;
    if (h.size() <= base.size() + 1 || !h.ends_with(base) || h[h.size() - base.size() - 1] != '.')
      continue;
    std::string_view labels(h.data(), h.size() - base.size() - 1);
    bool ok = true;
    char prev = '.';
    for (char c : labels) {
      bool label_char = matchers_internal::IsAsciiAlnum(static_cast<unsigned char>(c)) || c == '-';
      if (!(label_char || (c == '.' && prev != '.'))) ok = false;
      prev = c;
    }
    if (ok && labels.front() != '.' && labels.back() != '.') return true;
  }
  return false;
}

}  // namespace meetleak
