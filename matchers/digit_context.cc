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

// Labels of Zoom invitations (and calendar tools that copy them), squeezed:
// lower-case ASCII, without spaces, dashes and underscores. Compared as
// suffixes of the squeezed text before the number, so a leading capital
// that does not lower-case (Cyrillic) is simply left out. "Conference ID"
// is not here: it is Microsoft Teams' dial-in label.
constexpr std::array<std::string_view, 36> kIdLabels{{
    "meetingid",
    "webinarid",
    "personalmeetingid",  // en
    "besprechungsid",
    "konferenzid",  // de (Meeting-ID above)
    "idder\xC3\xA9union",
    "idr\xC3\xA9union",
    "idduwebinaire",
    "iddewebinaire",  // fr
    "iddereuni\xC3\xB3n",
    "iddelareuni\xC3\xB3n",
    "iddelseminarioweb",
    "iddewebinar",  // es
    "iddareuni\xC3\xA3o",
    "iddowebinar",
    "iddosemin\xC3\xA1rioweb",  // pt
    "idriunione",
    "iddellariunione",
    "idmeeting",
    "iddelwebinar",
    "idwebinar",  // it
    "vergaderingid",
    "vergaderingsid",                                                              // nl
    "\xE3\x83\x9F\xE3\x83\xBC\xE3\x83\x86\xE3\x82\xA3\xE3\x83\xB3\xE3\x82\xB0id",  // ja
                                                                                   // ミーティングID
    "\xE3\x82\xA6\xE3\x82\xA7\xE3\x83\x93\xE3\x83\x8A\xE3\x83\xBCid",  // ja ウェビナーID
    "\xE4\xBC\x9A\xE8\xAD\xB0id",                                      // ja 会議ID
    "\xE4\xBC\x9A\xE8\xAE\xAEid",
    "\xE6\x9C\x83\xE8\xAD\xB0id",  // zh 会议ID 會議ID
    "\xE4\xBC\x9A\xE8\xAE\xAE\xE5\x8F\xB7",
    "\xE6\x9C\x83\xE8\xAD\xB0\xE8\x99\x9F",                            // zh 会议号 會議號
    "\xE4\xBC\x9A\xE8\xAE\xAE\xE5\x8F\xB7\xE7\xA0\x81",                // zh 会议号码
    "\xE7\xBD\x91\xE7\xBB\x9C\xE7\xA0\x94\xE8\xAE\xA8\xE4\xBC\x9Aid",  // zh 网络研讨会ID
    "\xED\x9A\x8C\xEC\x9D\x98id",                                      // ko 회의 ID
    "\xEC\x9B\xA8\xEB\xB9\x84\xEB\x82\x98id",                          // ko 웨비나 ID
    "\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x82\xD0\xB8\xD1\x84\xD0\xB8\xD0\xBA\xD0\xB0\xD1\x82"
    "\xD0\xBE\xD1\x80\xD0\xBA\xD0\xBE\xD0\xBD\xD1\x84\xD0\xB5\xD1\x80\xD0\xB5\xD0\xBD"
    "\xD1\x86\xD0\xB8\xD0\xB8",  // ru (И)дентификатор конференции
    "zoomid",
}};

struct DigitPatterns {
  RE2 one_tap_before{R"([0-9],{2,}$)"};
  RE2 one_tap_passcode{R"(^#,+(?:0#,+)?\*?[0-9]+#)"};
  RE2 sip_after{R"((?i)^(?:\.[0-9]+)?@zoomcrc\.com)"};
  RE2 sip_passcode{R"(^\.[0-9]+@)"};
  // The start of the next invitation: a passcode after it is not ours.
  RE2 next_id_label{
      "(?i)(?:meeting|webinar|conference|besprechungs|konferenz|vergadering)[ -]?id|"
      "id (?:de |da |del |della |du |do )?(?:la )?(?:r\xC3\xA9union|reuni\xC3\xB3n|reuni\xC3\xA3o|"
      "riunione|webinar)|\xE3\x83\x9F\xE3\x83\xBC\xE3\x83\x86\xE3\x82\xA3\xE3\x83\xB3\xE3\x82\xB0 "
      "?id|"
      "\xE4\xBC\x9A\xE8\xAE\xAE ?(?:id|\xE5\x8F\xB7)|\xE6\x9C\x83\xE8\xAD\xB0 ?(?:id|\xE8\x99\x9F)|"
      "\xED\x9A\x8C\xEC\x9D\x98 ?id"};
  RE2 passcode_line{
      "(?i)(?:" + PasscodeLabelPattern() +
      R"()\s*(?:<[^<>]{0,200}>\s*)*(?:[:=]\s*(?:<[^<>]{0,200}>\s*)*[^\s<>"']|[0-9]))"};
};

const DigitPatterns& Patterns() {
  static const DigitPatterns* patterns = new DigitPatterns();
  return *patterns;
}

Decoded DecodeBefore(std::string_view raw, std::size_t s, std::size_t span) {
  return DecodeRange(raw, s > span ? s - span : 0, s);
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
    if ((c | 0x20) == 'i' && i + 1 < s && (raw[i + 1] | 0x20) == 'd') return true;
  }
  return false;
}

