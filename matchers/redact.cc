// Secrets out of every string that leaves the program. Secrets are found in
// the decoded text (so pwd%3D…, &amp;pwd=… and \u0026pwd=… are all seen) and
// replaced in the raw text through the decoder's offset map.
#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "matchers/internal.h"
#include "matchers/matcher.h"

namespace meetleak::matchers_internal {
namespace {

// What may stand before a value: quotes, straight or typographic.
constexpr std::string_view kOpenQuote =
    R"((?:["'`]|\x{201C}|\x{201D}|\x{2018}|\x{2019}|\x{00AB}|\x{201E})?)";
// A value runs to whitespace, a tag or a quote.
constexpr std::string_view kValue = R"([^\s<>"'`\x{201C}\x{201D}\x{2018}\x{2019}\x{00BB}]+)";

// The label rule, read on the decoded text and on the same text with its
// tags removed (so "Pass<span>code</span>" and "Passcode:</td><td>…" read
// plainly). Separators: ':' (the fullwidth one is folded), '=', dashes, or
// none — then a value on the next line alone, or a word holding a digit.
std::string LabelRule() {
  return "(?i)(?:" + PasscodeLabelPattern() +
         ")[ \\t]*(?:" + R"((?:[:=]+|(?:-|\x{2013}|\x{2014})+\s)\s*)" + std::string(kOpenQuote) +
         "(" + std::string(kValue) + R"()|[ \t]*\n\s*()" + std::string(kValue) +
         R"()[ \t]*(?:\n|$)|\s*([^\s<>"':=]*[0-9][^\s<>"']*)))";
}

