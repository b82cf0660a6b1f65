// The secrets oracle: documents generated from (language × label ×
// separator × wrapper), each invitation with a random secret of 10
// characters; the generator's own record of what it planted is the oracle.
// The real build/meetleak scans them (text, JSON, SARIF, stored), lists,
// reports and notifies with -v, and no secret may appear in any output, the
// DB file or its WAL, while every planted invitation is found as the
// company's with has_passcode true. Then the same on real corpus pages with
// invitations planted into them.
#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "tests/cli/cli_fixture.h"

namespace meetleak::testing {
namespace {

// The generator's labels, written here independently of matchers/labels.cc.
struct Language {
  const char* name;
  const char* id_label;
  std::vector<const char*> passcode_labels;
};

const std::vector<Language>& Languages() {
  static const std::vector<Language> langs = {
      {"en", "Meeting ID", {"Passcode", "Password"}},
      {"en-webinar", "Webinar ID", {"Passcode"}},
      {"de", "Meeting-ID", {"Kenncode", "Passwort"}},
      {"fr", "ID de réunion", {"Code secret", "Mot de passe"}},
      {"es", "ID de reunión", {"Código de acceso", "Contraseña"}},
      {"pt", "ID da reunião", {"Senha de acesso", "Senha"}},
      {"pt-de", "ID de reunião", {"Senha de acesso"}},
      {"it", "ID riunione", {"Codice d'accesso", "Codice d’accesso"}},
      {"nl", "Vergadering-ID", {"Toegangscode", "Wachtwoord"}},
      {"pl", "Identyfikator spotkania", {"Kod dostępu", "Hasło"}},
      {"ru", "Идентификатор конференции", {"Код доступа", "Пароль"}},
      {"tr", "Toplantı Kimliği", {"Parola", "Şifre"}},
      {"vi", "ID cuộc họp", {"Mật mã"}},
      {"id", "ID Rapat", {"Kode Sandi"}},
      {"sv", "Mötes-ID", {"Lösenkod"}},
      {"ja", "ミーティングID", {"パスコード"}},
      {"ja-webinar", "ウェビナーID", {"パスコード"}},
      {"ko", "회의 ID", {"암호"}},
      {"zh-Hans", "会议号", {"密码"}},
      {"zh-Hant", "會議 ID", {"密碼"}},
  };
  return langs;
}

// Separators between a label and its value.
const std::vector<std::string>& Separators() {
  static const std::vector<std::string> seps = {": ", "：", " - ", " ", "\n", "<br>", "&nbsp;: "};
  return seps;
}

enum class Wrapper { kPlain, kEntities, kTags, kPercent, kJsonString, kScript, kApiObject };
constexpr Wrapper kWrappers[] = {Wrapper::kPlain,    Wrapper::kEntities,   Wrapper::kTags,
                                 Wrapper::kPercent,  Wrapper::kJsonString, Wrapper::kScript,
                                 Wrapper::kApiObject};

struct Planted {
  std::string id;      // 11 digits
  std::string secret;  // 10 characters, a letter and a digit at least
  std::string text;    // the invitation as planted (for failure messages)
};

std::string Grouped(const std::string& id, const std::string& space) {
  return id.substr(0, 3) + space + id.substr(3, 4) + space + id.substr(7);
}

// Every ASCII letter as a decimal entity, every other byte as is.
std::string Entities(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (i % 2 == 1 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      out += "&#" + std::to_string(c) + ";";
    else if (c == ' ')
      out += "&nbsp;";
    else
      out += static_cast<char>(c);
  }
  return out;
}

// The label split by an inline tag at a character boundary near its middle.
std::string SplitByTag(const std::string& s) {
  std::size_t mid = s.size() / 2;
  while (mid < s.size() && (static_cast<unsigned char>(s[mid]) & 0xC0) == 0x80) ++mid;
  return s.substr(0, mid) + "<span class=\"x\">" + s.substr(mid) + "</span>";
}

std::string Percent(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      out += static_cast<char>(c);
    else
      out += std::string("%") + hex[c >> 4] + hex[c & 15];
  }
  return out;
}

std::string JsonEscaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '"')
      out += "\\\"";
    else if (c == '/')
      out += "\\/";
    else if (c == ' ')
      out += "\\u00a0";
    else
      out += c;
  }
  return out;
}

