// Every secret kind is redacted, in RedactSecrets() and in the context
// snippet of every reference.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "matchers/matcher.h"

namespace meetleak {
namespace {

const std::string R(kRedacted);

struct RedactRow {
  std::string name;
  std::string in;
  std::string want;
  std::string secret;  // must not survive
};

void PrintTo(const RedactRow& row, std::ostream* os) { *os << row.name; }

std::vector<RedactRow> Rows() {
  return {
      {"pwd", "https://zoom.us/j/85512345678?pwd=SeCrEt99.1",
       "https://zoom.us/j/85512345678?pwd=" + R, "SeCrEt99"},
      {"zak", "https://zoom.us/s/85512345678?zak=eyJhbGciOiSeCrEt99",
       "https://zoom.us/s/85512345678?zak=" + R, "SeCrEt99"},
      {"tk", "https://zoom.us/w/85512345678?tk=AbC-SeCrEt99&uuid=x",
       "https://zoom.us/w/85512345678?tk=" + R + "&uuid=x", "SeCrEt99"},
      {"pwd_upper_key", "https://zoom.us/j/85512345678?PWD=SeCrEt99",
       "https://zoom.us/j/85512345678?PWD=" + R, "SeCrEt99"},
      {"app_link", "zoommtg://zoom.us/join?confno=85512345678&pwd=SeCrEt99&zak=TokSeCrEt",
       "zoommtg://zoom.us/join?confno=85512345678&pwd=" + R + "&zak=" + R, "SeCrEt"},
      {"percent_in_wrapper",
       "https://www.google.com/"
       "url?q=https%3A%2F%2Fzoom.us%2Fj%2F85512345678%3Fpwd%3DSeCrEt99%26uname%3Dx&sa=D",
       "https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F85512345678%3Fpwd%3D" + R +
           "%26uname%3Dx&sa=D",
       "SeCrEt99"},
      {"double_percent", "x%253Fpwd%253DSeCrEt99%2526y=1", "x%253Fpwd%253D" + R + "%2526y=1",
       "SeCrEt99"},
      {"entity_amp", "?uname=x&amp;pwd=SeCrEt99&amp;a=b", "?uname=x&amp;pwd=" + R + "&amp;a=b",
       "SeCrEt99"},
      {"json_escapes", "j\\/85512345678\\u003Fpwd\\u003dSeCrEt99\\u0026x=1",
       "j\\/85512345678\\u003Fpwd\\u003d" + R + "\\u0026x=1", "SeCrEt99"},
      {"proofpoint_v2",
       "https://urldefense.proofpoint.com/v2/"
       "url?u=https-3A__zoom.us_j_85512345678-3Fpwd-3DSeCrEt99-26uname-3Dx&d=1",
       "https://urldefense.proofpoint.com/v2/url?u=https-3A__zoom.us_j_85512345678-3Fpwd-3D" + R +
           "-26uname-3Dx&d=1",
       "SeCrEt99"},
      {"one_tap", "+16699009128,,85512345678#,,,,*987654# US",
       "+16699009128,,85512345678#,,,,*" + R + "# US", "987654"},
      {"one_tap_new", "+13126266799,,85512345678#,,,,,,0#,,987654# US",
       "+13126266799,,85512345678#,,,,,,0#,," + R + "# US", "987654"},
      {"one_tap_encoded", "tel:+16699009128%2C%2C85512345678%23%2C%2C%2C%2C*987654%23",
       "tel:+16699009128%2C%2C85512345678%23%2C%2C%2C%2C*" + R + "%23", "987654"},
      {"sip", "85512345678.987654@zoomcrc.com", "85512345678." + R + "@zoomcrc.com", "987654"},
      {"passcode", "Passcode: 987654", "Passcode: " + R, "987654"},
      {"password", "Password: s3cr3t!x", "Password: " + R, "s3cr3t"},
      {"passcode_no_colon", "Passcode 987654", "Passcode " + R, "987654"},
      {"passcode_tag", "<b>Passcode:</b> 987654<br>", "<b>Passcode:</b> " + R + "<br>", "987654"},
      {"passcode_nbsp", "Passcode:&nbsp;987654", "Passcode:&nbsp;" + R, "987654"},
      {"kenncode", "Kenncode: 987654", "Kenncode: " + R, "987654"},
      {"code_secret", "Code secret : 987654", "Code secret : " + R, "987654"},
      {"codigo",
       "C\xC3\xB3"
       "digo de acceso: 987654",
       "C\xC3\xB3"
       "digo de acceso: " +
           R,
       "987654"},
      {"codigo_entity", "C&oacute;digo de acceso: 987654", "C&oacute;digo de acceso: " + R,
       "987654"},
      {"senha", "Senha: 987654", "Senha: " + R, "987654"},
      {"ja", "\xE3\x83\x91\xE3\x82\xB9\xE3\x82\xB3\xE3\x83\xBC\xE3\x83\x89: 987654",
       "\xE3\x83\x91\xE3\x82\xB9\xE3\x82\xB3\xE3\x83\xBC\xE3\x83\x89: " + R, "987654"},
      {"zh",
       "\xE5\xAF\x86\xE7\xA0\x81\xEF\xBC\x9A"
       "987654",
       "\xE5\xAF\x86\xE7\xA0\x81\xEF\xBC\x9A" + R, "987654"},
      {"ko", "\xEC\x95\x94\xED\x98\xB8: 987654", "\xEC\x95\x94\xED\x98\xB8: " + R, "987654"},
      {"recording", "https://zoom.us/rec/share/AbCdEfGhIjKlMnOpSeCrEt.99?startTime=1",
       "https://zoom.us/rec/share/AbCdEfGhIjKl" + R + "?startTime=1", "SeCrEt"},
      {"recording_play", "https://zoom.us/rec/play/XyZ-1234567890SeCrEt",
       "https://zoom.us/rec/play/XyZ-12345678" + R, "SeCrEt"},
      {"recording_encoded", "u=https%3A%2F%2Fzoom.us%2Frec%2Fshare%2FAbCdEfGhIjKlMnOpSeCrEt&x",
       "u=https%3A%2F%2Fzoom.us%2Frec%2Fshare%2FAbCdEfGhIjKl" + R + "&x", "SeCrEt"},
      // "-84" decodes to a lone byte that is no UTF-8: the value runs on through it.
      {"passcode_through_undecodable_byte",
       "Passcode: https://urldefense.proofpoint.com/v2/url?u=https-3A__x.example_a-84bTaIl&d=x",
       "Passcode: " + R, "TaIl"},
      // "-0A" is a line break inside the wrapper only: the whole value goes.
      {"passcode_through_wrapper_line_break",
       "Passcode: https://urldefense.proofpoint.com/v2/url?u=https-3A__x.example_a-0AbTaIl&d=x",
       "Passcode: " + R, "TaIl"},
      {"nothing_secret", "https://zoom.us/j/85512345678 Meeting ID: 855 1234 5678",
       "https://zoom.us/j/85512345678 Meeting ID: 855 1234 5678", "\x01"},
  };
}

class RedactTest : public ::testing::TestWithParam<RedactRow> {};

TEST_P(RedactTest, ReplacesTheSecretOnly) {
  const RedactRow& row = GetParam();
  std::string out = RedactSecrets(row.in);
  EXPECT_EQ(out, row.want);
  EXPECT_EQ(out.find(row.secret), std::string::npos);
  EXPECT_EQ(RedactSecrets(out), out) << "redacting twice changes the text";
}

INSTANTIATE_TEST_SUITE_P(Secrets, RedactTest, ::testing::ValuesIn(Rows()),
                         [](const auto& info) { return info.param.name; });

bool ValidUtf8(const std::string& s) {
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

TEST(Context, NeverHoldsASecret) {
  Matcher m;
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"Join https://zoom.us/j/85512345678?pwd=SeCrEt99 now", "SeCrEt99"},
      {"https://zoom.us/s/85512345678?zak=SeCrEt99", "SeCrEt99"},
      {"Meeting ID: 855 1234 5678\nPasscode: 987654\n", "987654"},
      {"+16699009128,,85512345678#,,,,*987654# US", "987654"},
      {"sip 85512345678.987654@zoomcrc.com", "987654"},
      {"https://zoom.us/rec/share/AbCdEfGhIjKlMnOpSeCrEt99", "SeCrEt99"},
      {"https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F85512345678%3Fpwd%3DSeCrEt99",
       "SeCrEt99"},
      // The snippet would start inside the passcode: it must not show its tail.
      {"Passcode: " + std::string(60, 'S') + "TAILSECRET Meeting ID: 855 1234 5678", "TAILSECRET"},
  };
  for (const auto& [text, secret] : texts) {
    std::vector<MeetingRef> refs = m.Find(text);
    ASSERT_FALSE(refs.empty()) << text;
    for (const MeetingRef& r : refs) {
      EXPECT_EQ(r.context.find(secret), std::string::npos) << r.context;
      EXPECT_NE(r.context.find(R), std::string::npos) << r.context;
    }
  }
}

// Invitations that differ only in their numbers share one redaction of
// their contexts' shape; every passcode is still redacted in every context,
// and so is a secret that only an escape's digits spell ("&#112;" is 'p',
// "&#113;" 'q'): such contexts are redacted on their own.
TEST(Context, InvitationsDifferingInDigitsHaveEveryPasscodeRedacted) {
  Matcher m;
  std::string text;
  std::vector<std::string> secrets;
  for (int k = 0; k < 300; ++k) {
    const std::string id = std::to_string(812345678 + k * 7919);
    const std::string passcode = "pc" + std::to_string(400000 + k * 37);
    secrets.push_back(passcode);
    text += "Meeting ID: " + id.substr(0, 3) + " " + id.substr(3, 3) + " " + id.substr(6) +
            "<br>Passcode: " + passcode + "<br>";
    // "&#113;wd=" reads "qwd=" (no secret) and "&#112;wd=" reads "pwd=".
    const std::string value = "Zq" + std::to_string(900000 + k) + "x";
    if (k % 50 == 49) secrets.push_back(value);
    text += (k % 50 == 49 ? "&#112;wd=" : "&#113;wd=") + value + " ";
  }
  std::vector<MeetingRef> refs = m.Find(text);
  ASSERT_EQ(refs.size(), 300u);
  for (const MeetingRef& r : refs) {
    for (const std::string& secret : secrets)
      ASSERT_EQ(r.context.find(secret), std::string::npos) << r.context;
    EXPECT_NE(r.context.find("Passcode: " + R), std::string::npos) << r.context;
  }
}

// RedactSecrets learns the digit shapes of clean texts (3000 configured
// URLs that differ only in their numbers cost one redaction each shape);
// a text of a known clean shape that differs where digits matter still has
// its secret redacted: a one-tap "#,,5#" after the participant skip
// "#,,0#", and "&#112;wd=" ('p') after "&#113;wd=" ('q').
TEST(RedactSecrets, TextsDifferingFromCleanOnesInDigitsKeepNoSecret) {
  for (int k = 0; k < 300; ++k) {
    const std::string url =
        "https://example.org/events/page-" + std::to_string(10000 + k) + ".html";
    ASSERT_EQ(RedactSecrets(url), url);
  }
  const std::string skip = "tel:+16465588656,,85512345678#,,0#";
  ASSERT_EQ(RedactSecrets(skip), skip);
  const std::string one_tap = "tel:+16465588656,,85512345678#,,5#";
  EXPECT_EQ(RedactSecrets(one_tap).find(",,5#"), std::string::npos) << RedactSecrets(one_tap);
  EXPECT_NE(RedactSecrets(one_tap).find(R), std::string::npos) << RedactSecrets(one_tap);
  for (int k = 0; k < 5; ++k) {
    const std::string q = "https://example.org/j?x=1&#113;wd=Zq90000" + std::to_string(k) + "x";
    ASSERT_EQ(RedactSecrets(q), q);
  }
  const std::string p = "https://example.org/j?x=1&#112;wd=Zq900007x";
  EXPECT_EQ(RedactSecrets(p).find("Zq900007x"), std::string::npos) << RedactSecrets(p);
}

TEST(Context, IsOneLineOfValidUtf8AboutAHundredBytes) {
  Matcher m;
  std::string text;
  for (int k = 0; k < 40; ++k) text += "\xE4\xBC\x9A\xE8\xAE\xAE";  // multi-byte on both sides
  text += "\n\xFF\xFE https://zoom.us/j/85512345678 \t\r\n";
  for (int k = 0; k < 40; ++k) text += "\xED\x9A\x8C";
  std::vector<MeetingRef> refs = m.Find(text);
  ASSERT_EQ(refs.size(), 1u);
  const std::string& c = refs[0].context;
  EXPECT_TRUE(ValidUtf8(c)) << c;
  EXPECT_EQ(c.find('\n'), std::string::npos);
  EXPECT_NE(c.find("https://zoom.us/j/85512345678"), std::string::npos);
  EXPECT_GE(c.size(), 60u);
  EXPECT_LE(c.size(), 250u);
}

}  // namespace
}  // namespace meetleak