struct SecretPatterns {
  // Each pattern's capturing groups are the secret values.
  // 1: a pwd= value (a passcode); 2: a zak= or tk= value (a start token).
  RE2 query{R"((?i)(?:^|[^a-z0-9])(?:pwd=([^&;\s"'<>#]+)|(?:zak|tk)=([^&;\s"'<>#]+)))"};
  RE2 label{LabelRule()};
  // Passcode fields of JSON, scripts and attributes, in any quoting:
  // "password": "…", passWord: '…', pstn_password, encrypted_password,
  // data-passcode="…", pwd = …. A value ends at '#' as a pwd= query value
  // does (no Zoom passcode holds one): were the two rules to disagree, each
  // pass of RedactSecrets would reach one group further ("pwd=a#,,,9#…").
  RE2 field{
      R"((?i)(?:password|passcode|passwd|pwd)["'`]?\s*(?:[:=]>?)\s*["'`]?([^"'`\s,;#}\]\[{()<>&\\]+))"};
  // ",,,,*PASSCODE#" and ",,,,,,0#,,PASSCODE#", whatever follows (another
  // one-tap may: "#,,,,*246810#,+1929…"); a lone "0#" is the participant
  // skip, not a passcode.
  // In one pass: 1, 2: the one-tap passcode; 3: the SIP passcode
  // ("855….PASSCODE@zoomcrc"); 4: a recording token's tail (no passcode).
  RE2 dial_and_recording{R"(#,+(?:0#,+)?(?:\*([0-9]+)|([1-9][0-9]*|0[0-9]+))#|)"
                         R"((?i:[0-9]{9,11}\.([0-9]+)@zoomcrc)|)"
                         R"((?i:/rec/(?:share|play)/[A-Za-z0-9._\-]{12}([A-Za-z0-9._\-]+)))"};
};

const SecretPatterns& Patterns() {
  static const SecretPatterns* patterns = new SecretPatterns();
  return *patterns;
}

// Bit g-1 of `passcode_groups` set: capturing group g is a passcode.
// A passcode's span carries `field` (SecretSpan::field).
void Collect(const Decoded& d, const RE2& pattern, unsigned passcode_groups, std::string_view field,
             std::vector<SecretSpan>* spans) {
  int groups = pattern.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> m(static_cast<std::size_t>(groups) + 1);
  re2::StringPiece text(d.text);
  std::size_t pos = 0;
  while (pos <= d.text.size()) {
    if (!pattern.Match(text, pos, d.text.size(), RE2::UNANCHORED, m.data(), groups + 1)) {
      CountSearched(d.text.size() - pos);
      break;
    }
    std::size_t end = static_cast<std::size_t>(m[0].data() - d.text.data()) + m[0].size();
    CountSearched(end > pos ? end - pos : 1);
    for (int g = 1; g <= groups; ++g) {
      if (m[g].data() == nullptr || m[g].empty()) continue;
      std::size_t b = static_cast<std::size_t>(m[g].data() - d.text.data());
      const bool passcode = ((passcode_groups >> (g - 1)) & 1) != 0;
      spans->push_back(
          {d.Raw(b), d.Raw(b + m[g].size()), passcode, passcode ? field : std::string_view()});
    }
    pos = end > pos ? end : pos + 1;
  }
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence at s[i], or 0.
std::size_t Utf8Length(std::string_view s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80                   ? 1
                  : (c >= 0xC2 && c <= 0xDF) ? 2
                  : (c >= 0xE0 && c <= 0xEF) ? 3
                  : (c >= 0xF0 && c <= 0xF4) ? 4
                                             : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if (!IsContinuation(static_cast<unsigned char>(s[i + k]))) return 0;
  return n;
}

// One line of valid UTF-8: controls and whitespace runs become one space,
// invalid bytes '?'.
std::string Sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F || c == ' ') {
      space = !out.empty();
      ++i;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    std::size_t n = Utf8Length(s, i);
    if (n == 0) {
      out.push_back('?');
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string Replace(std::string_view raw, std::size_t b, std::size_t e,
                    std::span<const std::pair<std::size_t, std::size_t>> spans) {
  std::string out;
  std::size_t k = b;
  for (const auto& [sb, se] : spans) {
    if (se <= k || sb >= e) continue;
    out.append(raw.substr(k, sb > k ? sb - k : 0));
    out.append(kRedacted);
    k = std::max(k, se);
  }
  if (k < e) out.append(raw.substr(k, e - k));
  return out;
}

// RE2 matches no byte of invalid UTF-8, so a secret value would stop at one
// that an escape decoded to ("-84" in a Proofpoint URL), and a second pass,
// which no longer sees the wrapper, would read the rest as the value. Such
// bytes stand as one opaque non-space byte: same length, same offset map.
void MaskInvalidUtf8(std::string* text) {
  for (std::size_t i = 0; i < text->size();) {
    std::size_t n = Utf8Length(*text, i);
    if (n == 0) {
      (*text)[i++] = '\x1A';
    } else {
      i += n;
    }
  }
}

bool IsInlineTag(std::string_view name) {
  static constexpr std::string_view kInline[] = {"span", "b",    "strong", "i",    "em",    "u",
                                                 "a",    "font", "mark",   "code", "small", "big",
                                                 "wbr",  "sup",  "sub",    "abbr", "label", "s"};
  for (std::string_view t : kInline)
    if (name == t) return true;
  return false;
}

// `d` with its tags removed: an inline tag (span, b, a …) by nothing, any
// other (td, br, p …) by a line break. Offsets still map to the raw text.
Decoded WithoutTags(const Decoded& d) {
  Decoded out;
  out.text.reserve(d.text.size());
  out.src.reserve(d.src.size());
  const std::string& t = d.text;
  for (std::size_t i = 0; i < t.size();) {
    if (t[i] == '<' && i + 1 < t.size() &&
        (ascii::IsAlnum(t[i + 1]) || t[i + 1] == '/' || t[i + 1] == '!')) {
      std::size_t gt = t.find_first_of("<>", i + 1);
      if (gt != std::string::npos && t[gt] == '>' && gt - i <= 2000) {
        std::size_t n = i + 1 + (t[i + 1] == '/');
        std::size_t name_end = n;
        while (name_end < gt && ascii::IsAlnum(t[name_end])) ++name_end;
        if (!IsInlineTag(ascii::Lower(std::string_view(t).substr(n, name_end - n)))) {
          out.text.push_back('\n');
          out.src.push_back(d.src[i]);
        }
        i = gt + 1;
        continue;
      }
    }
    out.text.push_back(t[i]);
    out.src.push_back(d.src[i]);
    ++i;
  }
  out.src.push_back(d.src.back());
  return out;
}

// kMargin: how far from a reference a label may stand whose value the
// snippet would show ("Passcode:" and 2 KiB of markup before the value).
constexpr std::size_t kBefore = 40, kSize = 120, kMax = 240, kMargin = 2048;
// Snippets a ContextMemo holds before it starts over (each at most ~300 bytes
// and its context).
constexpr std::size_t kMemoEntries = 4096;

// The context of `snippet` (its spans already replaced): redacted alone
// and sanitized. The redaction is a function of the snippet's text — a
// text repeating one invitation pays for it once — and, when its digits
// are opaque, of its DigitShape as far as whether it changes anything: a
// snippet whose shape a full redaction left unchanged is left unchanged.
std::string RedactedContext(std::string snippet, ContextMemo* memo) {
  if (auto it = memo->contexts.find(snippet); it != memo->contexts.end()) return it->second;
  std::string shape;
  if (memo->clean_shapes.Known(snippet, &shape)) return Sanitize(snippet);
  if (memo->contexts.size() + memo->clean_shapes.size() >= kMemoEntries) {
    memo->contexts.clear();
    memo->clean_shapes.clear();
  }
  std::string redacted = RedactFixpoint(snippet);
  if (redacted == snippet) {
    memo->clean_shapes.Learn(std::move(shape));
    return Sanitize(snippet);
  }
  std::string context = Sanitize(redacted);
  memo->contexts.emplace(std::move(snippet), context);
  return context;
}

}  // namespace

Spans Merge(std::span<const SecretSpan> spans) {
  Spans merged;
  for (const SecretSpan& span : spans) {
    if (span.begin >= span.end) continue;
    if (!merged.empty() && span.begin <= merged.back().second)
      merged.back().second = std::max(merged.back().second, span.end);
    else
      merged.emplace_back(span.begin, span.end);
  }
  return merged;
}

std::vector<SecretSpan> FindSecrets(std::string_view raw) {
  Decoded d = DecodeRange(raw, 0, raw.size(), DecodeMode::kAll);
  MaskInvalidUtf8(&d.text);
  Decoded plain = WithoutTags(d);
  std::vector<SecretSpan> spans;
  const SecretPatterns& p = Patterns();
  constexpr unsigned kAll = ~0u;
  Collect(d, p.query, /*passcode_groups=*/0b01, "encrypted_password", &spans);
  Collect(d, p.dial_and_recording, /*passcode_groups=*/0b0111, "pstn_password", &spans);
  Collect(d, p.label, kAll, "password", &spans);
  Collect(d, p.field, kAll, "password", &spans);
  Collect(plain, p.label, kAll, "password", &spans);
  // Stable: of two rules finding one value, the first collected names its
  // field (a pwd= value is the field rule's "pwd=" too, but an encrypted one).
  std::stable_sort(spans.begin(), spans.end(), [](const SecretSpan& a, const SecretSpan& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  spans.erase(std::unique(spans.begin(), spans.end(),
                          [](const SecretSpan& a, const SecretSpan& b) {
                            return a.begin == b.begin && a.end == b.end && a.passcode == b.passcode;
                          }),
              spans.end());
  return spans;
}

Spans SecretSpans(std::string_view raw) {
  const std::vector<SecretSpan> spans = FindSecrets(raw);
  return Merge(spans);
}

std::pair<std::size_t, std::size_t> ContextRegion(std::string_view raw, std::size_t offset,
                                                  std::size_t length) {
  // The snippet ends by offset + kMax - kBefore (or at a secret that
  // crosses it): the rest of a long reference is not needed.
  std::size_t begin = offset > kMargin ? offset - kMargin : 0;
  std::size_t end = std::min(raw.size(), offset + std::min(length, kMax) + kMargin);
  return {begin, end};
}

std::string MakeContext(std::string_view raw, std::size_t offset, std::size_t length,
                        std::span<const std::pair<std::size_t, std::size_t>> spans,
                        ContextMemo* memo) {
  std::size_t b = offset > kBefore ? offset - kBefore : 0;
  std::size_t e = std::min(raw.size(), std::max(offset + length + kBefore, b + kSize));
  e = std::min(e, b + kMax);
  for (const auto& [sb, se] : spans) {  // never cut through a secret
    if (sb < b && b < se) b = sb;
    if (sb < e && e < se) e = se;
  }
  while (b < e && IsContinuation(static_cast<unsigned char>(raw[b]))) ++b;
  while (e < raw.size() && e > b && IsContinuation(static_cast<unsigned char>(raw[e]))) --e;
  // The snippet alone is redacted once more: what it holds is redacted
  // whether or not the spans of its surroundings saw it.
  std::string snippet = Replace(raw, b, e, spans);
  return memo != nullptr ? RedactedContext(std::move(snippet), memo)
                         : Sanitize(RedactFixpoint(snippet));
}

bool DigitsAreOpaque(std::string_view text) {
  if (text.find_first_of("&%\\") != std::string_view::npos) return false;
  for (std::size_t v = text.find('/'); v != std::string_view::npos; v = text.find('/', v + 1))
    if (v + 2 < text.size() && (text[v + 1] | 0x20) == 'v' && ascii::IsDigit(text[v + 2]))
      return false;
  return true;
}

std::string DigitShape(std::string_view text) {
  std::string shape(text);
  for (char& c : shape)
    if (c >= '2' && c <= '9') c = '1';
  return shape;
}

bool CleanShapes::Known(std::string_view text, std::string* shape) const {
  shape->clear();
  if (!DigitsAreOpaque(text)) return false;
  *shape = DigitShape(text);
  return shapes_.contains(*shape);
}

}  // namespace meetleak::matchers_internal

namespace meetleak {

// One pass decodes each escape in its context. Once a wrapper is redacted,
// the next pass reads what followed it without that context ("-0A" is a line
// break only inside a Proofpoint URL) and may find more of a value. So the
// redaction is the fixpoint: text no further pass changes.
namespace matchers_internal {

std::string RedactFixpoint(std::string_view text) {
  constexpr int kMaxPasses = 8;  // each pass that changes the text removes a wrapper's worth
  std::string out(text);
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    auto spans = matchers_internal::SecretSpans(out);
    if (spans.empty()) return out;
    std::string next = matchers_internal::Replace(out, 0, out.size(), spans);
    if (next == out) return out;
    out = std::move(next);
  }
  return out;
}

}  // namespace matchers_internal

namespace {

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

// A pass names each URL many times — as configured, as a target, as the
// key of its fetch state, of its watch list, of its sighting — and each is
// redacted where it is used. The redaction is a function of the text, so
// each thread keeps the short texts it redacted: one URL costs one
// redaction per thread, not one per use. Bounded: texts up to 1 KiB, and
// the memo starts over past 4 MiB of them (some 20,000 URLs).
std::string RedactSecrets(std::string_view text) {
  constexpr std::size_t kMemoTextBytes = 1024, kMemoBytes = std::size_t{4} << 20;
  if (text.size() > kMemoTextBytes) return matchers_internal::RedactFixpoint(text);
  thread_local std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> memo;
  thread_local matchers_internal::CleanShapes clean_shapes;
  thread_local std::size_t memo_bytes = 0;
  if (auto hit = memo.find(text); hit != memo.end()) return hit->second;
  std::string shape;
  if (clean_shapes.Known(text, &shape)) return std::string(text);
  std::string clean = matchers_internal::RedactFixpoint(text);
  if (memo_bytes > kMemoBytes) {
    memo.clear();
    clean_shapes.clear();
    memo_bytes = 0;
  }
  memo_bytes += 2 * text.size() + 64;  // both strings and the node
  if (clean == text) {
    memo_bytes += text.size() + 32;
    clean_shapes.Learn(std::move(shape));
  }
  memo.emplace(std::string(text), clean);
  return clean;
}

}  // namespace meetleak