// One invitation in `wrapper`, its separator turned into that wrapper's
// spelling (a tag separator stays a tag only where tags can stand).
std::string Invitation(const Language& lang, const char* passcode_label, const std::string& sep,
                       Wrapper wrapper, const Planted& p) {
  const std::string id_label = lang.id_label, pass_label = passcode_label;
  std::string html_sep = sep == "\n" ? "\n" : sep;
  switch (wrapper) {
    case Wrapper::kPlain:
      return "<p>" + id_label + html_sep + Grouped(p.id, " ") + "<br>\n" + pass_label + html_sep +
             p.secret + "</p>\n";
    case Wrapper::kEntities:
      return "<p>" + id_label + html_sep + Grouped(p.id, "&nbsp;") + "<br>" + Entities(pass_label) +
             (sep == "<br>" ? sep : Entities(sep)) + p.secret + "</p>\n";
    case Wrapper::kTags:
      return "<div><b>" + id_label + "</b>" + html_sep + "<b>" + Grouped(p.id, "</b> <b>") +
             "</b></div><div>" + SplitByTag(pass_label) + html_sep + "<b>" + p.secret +
             "</b></div>\n";
    case Wrapper::kPercent: {
      std::string text_sep = sep == "<br>" ? "\n" : sep == "&nbsp;: " ? "\xC2\xA0: " : sep;
      return "<a href=\"https://example.org/share?text=" +
             Percent(id_label + text_sep + Grouped(p.id, " ") + "\n" + pass_label + text_sep +
                     p.secret) +
             "&amp;lang=" + lang.name + "\">share</a>\n";
    }
    case Wrapper::kJsonString:
    case Wrapper::kScript: {
      std::string text_sep = sep == "<br>" ? "\n" : sep == "&nbsp;: " ? "\xC2\xA0: " : sep;
      std::string text =
          id_label + text_sep + Grouped(p.id, " ") + "\n" + pass_label + text_sep + p.secret;
      if (wrapper == Wrapper::kJsonString)
        return "<script type=\"application/ld+json\">{\"description\": \"" + JsonEscaped(text) +
               "\"}</script>\n";
      return "<script>var invite = '" + JsonEscaped(text) + "';</script>\n";
    }
    case Wrapper::kApiObject:
      return "<script>window.meeting = {\"id\": " + p.id +
             ", \"join_url\": \"https:\\/\\/zoom.us\\/j\\/" + p.id + "\", \"" +
             (sep == " "    ? "passWord"
              : sep == "：" ? "pstn_password"
                            : "password") +
             "\": \"" + p.secret + "\"};</script>\n";
  }
  return {};
}

