// Internal to matchers/: the pieces Matcher::Find and FindSlow share.
// Nothing outside this folder includes this header.
//
// The one rule that keeps the pre-filtered path equal to the plain one:
// decoding never produces ASCII letters or digits (an escape that would is
// left as written), so every "zoom" a pattern can see is a literal "zoom" in
// the raw text, and every digit is a raw digit. Decoding is local: a window
// that starts and ends at a raw delimiter decodes to exactly the slice of the
// whole text's decoding.
#ifndef MEETLEAK_MATCHERS_INTERNAL_H_
#define MEETLEAK_MATCHERS_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/ascii.h"
#include "matchers/matcher.h"
#include "matchers/meeting_ref.h"

namespace meetleak {

class Inventory;

namespace matchers_internal {

// ---- work counting (matcher.cc) ---------------------------------------------

// The MatchStats of the Find() running on this thread, or null (FindSlow,
// or a Find() that counts nothing). Every decoder call and RE2 search adds
// what it read, so tests can hold Find() to linear work.
MatchStats* CurrentStats();
inline void CountDecoded(std::size_t n) {
  if (MatchStats* s = CurrentStats()) s->bytes_decoded += n;
}
inline void CountSearched(std::size_t n) {
  if (MatchStats* s = CurrentStats()) s->bytes_searched += n;
}

// ---- decode.cc -------------------------------------------------------------

// Decoded text with a map back to the raw text: src[i] is the raw offset of
// the escape (or byte) that produced text[i]; src[text.size()] is the raw end.
struct Decoded {
  std::string text;
  std::vector<std::uint32_t> src;
  std::size_t Raw(std::size_t i) const { return src[i]; }
};

// Decodes raw[begin, end): HTML entities (named, decimal, hex), percent
// escapes, JSON/JS escapes (\/, \uXXXX, \xXX), Unicode spaces (NBSP …) to
// ' ', fullwidth colon to ':', zoom[.]us / zoom dot us obfuscation, and the
// Proofpoint URL Defense v2 u= encoding and v3 wrapper end. Nested escapes
// (%253A, &amp;#x2F;) are decoded up to three levels. `raw` is the whole
// text: obfuscation rules look one byte outside the range.
//
// kKeepAlnumEscapes (what the link and digit grammars see) leaves an escape
// that would give an ASCII letter or digit as written. kAll decodes those
// too and drops the invisible characters editors put inside words (soft
// hyphen, zero-width space and joiners, BOM): what labels and secrets are
// read from ("Passc&#111;de", "Pass&shy;code", "\u0050asscode", "?%70wd=").
enum class DecodeMode { kKeepAlnumEscapes, kAll };
Decoded DecodeRange(std::string_view raw, std::size_t begin, std::size_t end,
                    DecodeMode mode = DecodeMode::kKeepAlnumEscapes);

// A raw delimiter: ASCII whitespace, quotes, backtick, '<', '>'. No escape
// contains one, so decoding never crosses one.
bool IsDelimiter(unsigned char c);
// Length of a spaced obfuscation token (" dot ", " [.] " …) starting at i
// (at its leading space), or 0. Such spaces are not delimiters.
std::size_t SpacedDotAt(std::string_view raw, std::size_t i);
// Same, for a token ending at `end` (exclusive).
std::size_t SpacedDotEndingAt(std::string_view raw, std::size_t end);

// The segment [begin, end) around raw position p bounded by delimiters
// (capped at kMaxLeft / kMaxRight bytes), beginning at `lo` or after.
std::pair<std::size_t, std::size_t> SegmentAround(std::string_view raw, std::size_t p,
                                                  std::size_t lo = 0);
inline constexpr std::size_t kMaxLeft = 8192;
inline constexpr std::size_t kMaxRight = 16384;

// ---- url_refs.cc -----------------------------------------------------------

// Finds URL and app-link references (forms kUrl, kAppLink) in a decoded
// window; offsets and lengths are raw. Contexts are left empty.
void FindLinkRefs(const Decoded& window, std::vector<MeetingRef>* out);

// ---- digit_refs.cc ---------------------------------------------------------

// A whole, Zoom-grouped 9–11 digit number at raw[begin, end).
struct DigitRun {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string digits;
};

// Parses a number starting exactly at raw[p] (a digit): groups of digits
// separated by spaces, dashes, NBSP (raw, &nbsp;, %20, \u00a0 …) or inline
// tags; grouped 3-3-3, 3-3-4, 3-4-4, or 9–11 digits ungrouped; not part of a
// longer number on either side.
std::optional<DigitRun> ParseIdDigits(std::string_view raw, std::size_t p);

// True if an escape (%20, %23, \u00a0, &nbsp; …) ends exactly at raw[p],
// so a number may start at p although raw[p-1] is a digit.
bool EscapeEndsAt(std::string_view raw, std::size_t p);

// Classifies a parsed number by its surroundings: one-tap dial string, SIP
// address, labelled ID ("Meeting ID: …" in many languages), or a bare
// inventory ID. nullopt when it is none of these. `markers`: the text's
// (see MarkerIndex below).
class MarkerIndex;
std::optional<MeetingRef> ClassifyDigits(std::string_view raw, const DigitRun& run,
                                         const Inventory* inventory, MarkerIndex* markers);

// ---- redact.cc -------------------------------------------------------------

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

// One secret value at raw[begin, end); `passcode` for a meeting passcode
// (label value, passcode field, pwd=, one-tap or SIP passcode), false for
// start tokens (zak=, tk=) and recording-token tails.
struct SecretSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool passcode = false;
  // A passcode's field in Zoom's meeting answer (see PasscodeDigest).
  std::string_view field{};
};

// Every secret in `raw`, read after full decoding (DecodeMode::kAll), also
// with tags removed; sorted by begin, possibly overlapping. This one function
// is what redaction and has_passcode both rest on.
std::vector<SecretSpan> FindSecrets(std::string_view raw);

// Raw spans [begin, end) of every secret in `raw` (sorted, disjoint).
Spans SecretSpans(std::string_view raw);

// RedactSecrets without its memo: the text no further redaction pass
// changes. What the matcher's own contexts use (they keep their own memo,
// and a Find() that counts its work counts all of it).
std::string RedactFixpoint(std::string_view text);
// `spans` (sorted by begin) as sorted, disjoint spans.
Spans Merge(std::span<const SecretSpan> spans);

// The raw region whose secrets the context of a reference at
// raw[offset, offset+length) depends on (a margin either side of the
// snippet, whatever the reference's length).
std::pair<std::size_t, std::size_t> ContextRegion(std::string_view raw, std::size_t offset,
                                                  std::size_t length);

// Whether no escape or wrapper marker of `text` reads a digit's value (no
// '&', '%', '\\', and no Proofpoint "/v2/" or "/v3/"): then FindSecrets
// finds the same spans in `text` and in its DigitShape, since the patterns
// tell digits apart only as 0 or not ("[1-9][0-9]*|0[0-9]+").
bool DigitsAreOpaque(std::string_view text);
// `text` with each of the digits 2-9 written as 1.
std::string DigitShape(std::string_view text);

// The digit shapes of texts with opaque digits (DigitsAreOpaque) that a
// full redaction left as they were: a text that differs from one of them
// only in digits 1-9 is known clean (the same invitation with other
// numbers, the next page-0042.html of a list) and costs a look-up.
class CleanShapes {
 public:
  // Whether `text` is known clean. If not, `*shape` is what Learn takes
  // should a full redaction leave `text` unchanged (empty: its digits are
  // not opaque, nothing to learn).
  bool Known(std::string_view text, std::string* shape) const;
  void Learn(std::string shape) {
    if (!shape.empty()) shapes_.insert(std::move(shape));
  }
  std::size_t size() const { return shapes_.size(); }
  void clear() { shapes_.clear(); }

