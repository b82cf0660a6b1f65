// What a whole 9–11 digit number is, read from the words around it: a
// one-tap dial string, a SIP address, an ID after a (localized) label, or a
// bare inventory ID.
#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "matchers/internal.h"
#include "matchers/inventory.h"

namespace meetleak::matchers_internal {
namespace {

struct DigitPatterns {
  RE2 one_tap_before{R"([0-9],{2,}$)"};
  RE2 one_tap_passcode{R"(^#,+(?:0#,+)?(?:\*[0-9]+|[1-9][0-9]*|0[0-9]+)#)"};
  RE2 sip_after{R"((?i)^(?:\.[0-9]+)?@zoomcrc\.com)"};
  RE2 sip_passcode{R"(^\.[0-9]+@)"};
};

const DigitPatterns& Patterns() {
  static const DigitPatterns* patterns = new DigitPatterns();
  return *patterns;
}

Decoded DecodeBefore(std::string_view raw, std::size_t s, std::size_t span,
                     DecodeMode mode = DecodeMode::kKeepAlnumEscapes) {
  return DecodeRange(raw, s > span ? s - span : 0, s, mode);
}

Decoded DecodeAfter(std::string_view raw, std::size_t e, std::size_t span) {
  return DecodeRange(raw, e, std::min(raw.size(), e + span));
}

// Cheap raw test before decoding: walks back over what may stand between a
// label and its number (spaces, colons, tags, entities, escapes), then looks
// for "id" or non-ASCII text (every label holds one or the other).
bool MayHoldLabel(std::string_view raw, std::size_t s) {
  std::size_t k = s;
  while (k > 0 && s - k < 200) {
    unsigned char c = static_cast<unsigned char>(raw[k - 1]);
    if (std::string_view(" \t\r\n:#=.\"-").find(static_cast<char>(c)) != std::string_view::npos) {
      --k;
    } else if (c == '>' || c == ';') {
      // The tag or entity this ends, looked for no further than it may be
      // long (an unbounded search made every number after '>' cost the
      // whole text before it).
      const std::size_t reach = c == '>' ? 200 : 12;
      const std::size_t lo = k > reach ? k - reach : 0;
      std::string_view before = raw.substr(lo, k - 1 - lo);
      std::size_t open = before.rfind(c == '>' ? '<' : '&');
      if (open == std::string_view::npos) break;
      k = lo + open;
    } else if (k >= 3 && raw[k - 3] == '%' && ascii::IsHexDigit(raw[k - 2]) &&
               ascii::IsHexDigit(raw[k - 1])) {
      k -= 3;
    } else if (k >= 6 && raw[k - 6] == '\\') {
      k -= 6;
    } else {
      break;  // label text, or NBSP and fullwidth colon (c >= 0x80): the scan below sees it
    }
  }
  std::size_t lo = k > 48 ? k - 48 : 0;
  for (std::size_t i = lo; i < k; ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c >= 0xC2) return true;
    // An escaped label letter: %D0, %E4 … (UTF-8 lead bytes), \u04…, &#…;, &atilde;
    if (i + 1 < k &&
        ((c == '%' && std::string_view("CDEFcdef").find(raw[i + 1]) != std::string_view::npos) ||
         (c == '\\' && (raw[i + 1] | 0x20) == 'u') ||
         (c == '&' && (raw[i + 1] == '#' || ascii::IsAlnum(raw[i + 1])))))
      return true;
    if ((c | 0x20) == 'i' && i + 1 < s && (raw[i + 1] | 0x20) == 'd') return true;
  }
  return false;
}

bool LabelBefore(std::string_view raw, std::size_t s) {
  if (!MayHoldLabel(raw, s)) return false;
  Decoded d = DecodeBefore(raw, s, 200, DecodeMode::kAll);
  const std::string& t = d.text;
  std::size_t k = t.size();
  while (k > 0) {  // separators and tags between the label and the number
    char c = t[k - 1];
    if (c == '>') {
      std::size_t lt = t.rfind('<', k - 1);
      if (lt == std::string::npos) break;
      k = lt;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '#' || c == '-' ||
        c == '=' || c == '.' || c == '"')
      --k;
    else
      break;
  }
  // Squeezed: without spaces, dashes, underscores and tags, so a label an
  // editor split ("<b>Meeting</b> <i>ID</i>") reads as one.
  std::string without_tags;
  for (std::size_t i = k > 160 ? k - 160 : 0; i < k; ++i) {
    char c = t[i];
    if (c == '<') {
      std::size_t gt = t.find('>', i);
      if (gt != std::string::npos && gt < k) {
        i = gt;
        continue;
      }
    }
    without_tags.push_back(c);
  }
  const std::string squeezed = SqueezeLabelText(without_tags);
  for (const std::string& label : SqueezedIdLabels())
    if (squeezed.ends_with(label)) return true;
  return false;
}

// A comma before the number: ',', %2C, \u002C, &#44; or &comma;.
bool MayBeOneTap(std::string_view raw, std::size_t s) {
  if (s == 0) return false;
  char c = raw[s - 1];
  if (c == ',' || c == ';') return true;
  return (c | 0x20) == 'c' && s >= 3 && raw[s - 2] == '2' &&
         (raw[s - 3] == '%' || raw[s - 3] == '0');
}

// '@' or ".digits@" after the number, raw or escaped.
bool MayBeSip(std::string_view raw, std::size_t e) {
  if (e >= raw.size()) return false;
  char c = raw[e];
  if (c == '.') {
    std::size_t k = e + 1;
    while (k < raw.size() && ascii::IsDigit(raw[k])) ++k;
    return k > e + 1 && k < raw.size() && (raw[k] == '@' || raw[k] == '%' || raw[k] == '&');
  }
  return c == '@' || c == '%' || c == '&' || c == '\\';
}

}  // namespace

