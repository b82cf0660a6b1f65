// The words of Zoom's invitations, by language: meeting- and webinar-ID
// labels, passcode labels, and what tells a Zoom invitation from another
// vendor's (see internal.h for how each table is used).
//
// Sources (written by hand; there is no network where this was built):
// - Zoom's "Copy Invitation" text for meetings and webinars in each language
//   the Zoom desktop client and web portal offer (Settings > General >
//   Language), as published in Zoom's support articles "Inviting others to
//   join a meeting", "Changing the language of the Zoom web portal" and the
//   localized copies of the meeting invitation e-mail template;
// - the older invitation wording (before Zoom renamed "Password" to
//   "Passcode" in 2020), still on many pages: Password, Passwort, Mot de
//   passe, Contraseña, Senha, Wachtwoord, Hasło, Пароль, パスワード, 비밀번호;
// - Zoom's published dial-in numbers (zoom.us/zoomconference, the "Dial by
//   your location" list of US invitations) and toll-free numbers;
// - other vendors' invitations (Microsoft Teams, Cisco Webex, BlueJeans,
//   GoTo Meeting, Google Meet) as their e-mails and calendar entries word
//   them, for the vendor markers.
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "matchers/internal.h"

namespace meetleak::matchers_internal {
namespace {

struct Label {
  std::string_view language;
  std::string_view text;
};

// Meeting- and webinar-ID labels as Zoom writes them. Compared squeezed
// (SqueezeLabelText) as a suffix of the squeezed text before a number.
// "Conference ID", "Phone conference ID" (Teams), "Meeting number" (Webex)
// and "PIN" (Google Meet) are other vendors' and are not here.
constexpr std::array<Label, 69> kIdLabels{{
    {"en", "Meeting ID"},
    {"en", "Webinar ID"},
    {"en", "Personal Meeting ID"},
    {"en", "Zoom ID"},
    {"de", "Meeting-ID"},
    {"de", "Besprechungs-ID"},
    {"de", "Konferenz-ID"},
    {"de", "Webinar-ID"},
    {"fr", "ID de réunion"},
    {"fr", "ID réunion"},
    {"fr", "Identifiant de réunion"},
    {"fr", "ID du webinaire"},
    {"fr", "ID de webinaire"},
    {"fr", "ID du webinar"},
    {"es", "ID de reunión"},
    {"es", "ID de la reunión"},
    {"es", "ID del seminario web"},
    {"es", "ID de webinar"},
    {"es", "ID del webinar"},
    {"pt", "ID da reunião"},
    {"pt", "ID de reunião"},
    {"pt", "ID do webinar"},
    {"pt", "ID do seminário web"},
    {"pt", "ID do webinário"},
    {"it", "ID riunione"},
    {"it", "ID della riunione"},
    {"it", "ID meeting"},
    {"it", "ID del webinar"},
    {"it", "ID webinar"},
    {"nl", "Vergadering-ID"},
    {"nl", "Vergaderings-ID"},
    {"nl", "Webinar-ID"},
    {"pl", "Identyfikator spotkania"},
    {"pl", "ID spotkania"},
    {"pl", "Identyfikator webinaru"},
    {"pl", "ID webinaru"},
    {"ru", "Идентификатор конференции"},
    {"ru", "ID конференции"},
    {"ru", "Идентификатор вебинара"},
    {"ru", "ID вебинара"},
    {"tr", "Toplantı Kimliği"},
    {"tr", "Toplantı ID"},
    {"tr", "Web Semineri Kimliği"},
    {"tr", "Webinar Kimliği"},
    {"vi", "ID cuộc họp"},
    {"vi", "ID hội thảo trực tuyến"},
    {"vi", "ID hội thảo trên web"},
    {"vi", "ID hội thảo web"},
    {"id", "ID Rapat"},
    {"id", "ID Webinar"},
    {"sv", "Mötes-ID"},
    {"sv", "Möte-ID"},
    {"sv", "Webbinarie-ID"},
    {"sv", "Webbinarium-ID"},
    {"ja", "ミーティングID"},
    {"ja", "ウェビナーID"},
    {"ja", "会議ID"},
    {"ko", "회의 ID"},
    {"ko", "웨비나 ID"},
    {"ko", "미팅 ID"},
    {"zh-Hans", "会议ID"},
    {"zh-Hans", "会议号"},
    {"zh-Hans", "会议号码"},
    {"zh-Hans", "网络研讨会ID"},
    {"zh-Hans", "网络研讨会号"},
    {"zh-Hant", "會議ID"},
    {"zh-Hant", "會議號"},
    {"zh-Hant", "會議號碼"},
    {"zh-Hant", "網路研討會ID"},
}};

// Passcode labels. Matched case-insensitively after full decoding, with tags
// removed, any run of spaces or dashes standing for a space and the
// apostrophe written straight or typographic.
constexpr std::array<Label, 39> kPasscodeLabels{{
    {"en", "passcode"},
    {"en", "password"},
    {"en", "pass code"},
    {"de", "kenncode"},
    {"de", "passwort"},
    {"de", "kennwort"},
    {"fr", "code secret"},
    {"fr", "mot de passe"},
    {"fr", "code d'accès"},
    {"es", "código de acceso"},
    {"es", "codigo de acceso"},
    {"es", "contraseña"},
    {"pt", "senha de acesso"},
    {"pt", "senha"},
    {"pt", "código de acesso"},
    {"it", "codice d'accesso"},
    {"it", "codice di accesso"},
    {"it", "codice accesso"},
    {"nl", "toegangscode"},
    {"nl", "wachtwoord"},
    {"pl", "kod dostępu"},
    {"pl", "hasło"},
    {"ru", "код доступа"},
    {"ru", "пароль"},
    {"tr", "parola"},
    {"tr", "şifre"},
    {"tr", "erişim kodu"},
    {"tr", "geçiş kodu"},
    {"vi", "mật mã"},
    {"vi", "mật khẩu"},
    {"id", "kode sandi"},
    {"id", "kata sandi"},
    {"sv", "lösenkod"},
    {"sv", "lösenord"},
    {"ja", "パスコード"},
    {"ja", "パスワード"},
    {"ko", "암호"},
    {"ko", "비밀번호"},
    {"zh", "密码|密碼"},  // simplified | traditional (a regex alternation)
}};

// Zoom's published dial-in numbers (digits with the country code): the US
// "Dial by your location" list, toll-free numbers, and the first numbers of
// the larger countries' lists.
constexpr std::array<std::string_view, 38> kZoomDialIns{{
    "16699009128", "16699006833",  "19292056099",  "12532158782",  "13017158592",   "13126266799",
    "13462487799", "16465588656",  "16469313860",  "16892781000",  "17193594580",   "12532050468",
    "13052241968", "13092053325",  "13602095623",  "13863475053",  "15074734847",   "15642172000",
    "16694449171", "16892780370",  "18884754499",  "18778535257",  "18335480276",   "18335480282",
    "18333020799", "16475580588",  "17789072071",  "14388097799",  "15873281099",   "16473744685",
    "12042727920", "442030512874", "442034815237", "442080806591", "4969380798836", "4930567958000",
    "33170379729", "61731853730",
}};

// Other vendors' dial-in numbers that carry their own one-touch strings.
constexpr std::array<std::string_view, 4> kOtherDialIns{{
    "14087407256",  // BlueJeans
    "18882402560",  // BlueJeans toll-free
    "14083179253",  // BlueJeans
    "14086380968",  // Webex (US toll)
}};

std::string LabelRegex(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ')
      out += R"([\s\-]*)";
    else if (c == '\'')
      out += "(?:'|\xE2\x80\x99)?";
    else
      out += c;
  }
  return out;
}

// A dial-in number written any usual way: "+1 669 900 9128",
// "+1 (669) 900-9128", "+16699009128", "669.900.9128"; the country code may
// be left out.
std::string DigitsRegex(std::string_view digits, std::size_t country_digits) {
  std::string out = R"((?:\+?)";
  out += digits.substr(0, country_digits);
  out += R"([\s.\-]*)?\(?)";
  for (std::size_t i = country_digits; i < digits.size(); ++i) {
    out += digits[i];
    if (i + 1 < digits.size()) out += R"([\s.\-\)]{0,2})";
  }
  return out;
}

}  // namespace