 private:
  std::unordered_set<std::string> shapes_;
};

// What the contexts of one text have learned: contexts already made, by the
// redacted snippet they were made from; and the clean shapes of snippets.
struct ContextMemo {
  std::unordered_map<std::string, std::string> contexts;
  CleanShapes clean_shapes;
};

// The context snippet of a reference at raw[offset, offset+length): about
// 120 bytes, valid UTF-8, one line, secrets redacted. `spans`: the merged
// secrets (Merge) that reach into its ContextRegion, found in a region
// that covers it, read far enough back that a label outside the snippet
// still marks its value; nearby references share one FindSecrets pass.
// `memo` (may be null) keeps the contexts of one text: a snippet seen
// before costs a look-up.
std::string MakeContext(std::string_view raw, std::size_t offset, std::size_t length,
                        std::span<const std::pair<std::size_t, std::size_t>> spans,
                        ContextMemo* memo);

// ---- invitation.cc ---------------------------------------------------------

// Sets has_passcode on the reference each passcode belongs to. `refs` are
// sorted by offset. A passcode belongs to the nearest reference before it
// (within 2 KiB, with no other invitation's ID label or another vendor's
// marker between them), else to the nearest one after it (within 2 KiB,
// with no other vendor's marker between). Each reference's surroundings are
// read at most once, only up to its neighbours: linear work.
class PasscodeOwners {
 public:
  // `digest` (may be null): what each attached passcode becomes in the
  // reference's passcode_digests.
  PasscodeOwners(std::string_view raw, std::vector<MeetingRef>* refs,
                 const PasscodeDigest* digest = nullptr);
  void Attach(const SecretSpan& passcode);

