// The pre-filtered path (Find) against the plain one (FindSlow, every
// pattern over the whole text), as RE2 checks its engines against each
// other: on fixtures, and on thousands of strings built from pattern
// fragments so that most hold near-misses and hits.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "matchers/inventory.h"
#include "matchers/matcher.h"

namespace meetleak {
namespace {

std::string Describe(const std::vector<MeetingRef>& refs) {
  std::ostringstream out;
  for (const MeetingRef& r : refs)
    out << "[" << r.offset << "+" << r.length << " " << ToString(r.form) << " "
        << ToString(r.link_type) << " " << r.host << " " << r.key << " p=" << r.has_passcode
        << " s=" << r.has_start_token << " ctx=" << r.context << "]\n";
  return out.str();
}

// Whether Find and FindSlow agree on `text` (the text and both answers in the
// message when not). Texts where Find sees references add to *with_refs.
::testing::AssertionResult SameAnswer(const Matcher& m, const std::string& text,
                                      const Inventory* inv, int* with_refs = nullptr) {
  std::vector<MeetingRef> fast = m.Find(text, inv);
  if (with_refs != nullptr) *with_refs += !fast.empty();
  std::string a = Describe(fast), b = Describe(m.FindSlow(text, inv));
  // The pre-filter alone (sweep's records) never drops a text with a hit.
  if (!a.empty() && !m.MayFind(text))
    return ::testing::AssertionFailure()
           << "MayFind() is false on " << ::testing::PrintToString(text) << " where Find sees:\n"
           << a;
  if (a == b) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "text: " << ::testing::PrintToString(text) << "\nFind:\n"
                                       << a << "FindSlow:\n"
                                       << b;
}

void ExpectSameAnswer(const Matcher& m, const std::string& text, const Inventory* inv) {
  EXPECT_TRUE(SameAnswer(m, text, inv));
}

Inventory TestInventory() {
  return Inventory::FromRows({{"85512345678", "ana@acme.example", "", MeetingKind::kRecurring},
                              {"123456789", "bo@acme.example", "", MeetingKind::kScheduled},
                              {"9876543210", "cy@acme.example", "", MeetingKind::kPmi}},
                             {});
}

TEST(CrossCheck, Fixtures) {
  Matcher m;
  Inventory inv = TestInventory();
  const std::vector<std::string> fixtures = {
      "",
      "plain text without any trigger at all",
      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one fixture in two lines
      "<p>Join Zoom Meeting<br>https://us02web.zoom.us/j/85512345678?pwd=abc<br>Meeting ID: 855 "
      "1234 5678<br>Passcode: 123456<br>One tap mobile<br>+16699009128,,85512345678#,,,,*123456# "
      "US (San Jose)<br>Dial by your location<br>+1 669 900 9128 US<br>Join by SIP "
      "85512345678@zoomcrc.com</p>",
      "{\"description\":\"Join: https:\\/\\/zoom.us\\/j\\/123456789\\u003Fpwd=x\"}",
      "https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F9876543210&sa=D zoom dot us/my/ana",
      "notzoom.us/j/85512345678 zoom.us.evil.example/j/85512345678 85512345678 855 1234 5678",
      "zoom zoom zoom zoomzoom.us/j/123456789 zoommtg://zoom.us/join?confno=123456789&zak=1",
  };
  for (const std::string& f : fixtures) {
    ExpectSameAnswer(m, f, nullptr);
    ExpectSameAnswer(m, f, &inv);
  }
}

// The pre-filter is worth running: ordinary text, prices, dates, short
// numbers, CSS "zoom" and "zoom-in" pass no trigger, so a sweep skips them.
TEST(CrossCheck, PreFilterRejectsTextsWithoutATrigger) {
  Matcher m;
  for (const std::string text : {"", "plain text without any trigger at all",
                                 "<p>Price: 12.50 EUR, 2024-05-01, call 555</p>",
                                 "<div style=\"zoom:1\">zoom-in</div> 12345678 123456789012"}) {
    EXPECT_FALSE(m.MayFind(text)) << text;
  }
  EXPECT_TRUE(m.MayFind("see zoom.us/j/123"));
  EXPECT_TRUE(m.MayFind("ID 855 1234 5678 only"));
  EXPECT_TRUE(m.MayFind("%20855%201234%205678"));
}

// Fragments of every pattern, their look-alikes, wrappers and noise.
const std::vector<std::string>& Fragments() {
  static const std::vector<std::string> f = {
      "https://",
      "http://",
      "hxxps[:]//",
      "//",
      "zoom.us",
      "ZOOM.US",
      "us02web.zoom.us",
      "acme-corp.zoom.us",
      "zoom.com",
      "zoomgov.com",
      "zoom.com.cn",
      "zoom[.]us",
      "zoom(.)us",
      " dot ",
      "zoom",
      "notzoom.us",
      "zoom.us.evil.example",
      "zoom.usx",
      "zoomus.com",
      "my-",
      "@",
      "/j/",
      "/w/",
      "/s/",
      "/wc/join/",
      "/wc/",
      "/join",
      "/launch/jc/",
      "/my/",
      "/meeting/register/",
      "/webinar/register/",
      "/rec/share/",
      "/rec/play/",
      "?pwd=",
      "&pwd=",
      "&amp;",
      "?zak=",
      "&tk=",
      "zoommtg://",
      "zoomus://",
      "intent://",
      "#Intent;scheme=zoomus;end",
      "join?confno=",
      "&action=start",
      "Meeting ID: ",
      "Meeting-ID",
      "Webinar ID",
      "ID de r&eacute;union : ",
      "\u4F1A\u8BAEID\uFF1A",
      "\xED\x9A\x8C\xEC\x9D\x98 ID ",
      "Passcode: ",
      "Kenncode: ",
      "\xE5\xAF\x86\xE7\xA0\x81\xEF\xBC\x9A",
      "855",
      "1234",
      "5678",
      "123",
      "456",
      "789",
      "85512345678",
      "123456789",
      "9876543210",
      "855123456789",
      "0",
      "12",
      " ",
      "-",
      "&nbsp;",
      "\xC2\xA0",
      "&#160;",
      "%20",
      "%2F",
      "%3A",
      "%3F",
      "%3D",
      "%253A",
      "%2C%2C",
      "%23",
      "&#x2F;",
      "&#47;",
      "\\/",
      "\\u002F",
      "\\u00a0",
      "<b>",
      "</b>",
      "<span>",
      "</td><td>",
      "<br>",
      "\"",
      "'",
      ">",
      "\n",
      "\t",
      ",",
      ",,",
      "#",
      ",,,,*",
      "0#,,",
      "+16699009128",
      "tel:",
      "@zoomcrc.com",
      ".123456",
      "https://www.google.com/url?q=",
      "safelinks.protection.outlook.com/?url=",
      "urldefense.proofpoint.com/v2/url?u=https-3A__",
      "_j_",
      "-3Fpwd-3D",
      "urldefense.com/v3/__",
      "__;!!x$",
      "l.facebook.com/l.php?u=",
      "abc",
      "XYZ",
      ".",
      "_",
      "=",
      "&",
      "?",
      ";",
      "\xE2\x80\xAF",
      "\xEF\xBC\x9A",
      "[",
      "]",
      "(",
      ")",
      "\xFF",
      std::string("\0", 1),
      "\xE2\x80\xA6",
      // Zoom's labels of every language, their spellings, other
      // vendors' invitations, secret fields and look-alikes.
      "ID da reuni&atilde;o: ",
      "ID de reuni\xC3\xA3o: ",
      "Senha de acesso: ",
      "Pass<span>code</span>: ",
      "Passc&#111;de: ",
      "\\u0050asscode",
      "Pass&shy;code",
      "Codice d’accesso: ",
      "Toplant\xC4\xB1 Kimli\xC4\x9Fi: ",
      "Идентификатор конференции: ",
      "M\xC3\xB6tes-ID: ",
      "ID Rapat: ",
      "ID cu\xE1\xBB\x99\x63 h\xE1\xBB\x8Dp: ",
      "Identyfikator spotkania: ",
      "Kod dost\xC4\x99pu: ",
      "Password - ",
      "Microsoft Teams meeting ",
      "Phone conference ID: ",
      "https://acme.webex.com/meet/x ",
      "meetingId: \"",
      "+14087407256,,,",
      "+1 555-010-2233,,",
      "meet.google.com/abc-defg-hij ",
      "PIN: ",
      "Join Zoom Meeting ",
      "One tap mobile ",
      "\"password\": \"Tr0ub4dor\"",
      "data-passcode=\"",
      "?%70wd=",
      "?p&#119;d=",
      "https://evil.example/",
      "](",
      "XXXXX",
  };
  return f;
}

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[rng() % v.size()];
}

// Re-encodes a link the ways pages and wrappers do.
std::string Encode(std::mt19937& rng, const std::string& link) {
  std::string out;
  int how = static_cast<int>(rng() % 5);
  for (char c : link) {
    bool special = c == ':' || c == '/' || c == '?' || c == '=' || c == '&';
    if (how == 1 && special)
      out += "%" + std::string(1, "0123456789ABCDEF"[(c >> 4) & 15]) + "0123456789ABCDEF"[c & 15];
    else if (how == 2 && c == '/')
      out += "&#x2F;";
    else if (how == 3 && c == '/')
      out += "\\/";
    else if (how == 4 && c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

std::string Digits(std::mt19937& rng) {
  static const std::vector<std::string> ids = {"85512345678",  "123456789",  "9876543210", "12345",
                                               "855123456789", "8551234567", "111222333"};
  std::string id = Pick(rng, ids);
  if (rng() % 3 == 0 && id.size() >= 9) {  // grouped
    static const std::vector<std::string> seps = {
        " ", "-", "&nbsp;", "\xC2\xA0", "</span> <span>", "%20", "  "};
    const std::string& sep = Pick(rng, seps);
    std::size_t second = id.size() == 11 ? 4 : 3;
    id = id.substr(0, 3) + sep + id.substr(3, second) + sep + id.substr(3 + second);
  }
  return id;
}

// A link, invitation or dial string, valid or nearly so.
std::string StructuredSample(std::mt19937& rng) {
  static const std::vector<std::string> schemes = {"", "https://", "http://", "HTTPS://",
                                                   "hxxps[:]//"};
  static const std::vector<std::string> hosts = {
      "zoom.us",     "us02web.zoom.us", "acme.zoom.us", "zoom.com",   "zoomgov.com",
      "zoom.com.cn", "zoom[.]us",       "zoom dot us",  "notzoom.us", "zoom.us.evil.example",
      "zoom.usx",    "my-zoom.us",      "user@zoom.us"};
  static const std::vector<std::string> paths = {"/j/",
                                                 "/w/",
                                                 "/s/",
                                                 "/wc/join/",
                                                 "/launch/jc/",
                                                 "/my/",
                                                 "/meeting/register/",
                                                 "/webinar/register/WN_",
                                                 "/rec/share/",
                                                 "/rec/play/",
                                                 "/x/",
                                                 "/j"};
  static const std::vector<std::string> queries = {"",      "?pwd=Abc.1",     "?zak=tok",
                                                   "&tk=x", "?uname=a&pwd=b", "#ok"};
  static const std::vector<std::string> wrappers = {
      "", "https://www.google.com/url?q=", "https://nam02.safelinks.protection.outlook.com/?url=",
      "https://l.facebook.com/l.php?u="};
  static const std::vector<std::string> labels = {"Meeting ID: ",
                                                  "Meeting-ID ",
                                                  "Webinar ID:",
                                                  "Order ID: ",
                                                  "ID de r&eacute;union : ",
                                                  "\u4F1A\u8BAEID\uFF1A",
                                                  "",
                                                  "<b>Meeting ID</b>: ",
                                                  "<b>Meeting</b> <i>ID</i>: ",
                                                  "ID de reuni\xC3\xA3o: ",
                                                  "Microsoft Teams\nMeeting ID: ",
                                                  "webex.com meetingId: \"",
                                                  "Zoom ID da reuni&atilde;o: "};
  static const std::vector<std::string> passcodes = {"",
                                                     "\nPasscode: 123456",
                                                     "<br>Kenncode: 1",
                                                     " Password",
                                                     "<br>Senha de acesso: Tr0ub4dor",
                                                     "<br>Pass<span>code</span>: \"Tr0ub4dor\"",
                                                     "\nPassword - 91827364"};
  switch (rng() % 4) {
    case 0:
    case 1: {
      std::string link = Pick(rng, schemes) + Pick(rng, hosts) + Pick(rng, paths) + Digits(rng) +
                         Pick(rng, queries);
      std::string wrapper = Pick(rng, wrappers);
      return wrapper.empty() ? Encode(rng, link) : wrapper + Encode(rng, link) + "&sa=D";
    }
    case 2:
      return Pick(rng, labels) + Digits(rng) + Pick(rng, passcodes);
    default: {
      static const std::vector<std::string> dials = {"+16699009128,,",
                                                     "tel:+16699009128%2C%2C",
                                                     ",",
                                                     "+1 ",
                                                     "+14087407256,,,",
                                                     "Phone conference ID +1 555-010-2233,,"};
      static const std::vector<std::string> ends = {"#",
                                                    "#,,,,*123456#",
                                                    "%23",
                                                    "@zoomcrc.com",
                                                    ".123@zoomcrc.com",
                                                    "",
                                                    "#,,,,*246810#,+19292056099,,85512345678#"};
      return Pick(rng, dials) + Digits(rng) + Pick(rng, ends);
    }
  }
}

TEST(CrossCheck, RandomStructuredSamples) {
  Matcher m;
  Inventory inv = TestInventory();
  std::mt19937 rng(7);
  const std::vector<std::string>& f = Fragments();
  int with_refs = 0;
  const int kSamples = 4000;
  for (int n = 0; n < kSamples; ++n) {
    std::string text = f[rng() % f.size()] + StructuredSample(rng);
    if (rng() % 2) text += f[rng() % f.size()] + StructuredSample(rng);
    text += f[rng() % f.size()];
    const Inventory* use = (n % 2) ? &inv : nullptr;
    ::testing::AssertionResult same = SameAnswer(m, text, use, &with_refs);
    if (!same) {
      ADD_FAILURE() << same.message();
      break;  // one failing text is enough to read
    }
  }
  EXPECT_GT(with_refs, kSamples / 3);  // mostly hits and near-misses
}

TEST(CrossCheck, RandomFragmentStrings) {
  Matcher m;
  Inventory inv = TestInventory();
  std::mt19937 rng(20261126);  // fixed: a failure reproduces
  const std::vector<std::string>& f = Fragments();
  std::uniform_int_distribution<std::size_t> pick(0, f.size() - 1);
  std::uniform_int_distribution<int> count(1, 24);
  int with_refs = 0;
  for (int n = 0; n < 6000; ++n) {
    std::string text;
    for (int k = count(rng); k > 0; --k) text += f[pick(rng)];
    const Inventory* use = (n % 2) ? &inv : nullptr;
    ::testing::AssertionResult same = SameAnswer(m, text, use, &with_refs);
    if (!same) {
      ADD_FAILURE() << same.message();
      break;  // one failing text is enough to read
    }
  }
  // The generator must actually exercise hits, not only misses.
  EXPECT_GT(with_refs, 300);
}

}  // namespace
}  // namespace meetleak