std::string SqueezeLabelText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c + 32));
      continue;
    }
    if (i + 1 < text.size()) {
      unsigned char d = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xC3 && d >= 0x80 && d <= 0x9E && d != 0x97) {  // Latin-1 capitals
        out.push_back(static_cast<char>(c));
        out.push_back(static_cast<char>(d + 0x20));
        ++i;
        continue;
      }
      if (c == 0xD0 && d >= 0x90 && d <= 0xAF) {  // Cyrillic А–Я
        out.push_back(static_cast<char>(d <= 0x9F ? 0xD0 : 0xD1));
        out.push_back(static_cast<char>(d <= 0x9F ? d + 0x20 : d - 0x20));
        ++i;
        continue;
      }
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

const std::vector<std::string>& SqueezedIdLabels() {
  static const std::vector<std::string>* labels = [] {
    auto* v = new std::vector<std::string>;
    for (const Label& l : kIdLabels) v->push_back(SqueezeLabelText(l.text));
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
    return v;
  }();
  return *labels;
}

namespace {

// One RE2 alternation of `labels`, the longest first so that a label is
// never cut short by a shorter one it starts with.
template <typename Labels>
std::string* AlternationOf(const Labels& labels) {
  std::vector<std::string> alts;
  alts.reserve(labels.size());
  for (const Label& l : labels) alts.push_back(LabelRegex(l.text));
  std::sort(alts.begin(), alts.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  auto* out = new std::string;
  for (const std::string& a : alts) *out += (out->empty() ? "" : "|") + a;
  return out;
}

}  // namespace

const std::string& IdLabelPattern() {
  static const std::string* pattern = AlternationOf(kIdLabels);
  return *pattern;
}

const std::string& PasscodeLabelPattern() {
  static const std::string* pattern = AlternationOf(kPasscodeLabels);
  return *pattern;
}

bool IsZoomDialIn(std::string_view digits) {
  return std::find(kZoomDialIns.begin(), kZoomDialIns.end(), digits) != kZoomDialIns.end();
}

bool IsOtherVendorDialIn(std::string_view digits) {
  return std::find(kOtherDialIns.begin(), kOtherDialIns.end(), digits) != kOtherDialIns.end();
}

const std::string& ZoomMarkerPattern() {
  static const std::string* pattern = [] {
    std::string out = R"(\bZoom\b|\bZOOM\b|(?i:zoom(?:gov)?\.(?:us|com)|zoomcrc|zoommtg:|zoomus:|)"
                      R"(one tap mobile|dial by your location|find your local number|join by sip|)"
                      R"(join by h\.323))";
    for (std::string_view n : kZoomDialIns) out += "|" + DigitsRegex(n, n.starts_with('1') ? 1 : 2);
    return new std::string(out);
  }();
  return *pattern;
}

const std::string& OtherVendorMarkerPattern() {
  static const std::string* pattern = new std::string(
      R"((?i)teams\.microsoft\.com|teams\.live\.com|microsoft teams|aka\.ms/jointeamsmeeting|)"
      R"(phone conference id|conference id|webex|meeting number|bluejeans|bjn\.vc|)"
      R"(gotomeeting|gotomeet\.me|meet\.goto\.com|goto meeting|gotowebinar|)"
      R"(meet\.google\.com|google meet|hangouts\.google\.com|\bpin\s*:)");
  return *pattern;
}

std::vector<std::string_view> LabelLanguages() {
  std::vector<std::string_view> out;
  for (const Label& l : kIdLabels)
    if (std::find(out.begin(), out.end(), l.language) == out.end()) out.push_back(l.language);
  return out;
}

}  // namespace meetleak::matchers_internal
