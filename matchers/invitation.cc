// What belongs to one invitation: whose passcode a passcode is, and whose
// invitation (Zoom's or another vendor's) a labelled ID or dial string is.
#include <re2/re2.h>
#include <string.h>  // explicit_bzero

#include <algorithm>

#include "matchers/internal.h"

namespace meetleak::matchers_internal {
namespace {

constexpr std::size_t kInvitationReach = 2048;  // bytes between a reference and its passcode

struct InvitationPatterns {
  // Another invitation starts here: a passcode after it is not ours.
  RE2 boundary{"(?i)(?:" + IdLabelPattern() + ")|" + OtherVendorMarkerPattern().substr(4)};
  // (OtherVendorMarkerPattern starts with its "(?i)" flag.)
  RE2 zoom{ZoomMarkerPattern()};
  RE2 other{OtherVendorMarkerPattern()};
};

const InvitationPatterns& Patterns() {
  static const InvitationPatterns* patterns = new InvitationPatterns();
  return *patterns;
}

// The position (decoded) of the last match of `pattern` in text[0, limit)
// and of the first one in text[limit, end); npos when none.
std::pair<std::size_t, std::size_t> Nearest(const RE2& pattern, const std::string& text,
                                            std::size_t limit) {
  std::size_t before = std::string::npos, after = std::string::npos;
  re2::StringPiece input(text), m;
  std::size_t pos = 0;
  while (pos < text.size() && pattern.Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    std::size_t at = static_cast<std::size_t>(m.data() - text.data());
    if (at < limit) {
      before = at + m.size();
    } else {
      after = at;
      break;
    }
    pos = at + std::max<std::size_t>(m.size(), 1);
  }
  return {before, after};
}

}  // namespace

constexpr std::size_t kUnknown = std::string_view::npos - 1;

PasscodeOwners::PasscodeOwners(std::string_view raw, std::vector<MeetingRef>* refs,
                               const PasscodeDigest* digest)
    : raw_(raw),
      refs_(refs),
      digest_(digest),
      boundary_after_(refs->size(), kUnknown),
      marker_before_(refs->size(), kUnknown) {}

// The raw position of the first other invitation's start (an ID label or
// another vendor's marker) after reference k, read up to the next reference
// or 2 KiB; npos when none.
std::size_t PasscodeOwners::BoundaryAfter(std::size_t k) {
  if (boundary_after_[k] != kUnknown) return boundary_after_[k];
  const std::vector<MeetingRef>& r = *refs_;
  const std::size_t b = r[k].offset + r[k].length;
  std::size_t e = std::min(raw_.size(), b + kInvitationReach);
  if (k + 1 < r.size()) e = std::min(e, std::max(b, r[k + 1].offset));
  std::size_t found = std::string_view::npos;
  if (e > b) {
    Decoded d = DecodeRange(raw_, b, e, DecodeMode::kAll);
    CountSearched(d.text.size());
    re2::StringPiece input(d.text), m;
    if (Patterns().boundary.Match(input, 0, input.size(), RE2::UNANCHORED, &m, 1))
      found = d.Raw(static_cast<std::size_t>(m.data() - d.text.data()));
  }
  return boundary_after_[k] = found;
}

// The raw end of the last other vendor's marker before reference k, read
// back to the previous reference or 2 KiB; npos when none.
std::size_t PasscodeOwners::MarkerBefore(std::size_t k) {
  if (marker_before_[k] != kUnknown) return marker_before_[k];
  const std::vector<MeetingRef>& r = *refs_;
  const std::size_t e = r[k].offset;
  std::size_t b = e > kInvitationReach ? e - kInvitationReach : 0;
  if (k > 0) b = std::max(b, std::min(e, r[k - 1].offset + r[k - 1].length));
  std::size_t found = std::string_view::npos;
  if (e > b) {
    Decoded d = DecodeRange(raw_, b, e, DecodeMode::kAll);
    CountSearched(d.text.size());
    auto [before, after] = Nearest(Patterns().other, d.text, d.text.size());
    (void)after;
    if (before != std::string::npos) found = d.Raw(before);
  }
  return marker_before_[k] = found;
}

void PasscodeOwners::Attach(const SecretSpan& s) {
  std::vector<MeetingRef>& r = *refs_;
  // refs are sorted by offset: the last one starting before the passcode.
  auto it =
      std::upper_bound(r.begin(), r.end(), s.begin,
                       [](std::size_t off, const MeetingRef& ref) { return off < ref.offset; });
  if (it != r.begin()) {
    const std::size_t k = static_cast<std::size_t>(it - r.begin()) - 1;
    const std::size_t r_end = r[k].offset + r[k].length;
    if (s.begin < r_end) {  // inside the reference (its own pwd=)
      Give(k, s);
      return;
    }
    if (s.begin - r_end <= kInvitationReach) {
      std::size_t boundary = BoundaryAfter(k);
      if (boundary == std::string_view::npos || s.begin < boundary) {
        Give(k, s);
        return;
      }
    }
  }
  // Else the reference after it: only another vendor's marker separates
  // them (the reference's own ID label stands between).
  if (it != r.end() && it->offset >= s.end && it->offset - s.end <= kInvitationReach) {
    const std::size_t k = static_cast<std::size_t>(it - r.begin());
    std::size_t marker = MarkerBefore(k);
    if (marker == std::string_view::npos || marker <= s.begin) Give(k, s);
  }
}

// Reference k has the passcode at raw[s.begin, s.end): its digest, once.
void PasscodeOwners::Give(std::size_t k, const SecretSpan& s) {
  MeetingRef& ref = (*refs_)[k];
  ref.has_passcode = true;
  if (digest_ == nullptr || !*digest_) return;
  Decoded value = DecodeRange(raw_, s.begin, s.end, DecodeMode::kAll);
  std::string d = (*digest_)(s.field, value.text);
  explicit_bzero(value.text.data(), value.text.size());  // no copy of it stays behind
  if (std::find(ref.passcode_digests.begin(), ref.passcode_digests.end(), d) ==
      ref.passcode_digests.end())
    ref.passcode_digests.push_back(std::move(d));
}

MarkerIndex::MarkerIndex(std::string_view raw) : raw_(raw) {}

// Block k's markers: those starting in raw[k * kBlock, (k + 1) * kBlock),
// found in a decoding of the block with kBlockMargin bytes either side (no
// marker is longer), so a block's answer depends on the text alone.
const MarkerIndex::Block& MarkerIndex::BlockAt(std::size_t k) {
  for (const Block& block : blocks_)
    if (block.index == k) return block;
  Block block;
  block.index = k;
  const std::size_t start = k * kBlock, stop = std::min(raw_.size(), start + kBlock);
  const std::size_t b = start > kBlockMargin ? start - kBlockMargin : 0;
  const std::size_t e = std::min(raw_.size(), stop + kBlockMargin);
  const Decoded d = DecodeRange(raw_, b, e, DecodeMode::kAll);
  for (auto [pattern, out] :
       {std::pair{&Patterns().zoom, &block.zoom}, std::pair{&Patterns().other, &block.other}}) {
    CountSearched(d.text.size());
    re2::StringPiece input(d.text), m;
    std::size_t pos = 0;
    while (pos < d.text.size() &&
           pattern->Match(input, pos, d.text.size(), RE2::UNANCHORED, &m, 1)) {
      const std::size_t at = static_cast<std::size_t>(m.data() - d.text.data());
      const std::size_t raw_at = d.Raw(at);
      if (raw_at >= stop) break;
      if (raw_at >= start) out->push_back({raw_at, d.Raw(at + m.size())});
      pos = at + std::max<std::size_t>(m.size(), 1);
    }
  }
  // Numbers are classified in the order of the text: the oldest block goes.
  if (blocks_.size() == kBlocksKept)
    blocks_.erase(
        std::min_element(blocks_.begin(), blocks_.end(),
                         [](const Block& x, const Block& y) { return x.index < y.index; }));
  blocks_.push_back(std::move(block));
  return blocks_.back();
}

// The markers of one kind in raw[lo, hi): the end of the last one starting
// before `at`, and the start of the first one starting at or after it.
MarkerIndex::Nearest MarkerIndex::Around(std::vector<Marker> Block::*kind, std::size_t lo,
                                         std::size_t at, std::size_t hi) {
  Nearest n;
  for (std::size_t k = lo / kBlock; k * kBlock < hi; ++k) {
    for (const Marker& marker : BlockAt(k).*kind) {
      if (marker.begin < lo) continue;
      if (marker.begin >= hi) break;
      if (marker.begin < at) {
        n.before = marker.end;
      } else if (n.after == std::string_view::npos) {
        n.after = marker.begin;
      }
    }
  }
  return n;
}

bool MarkerIndex::IsZoomInvitation(std::size_t begin, std::size_t end,
                                   std::string_view dial_number) {
  if (!dial_number.empty()) {
    if (IsZoomDialIn(dial_number)) return true;
    if (IsOtherVendorDialIn(dial_number)) return false;
  }
  const std::size_t lo = begin > kMarkerBefore ? begin - kMarkerBefore : 0;
  const std::size_t hi = std::min(raw_.size(), end + kMarkerAfter);
  const Nearest zoom = Around(&Block::zoom, lo, begin, hi);
  const Nearest other = Around(&Block::other, lo, begin, hi);
  constexpr std::size_t kNone = std::string_view::npos;
  if (zoom.before != kNone || other.before != kNone) {
    if (other.before == kNone) return true;
    if (zoom.before == kNone) return false;
    return zoom.before > other.before;
  }
  if (other.after == kNone) return true;
  if (zoom.after == kNone) return false;
  return zoom.after < other.after;
}

}  // namespace meetleak::matchers_internal
