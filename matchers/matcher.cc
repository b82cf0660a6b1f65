// Matcher: the pre-filtered scan (Find) and the plain one (FindSlow). Both
// use the same decoding, patterns and digit grammar; they differ only in
// where those run — around trigger positions, or over everything.
#include "matchers/matcher.h"

#include <algorithm>
#include <array>
#include <cstdint>
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
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
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
    m.digit |= static_cast<std::uint64_t>(IsDigit(p[k])) << k;
    m.z |= static_cast<std::uint64_t>((p[k] | 0x20) == 'z') << k;
  }
#endif
  return m;
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

// The fast path's state: link windows already scanned end at window_end.
struct Scan {
  std::string_view text;
  const Inventory* inventory;
  std::vector<MeetingRef> links, numbers;
  std::size_t window_end = 0;

  void AtZ(std::size_t i) {
    if (i < window_end || !IsZoomTriggerAt(text, i)) return;
    auto [b, e] = matchers_internal::SegmentAround(text, i);
    matchers_internal::FindLinkRefs(DecodeRange(text, b, e), &links);
    window_end = e;
  }
  // A number starts at a run's first digit, or just after an escape that
  // ends in digits ("%20855 1234 5678"). Its first group has 3 or 9–11
  // digits (ParseIdDigits' first test, here before any call): the prices,
  // dates and counts of ordinary text cost nothing more.
  void AtDigitRun(std::size_t r) {
    std::size_t run_end = r;
    while (run_end < text.size() && IsDigit(text[run_end])) ++run_end;
    for (std::size_t p = r; p < run_end && p <= r + 2; ++p) {
      const std::size_t first = run_end - p;
      if (first != 3 && (first < 9 || first > 11)) continue;
      if (p == r || matchers_internal::EscapeEndsAt(text, p))
        AddDigitRef(text, p, inventory, &numbers);
    }
  }
};

std::vector<MeetingRef> Matcher::Find(std::string_view text, const Inventory* inventory) const {
  Scan scan{text, inventory, {}, {}, 0};
  const char* p = text.data();
  std::size_t n = text.size(), i = 0;
  bool prev_digit = false;
  for (; i + 64 <= n; i += 64) {
    BlockMasks m = Masks64(p + i);
    if ((m.digit | m.z) == 0) {
      prev_digit = false;
      continue;
    }
    std::uint64_t starts = m.digit & ~((m.digit << 1) | static_cast<std::uint64_t>(prev_digit));
    // Runs of three or more digits (the last two bits are settled by the
    // scalar run length in AtDigitRun).
    std::uint64_t three =
        m.digit & ((m.digit >> 1) | (1ull << 63)) & ((m.digit >> 2) | (3ull << 62));
    std::uint64_t hits = (starts & three) | m.z;
    prev_digit = (m.digit >> 63) != 0;
    while (hits != 0) {
      std::size_t at = i + static_cast<std::size_t>(__builtin_ctzll(hits));
      hits &= hits - 1;
      if (IsDigit(p[at]))
        scan.AtDigitRun(at);
      else
        scan.AtZ(at);
    }
  }
  for (; i < n; ++i) {
    if ((p[i] | 0x20) == 'z')
      scan.AtZ(i);
    else if (IsDigit(p[i]) && !prev_digit)
      scan.AtDigitRun(i);
    prev_digit = IsDigit(p[i]);
  }
  return Combine(text, std::move(scan.links), std::move(scan.numbers));
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
