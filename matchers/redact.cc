// Secrets out of every string that leaves the program. Secrets are found in
// the decoded text (so pwd%3D…, &amp;pwd=… and \u0026pwd=… are all seen) and
// replaced in the raw text through the decoder's offset map.
#include <re2/re2.h>

#include <algorithm>

#include "matchers/internal.h"
#include "matchers/matcher.h"

namespace meetleak::matchers_internal {
namespace {

struct SecretPatterns {
  // Each pattern's capturing groups are the secret values.
  RE2 query{R"((?i)(?:^|[^a-z0-9])(?:pwd|zak|tk)=([^&;\s"'<>#]+))"};
  RE2 label{
      "(?i)(?:" + PasscodeLabelPattern() +
      R"()\s*(?:<[^<>]{0,200}>\s*)*(?:[:=]\s*(?:<[^<>]{0,200}>\s*)*([^\s<>"']+)|([0-9][^\s<>"']*)))"};
  // ",,,,*PASSCODE#" and ",,,,,,0#,,PASSCODE#"; a value followed by ',' is
  // the "0#" participant skip, not a passcode.
  RE2 one_tap{R"(#,+(?:0#,+)?\*?([0-9]+)#(?:[^,]|$))"};
  RE2 sip{R"((?i)[0-9]{9,11}\.([0-9]+)@zoomcrc)"};
  RE2 recording{R"((?i)/rec/(?:share|play)/[A-Za-z0-9._\-]{12}([A-Za-z0-9._\-]+))"};
};

const SecretPatterns& Patterns() {
  static const SecretPatterns* patterns = new SecretPatterns();
  return *patterns;
}

void Collect(const Decoded& d, const RE2& pattern, Spans* spans) {
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
      spans->emplace_back(d.Raw(b), d.Raw(b + m[g].size()));
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

std::string Replace(std::string_view raw, std::size_t b, std::size_t e, const Spans& spans) {
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

}  // namespace

Spans SecretSpans(std::string_view raw) {
  Decoded d = DecodeRange(raw, 0, raw.size());
  MaskInvalidUtf8(&d.text);
  Spans spans;
  const SecretPatterns& p = Patterns();
  for (const RE2* pattern : {&p.query, &p.label, &p.one_tap, &p.sip, &p.recording})
    Collect(d, *pattern, &spans);
  std::sort(spans.begin(), spans.end());
  Spans merged;
  for (const auto& span : spans) {
    if (span.first >= span.second) continue;
    if (!merged.empty() && span.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, span.second);
    else
      merged.push_back(span);
  }
  return merged;
}

namespace {
constexpr std::size_t kBefore = 40, kSize = 120, kMax = 240, kMargin = 240;
}  // namespace

std::pair<std::size_t, std::size_t> ContextRegion(std::string_view raw, std::size_t offset,
                                                  std::size_t length) {
  // The snippet ends by offset + kMax - kBefore (or at a secret that
  // crosses it): the rest of a long reference is not needed.
  std::size_t begin = offset > kMargin ? offset - kMargin : 0;
  std::size_t end = std::min(raw.size(), offset + std::min(length, kMax) + kMargin);
  return {begin, end};
}

std::string MakeContext(std::string_view raw, std::size_t offset, std::size_t length,
                        const Spans& spans) {
  std::size_t b = offset > kBefore ? offset - kBefore : 0;
  std::size_t e = std::min(raw.size(), std::max(offset + length + kBefore, b + kSize));
  e = std::min(e, b + kMax);
  for (const auto& [sb, se] : spans) {  // never cut through a secret
    if (sb < b && b < se) b = sb;
    if (sb < e && e < se) e = se;
  }
  while (b < e && IsContinuation(static_cast<unsigned char>(raw[b]))) ++b;
  while (e < raw.size() && e > b && IsContinuation(static_cast<unsigned char>(raw[e]))) --e;
  return Sanitize(Replace(raw, b, e, spans));
}

}  // namespace meetleak::matchers_internal

namespace meetleak {

// One pass decodes each escape in its context. Once a wrapper is redacted,
// the next pass reads what followed it without that context ("-0A" is a line
// break only inside a Proofpoint URL) and may find more of a value. So the
// redaction is the fixpoint: text no further pass changes.
std::string RedactSecrets(std::string_view text) {
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

}  // namespace meetleak