bool IsUtf8Page(const std::string& page) {
  for (std::size_t i = 0; i < page.size();) {
    unsigned char c = static_cast<unsigned char>(page[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > page.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(page[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  std::string lower = page.substr(0, 4096);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t at = lower.find("charset=");
  if (at == std::string::npos) return true;
  std::string value = lower.substr(at + 8, 7);
  return value.find("utf-8") != std::string::npos || value.find("utf8") != std::string::npos;
}

class SecretsOracleTest : public CliTest {
 protected:
  std::string NewSecret() {
    static const char* letters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    static const char* digits = "23456789";
    std::string s;
    for (int k = 0; k < 10; ++k) s += (k % 3 == 1) ? digits[rng_() % 8] : letters[rng_() % 49];
    return s;
  }
  std::string NewId() {
    std::string id;
    do {
      id = "8" + std::to_string(1000000000ULL + rng_() % 8999999999ULL);
    } while (!ids_.insert(id).second);
    return id;
  }
  // Every combination, batched into documents of about `per_doc` each.
  std::vector<std::string> Generate(std::size_t per_doc) {
    std::vector<std::string> docs(1);
    std::size_t in_doc = 0;
    for (const Language& lang : Languages())
      for (const char* label : lang.passcode_labels)
        for (const std::string& sep : Separators())
          for (Wrapper w : kWrappers) {
            Planted p{NewId(), NewSecret(), ""};
            p.text = Invitation(lang, label, sep, w, p);
            docs.back() += p.text + "<hr>\n";
            planted_.push_back(p);
            if (++in_doc == per_doc) {
              docs.emplace_back();
              in_doc = 0;
            }
          }
    if (docs.back().empty()) docs.pop_back();
    return docs;
  }
  void WriteInventory() {
    std::string csv = "meeting_id,owner_email,topic,kind\n";
    for (const Planted& p : planted_) csv += p.id + ",ana@acme.example,Oracle,scheduled\n";
    dir_.Write("meetings.csv", csv);
    dir_.Write("meetleak.toml",
               "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\ninventory = \"meetings.csv\"\n"
               "security_contact = \"secops@acme.example\"\n"
               "[notify]\nwebhook_url = \"http://127.0.0.1:9/hook\"\n");
  }
  // Runs every command that prints findings; returns what they printed.
  std::string RunEverything(const std::vector<std::string>& files) {
    std::string all;
    auto run = [&](std::vector<std::string> args, const std::set<int>& ok) {
      ProgramResult r = Meetleak(args);
      EXPECT_TRUE(ok.count(r.exit_code))
          << args[0] << " " << args[1] << " exit " << r.exit_code << ": " << r.err.substr(0, 2000);
      all += r.out + r.err;
      return r;
    };
    for (const std::string& file : files) {  // `scan` takes one target
      for (const char* format : {"text", "sarif"})
        run({"-v", "scan", file, "--no-store", "--format", format}, {0, 1});
      // Stored: a local file is stored only with --store.
      scan_json_.push_back(run({"-v", "scan", file, "--store", "--format", "json"}, {1}).out);
    }
    for (const char* format : {"json", "csv"})
      run({"-v", "leaks", "list", "--status", "all", "--format", format}, {0, 1});
    for (const char* format : {"text", "json", "csv", "sarif", "html"})
      run({"-v", "report", "--format", format}, {0, 1});
    run({"-v", "notify", "--dry-run"}, {0});
    return all;
  }
  void ExpectNoSecretAnywhere(const std::string& printed) {
    std::string db =
        ReadFile(dir_.path() / "meetleak.db") + ReadFile(dir_.path() / "meetleak.db-wal");
    int leaked = 0;
    for (const Planted& p : planted_) {
      if (printed.find(p.secret) != std::string::npos && ++leaked <= 5) {
        std::size_t at = printed.find(p.secret);
        ADD_FAILURE() << "secret " << p.secret << " of " << p.text << " printed: …"
                      << printed.substr(at > 160 ? at - 160 : 0, 200) << "…";
      }
      if (db.find(p.secret) != std::string::npos && ++leaked <= 5)
        ADD_FAILURE() << "secret " << p.secret << " in the DB";
    }
    EXPECT_EQ(leaked, 0) << "secrets leaked";
  }
  void ExpectEveryInvitationFound() {
    std::map<std::string, bool> passcode;  // id -> has_passcode of any finding
    for (const std::string& out : scan_json_) {
      ProgramResult scanned;
      scanned.out = out;
      nlohmann::json j = Json(scanned);
      for (const auto& f : j["findings"]) {
        if (!f["meeting_id"].is_string() || f["company"] != true) continue;
        passcode[f["meeting_id"].get<std::string>()] |= f["has_passcode"].get<bool>();
      }
    }
    int missing = 0, no_passcode = 0;
    for (const Planted& p : planted_) {
      auto it = passcode.find(p.id);
      if (it == passcode.end()) {
        if (++missing <= 5) ADD_FAILURE() << "invitation not found: " << p.text;
      } else if (!it->second) {
        if (++no_passcode <= 5) ADD_FAILURE() << "has_passcode false: " << p.text;
      }
    }
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(no_passcode, 0);
  }
  std::mt19937_64 rng_{20261204};
  std::set<std::string> ids_;
  std::vector<Planted> planted_;
  std::vector<std::string> scan_json_;
};

TEST_F(SecretsOracleTest, GeneratedInvitationsNeverLeakAndAreAllFound) {
  std::vector<std::string> docs = Generate(/*per_doc=*/400);
  std::vector<std::string> files;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    std::string name = "gen" + std::to_string(i) + ".html";
    dir_.Write(name, "<html><body>\n" + docs[i] + "</body></html>\n");
    files.push_back(name);
  }
  WriteInventory();
  std::string printed = RunEverything(files);
  ExpectNoSecretAnywhere(printed);
  ExpectEveryInvitationFound();
  EXPECT_GT(planted_.size(), 1000u);
}

TEST_F(SecretsOracleTest, InvitationsPlantedIntoCorpusPagesNeverLeak) {
  MEETLEAK_REQUIRE_SHARED();
  // UTF-8 pages only: planted UTF-8 labels in a page of another charset
  // would be read in that charset, as no real page writes them.
  std::vector<std::filesystem::path> pages;
  for (const auto& e : std::filesystem::directory_iterator(SharedDir() / "corpus" / "pages"))
    if (e.is_regular_file() && IsUtf8Page(ReadFile(e.path()))) pages.push_back(e.path());
  std::sort(pages.begin(), pages.end());
  ASSERT_FALSE(pages.empty());
  std::vector<std::string> invitations;
  for (std::string& doc : Generate(/*per_doc=*/1)) invitations.push_back(std::move(doc));
  std::vector<std::string> files;
  const std::size_t count = std::min<std::size_t>(pages.size(), 8);
  for (std::size_t i = 0; i < count; ++i) {
    std::string page = ReadFile(pages[i * pages.size() / count]);
    std::string planted;
    for (std::size_t k = i; k < invitations.size(); k += count) planted += invitations[k];
    // Into the middle of the page, at a tag boundary when there is one.
    std::size_t at = page.find('<', page.size() / 2);
    if (at == std::string::npos) at = page.size();
    page.insert(at, "\n" + planted + "\n");
    std::string name = "corpus" + std::to_string(i) + ".html";
    dir_.Write(name, page);
    files.push_back(name);
  }
  WriteInventory();
  std::string printed = RunEverything(files);
  ExpectNoSecretAnywhere(printed);
  ExpectEveryInvitationFound();
}

}  // namespace
}  // namespace meetleak::testing
