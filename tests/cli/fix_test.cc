// `meetleak fix` end to end: build/meetleak against the loopback Zoom
// stand-in (with its PATCH endpoints and each meeting's current passcode),
// a real SQLite file, leaks recorded by `scan --store` of local pages.
#include <fstream>
#include <sstream>

#include "tests/cli/cli_fixture.h"
#include "tests/support/zoom_stand_in.h"

namespace meetleak::testing {
namespace {

using nlohmann::json;

class FixTest : public CliTest {
 protected:
  void SetUp() override {
    fixture_ = ZoomFixture::Generate(2, 5);
    fixture_.users[1].pmi = "5062839174";
    zoom_.SetFixture(fixture_);
    WriteConfig("");
    ASSERT_EQ(Run({"inventory", "sync"}).exit_code, 0) << all_output_;
    synced_ = zoom_.Log().size();
  }
  void WriteConfig(const std::string& extra_zoom, const std::string& client_id = "client-1") {
    std::ofstream(dir_.path() / "meetleak.toml")
        << "[company]\nzoom_domains = [\"acme-corp.zoom.us\"]\n"
        << "security_contact = \"secops@acme.example\"\n"
        << "[zoom]\naccount_id = \"acct-1\"\nclient_id = \"" << client_id << "\"\n"
        << "client_secret_env = \"ZOOM_TEST_SECRET\"\n"
        << "api_url = \"" << zoom_.api_url() << "\"\noauth_url = \"" << zoom_.oauth_url()
        << "\"\nrequests_per_second = 500\n"
        << extra_zoom << "[notify]\nwebhook_url = \"http://127.0.0.1:9/hook\"\n";
  }
  ProgramResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), MeetleakBinary());
    ProgramResult r =
        RunProgram(args, "", dir_.path(), {"ZOOM_TEST_SECRET=" + zoom_.options().client_secret});
    all_output_ += r.out + r.err;
    return r;
  }
  // Records the leaks of a page holding `html`.
  void Publish(const std::string& name, const std::string& html) {
    std::ofstream(dir_.path() / name) << html;
    ProgramResult r = Run({"scan", name, "--store"});
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  }
  std::string JoinLink(const ZoomFixture::Meeting& m, const std::string& pwd) {
    return "https://acme-corp.zoom.us/j/" + m.id + (pwd.empty() ? "" : "?pwd=" + pwd);
  }
  json Leak(const std::string& key) {
    ProgramResult r = Run({"leaks", "list", "--status", "all", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto found = FindingsFor(Json(r), key);
    EXPECT_EQ(found.size(), 1u) << r.out;
    return found.empty() ? json() : found[0];
  }
  std::string Id(const std::string& key) { return std::to_string(Leak(key)["leak_id"].get<int>()); }
  // The requests since the sync of SetUp.
  std::vector<RecordedRequest> Requests(const std::string& method, const std::string& path) {
    std::vector<RecordedRequest> out;
    const std::vector<RecordedRequest> log = zoom_.Log();
    for (std::size_t i = synced_; i < log.size(); ++i)
      if (const RecordedRequest& r = log[i];
          r.method == method && r.target.substr(0, r.target.find('?')) == "/v2" + path)
        out.push_back(r);
    return out;
  }
  int Patches() {
    int n = 0;
    for (const RecordedRequest& r : zoom_.Log()) n += r.method == "PATCH";
    return n;
  }
  std::string FileBytes(const std::string& name) {
    std::ifstream in(dir_.path() / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // No passcode the stand-in received is in any output, the DB or its WAL.
  void ExpectNoGeneratedPasscodeAnywhere() {
    const std::vector<std::string> sent = zoom_.ReceivedPasscodes();
    ASSERT_FALSE(sent.empty());
    const std::string db = FileBytes("meetleak.db"), wal = FileBytes("meetleak.db-wal");
    for (const std::string& p : sent) {
      EXPECT_EQ(all_output_.find(p), std::string::npos) << "printed: " << p;
      EXPECT_EQ(db.find(p), std::string::npos) << "in the DB: " << p;
      EXPECT_EQ(wal.find(p), std::string::npos) << "in the WAL: " << p;
    }
  }
  const ZoomFixture::Meeting& CurrentMeeting(const std::string& id) {
    current_ = zoom_.Current();
    for (const auto& u : current_.users)
      for (const auto& m : u.meetings)
        if (m.id == id) return m;
    static const ZoomFixture::Meeting kNone;
    ADD_FAILURE() << "no meeting " << id;
    return kNone;
  }

  std::size_t synced_ = 0;
  ZoomFixture fixture_, current_;
  ZoomStandIn zoom_;
  std::string all_output_;
};

TEST_F(FixTest, WithoutApplyThePlanShowsTheExactCallsAndNothingIsSent) {
  const auto& m = fixture_.users[0].meetings[0];
  Publish("p.html", "<a href=\"" + JoinLink(m, "enc" + m.password) + "\">join</a>");
  const int before = zoom_.api_requests();
  const std::size_t logged = zoom_.Log().size();
  ProgramResult r = Run({"fix", "--all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("call: PATCH /meetings/" + m.id +
                       " {\"password\":\"…generated…\",\"settings\":{\"waiting_room\":true}}"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("check: GET /meetings/" + m.id), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing was sent"), std::string::npos) << r.out;
  EXPECT_EQ(zoom_.api_requests(), before);
  EXPECT_EQ(zoom_.Log().size(), logged) << "not even a token request";
  EXPECT_EQ(Leak(m.id)["status"], "open");
}

TEST_F(FixTest, ApplyRotatesTheCurrentPasscodeWithTheWaitingRoomAndRecordsIt) {
  const auto& m = fixture_.users[0].meetings[4];  // recurring: the whole series
  ASSERT_EQ(m.type, 8);
  Publish("p.html", "Weekly: " + JoinLink(m, "enc" + m.password + ".1"));
  const std::string id = Id(m.id);
  ProgramResult r = Run({"fix", id, "--apply", "--log-format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto patches = Requests("PATCH", "/meetings/" + m.id);
  ASSERT_EQ(patches.size(), 1u) << "no occurrence_id: the series";
  EXPECT_EQ(patches[0].target, "/v2/meetings/" + m.id);
  json body = json::parse(patches[0].body);
  EXPECT_EQ(body["settings"], (json{{"waiting_room", true}}));
  const std::string sent = body["password"];
  EXPECT_LE(sent.size(), 10u);
  EXPECT_EQ(
      sent.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@-_*"),
      std::string::npos);
  EXPECT_NE(sent, m.password);
  EXPECT_EQ(CurrentMeeting(m.id).password, sent);
  EXPECT_EQ(Requests("GET", "/meetings/" + m.id).size(), 1u) << "checked before the change";
  EXPECT_NE(r.err.find("\"event\":\"fix_applied\""), std::string::npos) << r.err;

  const json leak = Leak(m.id);
  EXPECT_EQ(leak["status"], "resolved");
  ProgramResult show = Run({"leaks", "show", id});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("PATCH /meetings/" + m.id + ": new passcode, waiting room on (HTTP 204)"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("meetleak fix --apply"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("fixed through Zoom's API"), std::string::npos) << show.out;
  ProgramResult report = Run({"report", "--status", "all", "--format", "json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  bool fixed = false;
  const std::vector<json> found = FindingsFor(Json(report), m.id);
  ASSERT_EQ(found.size(), 1u);
  for (const json& e : found[0]["history"]) fixed |= e["event"] == "fixed" && e["by"] == "zoom";
  EXPECT_TRUE(fixed) << report.out;
  ProgramResult digest = Run({"notify", "--dry-run"});
  ASSERT_EQ(digest.exit_code, 0) << digest.err;
  EXPECT_NE(digest.out.find("send the new invitation"), std::string::npos) << digest.out;
  EXPECT_NE(digest.out.find("fixed through Zoom's API"), std::string::npos) << digest.out;
  ExpectNoGeneratedPasscodeAnywhere();
}

TEST_F(FixTest, AStalePasscodeIsNeverRotatedAndAMeetingAtMostOnceADay) {
  const auto& m = fixture_.users[0].meetings[0];
  Publish("stale.html", JoinLink(m, "encNotItsPasscode"));
  ProgramResult r = Run({"fix", Id(m.id), "--apply"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("not the meeting's current one"), std::string::npos) << r.out;
  EXPECT_EQ(Patches(), 0);
  EXPECT_EQ(Leak(m.id)["status"], "open");

  // The real passcode on another page: rotated once; the new one published
  // again the same day is not rotated again.
  Publish("real.html", "<p>" + JoinLink(m, "enc" + m.password) + "</p>");
  ASSERT_EQ(Run({"fix", "--all", "--apply"}).exit_code, 0) << all_output_;
  EXPECT_EQ(Patches(), 1);
  const std::string now_current = CurrentMeeting(m.id).password;
  Publish("again.html", "<p>" + JoinLink(m, "enc" + now_current) + "</p>");
  ProgramResult again = Run({"fix", "--all", "--apply"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("less than a day ago"), std::string::npos) << again.out;
  EXPECT_EQ(Patches(), 1);
  EXPECT_EQ(CurrentMeeting(m.id).password, now_current);
}

TEST_F(FixTest, AStartLinkIsFixedAndTheOwnerToldWhatItsTokenAllows) {
  const auto& m = fixture_.users[0].meetings[1];
  Publish("s.html", "https://acme-corp.zoom.us/s/" + m.id + "?zak=eyJzdGFydFRva2Vu");
  ProgramResult plan = Run({"fix", "--all"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("2 hours (90 days for users created through the API)"), std::string::npos)
      << plan.out;
  EXPECT_NE(plan.out.find("sign out of all devices"), std::string::npos) << plan.out;
  ProgramResult r = Run({"fix", "--all", "--apply"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Requests("PATCH", "/meetings/" + m.id).size(), 1u);
  ProgramResult digest = Run({"notify", "--dry-run"});
  EXPECT_NE(digest.out.find("sign out of all devices"), std::string::npos) << digest.out;
  ExpectNoGeneratedPasscodeAnywhere();
}

TEST_F(FixTest, AJoinLinkWithoutPasscodeGetsOneAndTheWaitingRoom) {
  const auto& m = fixture_.users[1].meetings[2];
  Publish("j.html", JoinLink(m, ""));
  ASSERT_EQ(Run({"fix", "--all", "--apply"}).exit_code, 0) << all_output_;
  auto patches = Requests("PATCH", "/meetings/" + m.id);
  ASSERT_EQ(patches.size(), 1u);
  json body = json::parse(patches[0].body);
  EXPECT_TRUE(body["password"].is_string());
  EXPECT_EQ(body["settings"]["waiting_room"], true);
  EXPECT_TRUE(Requests("GET", "/meetings/" + m.id).empty()) << "no published passcode to check";
  EXPECT_EQ(Leak(m.id)["status"], "resolved");
}

TEST_F(FixTest, APmiChangesOnlyWithAllowPmiChange) {
  const auto& u = fixture_.users[1];
  Publish("pmi.html", "My room: https://acme-corp.zoom.us/my/" + u.vanity + " and " +
                          JoinLink({.id = u.pmi}, ""));
  ProgramResult hand = Run({"fix", "--all", "--apply"});
  ASSERT_EQ(hand.exit_code, 0) << hand.err;
  EXPECT_NE(hand.out.find("--allow-pmi-change"), std::string::npos) << hand.out;
  EXPECT_NE(hand.out.find("choose a new one"), std::string::npos) << "a personal link's name";
  EXPECT_EQ(Patches(), 0);
  ProgramResult r = Run({"fix", "--all", "--apply", "--allow-pmi-change"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto user_patch = Requests("PATCH", "/users/" + u.email);
  ASSERT_EQ(user_patch.size(), 1u) << "one new PMI for the user, whatever leaked of it";
  json pmi = json::parse(user_patch[0].body)["pmi"];
  ASSERT_TRUE(pmi.is_number_integer());
  const std::string digits = std::to_string(pmi.get<long long>());
  EXPECT_EQ(digits.size(), 10u);
  EXPECT_NE(digits[0], '0');
  EXPECT_NE(digits[0], '1');
  EXPECT_NE(digits, u.pmi);
  auto settings = Requests("PATCH", "/users/" + u.email + "/settings");
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_EQ(json::parse(settings[0].body)["schedule_meeting"]["require_password_for_pmi_meetings"],
            "all");
  EXPECT_EQ(zoom_.Current().users[1].pmi, digits);
  EXPECT_EQ(Leak(u.vanity)["status"], "resolved");
  EXPECT_EQ(Leak(u.pmi)["status"], "resolved");
  ExpectNoGeneratedPasscodeAnywhere();
}

TEST_F(FixTest, ARefusedAndARateLimitedCallLeaveTheirLeaksAndTheOthersGoOn) {
  const auto& a = fixture_.users[0].meetings[0];
  const auto& b = fixture_.users[0].meetings[1];
  const auto& c = fixture_.users[0].meetings[2];
  Publish("p.html", JoinLink(a, "") + " " + JoinLink(b, "") + " " + JoinLink(c, ""));
  zoom_.AddFault({.path = "/v2/meetings/" + a.id,
                  .reply = Reply{.status = 400,
                                 .body = R"({"code":3000,"message":"Cannot access meeting info."})",
                                 .headers = {{"Content-Type", "application/json"}}}});
  zoom_.AddFault(
      {.path = "/v2/meetings/" + b.id, .count = 50, .reply = ZoomStandIn::RateLimited("0")});
  ProgramResult r = Run({"fix", "--all", "--apply"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("code 3000: Cannot access meeting info."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("PATCH /meetings/" + b.id), std::string::npos) << r.err;
  EXPECT_EQ(Leak(a.id)["status"], "open");
  EXPECT_EQ(Leak(b.id)["status"], "open");
  EXPECT_EQ(Leak(c.id)["status"], "resolved");
  EXPECT_EQ(CurrentMeeting(a.id).password, a.password);
  ProgramResult show = Run({"leaks", "show", Id(a.id), "--format", "json"});
  EXPECT_EQ(show.out.find("\"fixed\""), std::string::npos) << "a failed call records no fix";
  ExpectNoGeneratedPasscodeAnywhere();
}

TEST_F(FixTest, GoneAllowedAndFalsePositiveLeaksAreNeverTouched) {
  const auto& m = fixture_.users[0].meetings[0];
  Publish("p.html", JoinLink(m, "enc" + m.password));
  const std::string id = Id(m.id);
  ASSERT_EQ(Run({"leaks", "false-positive", id}).exit_code, 0);
  ProgramResult r = Run({"fix", id, "--apply"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("the leak is false_positive: meetleak never changes its meeting"),
            std::string::npos)
      << r.out;
  ProgramResult all = Run({"fix", "--all", "--apply"});
  EXPECT_NE(all.out.find("fix: 0 leaks"), std::string::npos) << all.out;
  EXPECT_EQ(Patches(), 0);
  EXPECT_TRUE(Requests("GET", "/meetings/" + m.id).empty());
}

TEST_F(FixTest, AnExpiredMeetingIsSkippedWithAReason) {
  fixture_.users[0].meetings[3].start_time = "2025-01-10T10:00:00Z";
  zoom_.SetFixture(fixture_);
  ASSERT_EQ(Run({"inventory", "sync"}).exit_code, 0) << all_output_;
  const auto& m = fixture_.users[0].meetings[3];
  Publish("p.html", JoinLink(m, "enc" + m.password));
  ProgramResult r = Run({"fix", "--all", "--apply"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("expired"), std::string::npos) << r.out;
  EXPECT_EQ(Patches(), 0);
}

TEST_F(FixTest, ZoomsDailyLimitOfAHundredUpdatesPerUserIsRespected) {
  fixture_ = ZoomFixture::Generate(1, 101);
  zoom_.SetFixture(fixture_);
  ASSERT_EQ(Run({"inventory", "sync", "--allow-shrink"}).exit_code, 0) << all_output_;
  std::string page;
  for (const auto& m : fixture_.users[0].meetings) page += JoinLink(m, "") + "\n";
  Publish("many.txt", page);
  ProgramResult r = Run({"fix", "--all", "--apply", "-q"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.out.find("100 applied, 0 skipped, 1 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Zoom's limit of 100 meeting updates per user per day"), std::string::npos)
      << r.err;
  EXPECT_EQ(zoom_.UpdatesOf(fixture_.users[0].id), 100);
}

TEST_F(FixTest, TheFixAppsCredentialsAreUsedAndABadFixConfigStopsBeforeAnyRequest) {
  const auto& m = fixture_.users[0].meetings[2];
  Publish("p.html", JoinLink(m, ""));
  const std::size_t logged = zoom_.Log().size();
  WriteConfig("fix_client_id = \"client-1\"\n", "read-only-sync-app");
  ProgramResult unset = Run({"fix", "--all", "--apply"});  // its variable is not given
  EXPECT_EQ(unset.exit_code, 2) << unset.err;
  WriteConfig("fix_client_id = \"client-1\"\nfix_client_secret_env = \"ZOOM_FIX_SECRET\"\n",
              "read-only-sync-app");
  ProgramResult missing_env = Run({"fix", "--all", "--apply"});
  EXPECT_EQ(missing_env.exit_code, 2) << missing_env.err;
  EXPECT_NE(missing_env.err.find("zoom.fix_client_secret_env"), std::string::npos)
      << missing_env.err;
  EXPECT_NE(missing_env.err.find("ZOOM_FIX_SECRET"), std::string::npos) << missing_env.err;
  EXPECT_EQ(zoom_.Log().size(), logged) << "no request before the config is whole";
  ProgramResult r = RunProgram({MeetleakBinary(), "fix", "--all", "--apply"}, "", dir_.path(),
                               {"ZOOM_FIX_SECRET=" + zoom_.options().client_secret});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Leak(m.id)["status"], "resolved");
}

TEST_F(FixTest, AFixClientIdWithoutItsSecretIsAConfigErrorNamingTheKey) {
  WriteConfig("fix_client_id = \"fixer\"\n");
  ProgramResult r = Run({"fix", "--all"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("meetleak.toml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("zoom.fix_client_secret_env"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("meetleak.toml:11: zoom.fix_client_secret_env"), std::string::npos)
      << "file, line and key: " << r.err;
  WriteConfig("");
  ProgramResult neither = Run({"fix"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("LEAK_ID"), std::string::npos) << neither.err;
}

}  // namespace
}  // namespace meetleak::testing