// The digits of the dial number before a one-tap's commas ("+1 669-900-9128,,").
std::string DialNumberBefore(const std::string& before) {
  std::size_t k = before.size();
  while (k > 0 && before[k - 1] == ',') --k;
  std::string digits;
  while (k > 0) {
    char c = before[k - 1];
    if (c >= '0' && c <= '9')
      digits.insert(digits.begin(), c);
    else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')')
      break;
    --k;
  }
  return digits;
}

std::optional<MeetingRef> ClassifyDigits(std::string_view raw, const DigitRun& run,
                                         const Inventory* inventory, MarkerIndex* markers) {
  MeetingRef ref;
  ref.offset = run.begin;
  ref.length = run.end - run.begin;
  ref.key = run.digits;
  const bool in_inventory = inventory != nullptr && inventory->HasMeetingId(run.digits);
  if (MayBeOneTap(raw, run.begin)) {
    Decoded before = DecodeBefore(raw, run.begin, 48);
    CountSearched(before.text.size());
    if (RE2::PartialMatch(before.text, Patterns().one_tap_before)) {
      Decoded after = DecodeAfter(raw, run.end, 64);
      if (!after.text.empty() && after.text[0] == '#') {
        if (!in_inventory &&
            !markers->IsZoomInvitation(run.begin, run.end, DialNumberBefore(before.text)))
          return std::nullopt;
        CountSearched(after.text.size());
        ref.form = RefForm::kDialIn;
        ref.has_passcode = RE2::PartialMatch(after.text, Patterns().one_tap_passcode);
        return ref;
      }
    }
  }
  if (MayBeSip(raw, run.end)) {
    Decoded after = DecodeAfter(raw, run.end, 48);
    CountSearched(2 * after.text.size());
    if (RE2::PartialMatch(after.text, Patterns().sip_after)) {
      ref.form = RefForm::kDialIn;
      ref.has_passcode = RE2::PartialMatch(after.text, Patterns().sip_passcode);
      return ref;
    }
  }
  // A labelled ID is Zoom's when its invitation is; an inventory ID is the
  // company's anywhere. The passcode of its invitation is attached later
  // (PasscodeOwners).
  if (!in_inventory &&
      !(LabelBefore(raw, run.begin) && markers->IsZoomInvitation(run.begin, run.end, {})))
    return std::nullopt;
  ref.form = RefForm::kIdText;
  return ref;
}

}  // namespace meetleak::matchers_internal