bool LabelBefore(std::string_view raw, std::size_t s) {
  if (!MayHoldLabel(raw, s)) return false;
  Decoded d = DecodeBefore(raw, s, 200);
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
  std::string squeezed;
  for (std::size_t i = k > 96 ? k - 96 : 0; i < k; ++i) {
    char c = t[i];
    if (c == '<') {
      std::size_t gt = t.find('>', i);
      if (gt != std::string::npos && gt < k) {
        i = gt;
        continue;
      }
    }
    if (c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n' || c == '\r') continue;
    squeezed.push_back(ascii::ToLower(c));
  }
  for (std::string_view label : kIdLabels)
    if (squeezed.ends_with(label)) return true;
  return false;
}

// A passcode line after the ID and before the next invitation's ID label.
bool PasscodeLineAfter(std::string_view raw, std::size_t e) {
  Decoded d = DecodeAfter(raw, e, 320);
  re2::StringPiece text(d.text), next_label;
  CountSearched(text.size());
  if (Patterns().next_id_label.Match(text, 0, text.size(), RE2::UNANCHORED, &next_label, 1))
    text = re2::StringPiece(d.text.data(),
                            static_cast<std::size_t>(next_label.data() - d.text.data()));
  CountSearched(text.size());
  return RE2::PartialMatch(text, Patterns().passcode_line);
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

const std::string& PasscodeLabelPattern() {
  static const std::string* pattern = new std::string(
      "passcode|password|pass code|passwort|kenncode|code secret|mot de passe|"
      "c\xC3\xB3"
      "digo de acceso|codigo de acceso|contrase\xC3\xB1"
      "a|senha|"
      "c\xC3\xB3"
      "digo de acesso|codice d'accesso|codice di accesso|toegangscode|"
      "wachtwoord|\xE3\x83\x91\xE3\x82\xB9\xE3\x82\xB3\xE3\x83\xBC\xE3\x83\x89|"  // パスコード
      "\xE3\x83\x91\xE3\x82\xB9\xE3\x83\xAF\xE3\x83\xBC\xE3\x83\x89|"             // パスワード
      "\xE5\xAF\x86\xE7\xA0\x81|\xE5\xAF\x86\xE7\xA2\xBC|"                        // 密码 密碼
      "\xEC\x95\x94\xED\x98\xB8|\xEB\xB9\x84\xEB\xB0\x80\xEB\xB2\x88\xED\x98\xB8|"  // 암호 비밀번호
      "\xD0\xBA\xD0\xBE\xD0\xB4 \xD0\xB4\xD0\xBE\xD1\x81\xD1\x82\xD1\x83\xD0\xBF\xD0\xB0|"  // код
                                                                                            // доступа
      "\xD0\xBF\xD0\xB0\xD1\x80\xD0\xBE\xD0\xBB\xD1\x8C");  // пароль
  return *pattern;
}

std::optional<MeetingRef> ClassifyDigits(std::string_view raw, const DigitRun& run,
                                         const Inventory* inventory) {
  MeetingRef ref;
  ref.offset = run.begin;
  ref.length = run.end - run.begin;
  ref.key = run.digits;
  if (MayBeOneTap(raw, run.begin)) {
    Decoded before = DecodeBefore(raw, run.begin, 48);
    CountSearched(before.text.size());
    if (RE2::PartialMatch(before.text, Patterns().one_tap_before)) {
      Decoded after = DecodeAfter(raw, run.end, 64);
      if (!after.text.empty() && after.text[0] == '#') {
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
  bool labelled = LabelBefore(raw, run.begin);
  if (!labelled && !(inventory != nullptr && inventory->HasMeetingId(run.digits)))
    return std::nullopt;
  ref.form = RefForm::kIdText;
  ref.has_passcode = PasscodeLineAfter(raw, run.end);
  return ref;
}

}  // namespace meetleak::matchers_internal