 private:
  void Give(std::size_t k, const SecretSpan& passcode);
  std::size_t BoundaryAfter(std::size_t k);
  std::size_t MarkerBefore(std::size_t k);
  std::string_view raw_;
  std::vector<MeetingRef>* refs_;
  const PasscodeDigest* digest_;
  std::vector<std::size_t> boundary_after_, marker_before_;  // kUnknown until read
};

// Whether the invitation around raw[begin, end) is Zoom's: the nearest
// vendor marker before it (else after it) is Zoom's — a Zoom host or app
// scheme, the word "Zoom", Zoom's invitation wording, one of Zoom's dial-in
// numbers — or there is no vendor marker at all (a Zoom label alone is
// Zoom's wording). `dial_number` is the number of a one-tap string (digits),
// or empty: a known Zoom or other-vendor number decides by itself.
//
// One index serves every number of a text: the markers are found per block
// of the text (decoded once however many numbers stand near it), so a text
// dense in numbers costs a fixed amount per byte, not a window per number.
// Numbers are best asked about in the order of the text (a few recent
// blocks are kept).
class MarkerIndex {
 public:
  explicit MarkerIndex(std::string_view raw);
  bool IsZoomInvitation(std::size_t begin, std::size_t end, std::string_view dial_number);

 private:
  static constexpr std::size_t kBlock = 2048;
  static constexpr std::size_t kBlockMargin = 256;
  static constexpr std::size_t kBlocksKept = 4;
  static constexpr std::size_t kMarkerBefore = 1024;  // vendor markers read before a number
  static constexpr std::size_t kMarkerAfter = 512;    // and after it
  struct Marker {
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  struct Block {
    std::size_t index = 0;
    std::vector<Marker> zoom, other;  // raw spans, in order
  };
  struct Nearest {
    std::size_t before = std::string_view::npos;  // end of the last one before
    std::size_t after = std::string_view::npos;   // start of the first one after
  };
  const Block& BlockAt(std::size_t k);
  Nearest Around(std::vector<Marker> Block::*kind, std::size_t lo, std::size_t at, std::size_t hi);
  std::string_view raw_;
  std::vector<Block> blocks_;
};

// ---- labels.cc -------------------------------------------------------------

// Lower-cased (ASCII, Latin-1, Cyrillic) without spaces, dashes, underscores.
std::string SqueezeLabelText(std::string_view text);
// Zoom's meeting- and webinar-ID labels of every language, squeezed.
const std::vector<std::string>& SqueezedIdLabels();
// Regex text (no flags) of the ID labels / of the passcode labels.
const std::string& IdLabelPattern();
const std::string& PasscodeLabelPattern();
// Regex text of what marks a Zoom invitation / another vendor's.
const std::string& ZoomMarkerPattern();
const std::string& OtherVendorMarkerPattern();
bool IsZoomDialIn(std::string_view digits);
bool IsOtherVendorDialIn(std::string_view digits);
// The languages of the label table ("en", "de", …).
std::vector<std::string_view> LabelLanguages();

}  // namespace matchers_internal
}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_INTERNAL_H_
