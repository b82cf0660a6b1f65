// libFuzzer target: the pre-filtered Find() must give exactly what FindSlow()
// gives, the pre-filter alone (MayFind) must pass every text in which either
// finds something, offsets must lie in the input, contexts must be valid UTF-8 without
// newlines, redacting twice must change nothing, and a text whose digits no
// escape reads holds the same secrets as its DigitShape (what lets contexts
// that differ only in digits share one redaction, internal.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "matchers/internal.h"
#include "matchers/inventory.h"
#include "matchers/matcher.h"

namespace {

bool ValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

bool Same(const meetleak::MeetingRef& a, const meetleak::MeetingRef& b) {
  return a.offset == b.offset && a.length == b.length && a.form == b.form &&
         a.link_type == b.link_type && a.host == b.host && a.key_kind == b.key_kind &&
         a.key == b.key && a.has_passcode == b.has_passcode &&
         a.has_start_token == b.has_start_token && a.context == b.context;
}

// The secrets of `text` and of its DigitShape, where that rule applies, lie
// at the same places.
bool SameSecretsAsDigitShape(std::string_view text) {
  using meetleak::matchers_internal::SecretSpan;
  if (!meetleak::matchers_internal::DigitsAreOpaque(text)) return true;
  const std::vector<SecretSpan> a = meetleak::matchers_internal::FindSecrets(text);
  const std::vector<SecretSpan> b =
      meetleak::matchers_internal::FindSecrets(meetleak::matchers_internal::DigitShape(text));
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const SecretSpan& x, const SecretSpan& y) {
                      return x.begin == y.begin && x.end == y.end && x.passcode == y.passcode;
                    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meetleak;
  static const Matcher* matcher = new Matcher();
  static const Inventory* inventory = new Inventory(
      Inventory::FromRows({{"85512345678", "ana@acme.example", "", MeetingKind::kRecurring},
                           {"123456789", "bo@acme.example", "", MeetingKind::kScheduled}},
                          {{"ana", "ana@acme.example"}}));
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const Inventory* inv = (size % 2) ? inventory : nullptr;
  std::vector<MeetingRef> fast = matcher->Find(text, inv);
  std::vector<MeetingRef> slow = matcher->FindSlow(text, inv);
  if (fast.size() != slow.size()) std::abort();
  if (!fast.empty() && !matcher->MayFind(text)) std::abort();
  for (std::size_t k = 0; k < fast.size(); ++k) {
    const MeetingRef& r = fast[k];
    if (!Same(r, slow[k])) std::abort();
    if (r.offset + r.length > size || r.key.empty()) std::abort();
    if (!ValidUtf8(r.context) || r.context.find('\n') != std::string::npos) std::abort();
    if (k > 0 && fast[k - 1].offset > r.offset) std::abort();
  }
  std::string once = RedactSecrets(text);
  if (RedactSecrets(once) != once) std::abort();
  if (!SameSecretsAsDigitShape(text)) std::abort();
  (void)matcher->IsMeetingUrl(text);
  return 0;
}
