// SARIF 2.1.0, validated against the OASIS schema in ../shared (read in
// place) with python3-jsonschema.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/render.h"
#include "tests/report/fixtures.h"
#include "tests/support/shared_corpus.h"

namespace meetleak {
namespace {

using nlohmann::json;
using testing::ReportFixture;

std::string Sarif(const std::vector<Finding>& findings) {
  RenderOptions options;
  options.tool_version = "0.1.0";
  return RenderFindings(findings, ReportFormat::kSarif, options);
}

TEST(RenderSarifTest, ValidatesAgainstTheSarif210Schema) {
  MEETLEAK_REQUIRE_SHARED();
  const std::string schema =
      (testing::SharedDir() / "schemas" / "sarif-schema-2.1.0.json").string();
  const std::string script =
      "import json, sys, jsonschema\n"
      "schema = json.load(open(sys.argv[1]))\n"
      "doc = json.load(sys.stdin)\n"
      "errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))\n"
      "for e in errors: print(list(e.path), e.message)\n"
      "sys.exit(1 if errors else 0)\n";
  std::vector<Finding> findings = ReportFixture();
  findings.push_back(testing::ScanOnlyFinding());
  findings[0].status = LeakStatus::kAllowed;
  findings[0].allow_reason = "public webinar series";
  findings[1].status = LeakStatus::kFalsePositive;
  findings[1].note = "not ours";
  for (const auto& input : {findings, std::vector<Finding>{}}) {
    testing::ProgramResult r = testing::RunPython(script, Sarif(input), {schema});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
}

TEST(RenderSarifTest, DriverRulesAndLevels) {
  std::vector<Finding> findings = ReportFixture();
  Finding low = testing::StoredFinding(20, "AbCdEfGhIjKx", "c@acme.example", Severity::kLow);
  low.key_kind = KeyKind::kToken;
  low.link_type = LinkType::kRegister;
  findings.push_back(low);
  findings.push_back(testing::ScanOnlyFinding());
  const json doc = json::parse(Sarif(findings));
  EXPECT_EQ(doc["version"], "2.1.0");
  const json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "meetleak");
  EXPECT_EQ(run["tool"]["driver"]["version"], "0.1.0");
  const json& rules = run["tool"]["driver"]["rules"];
  std::set<std::string> ids;
  for (const json& rule : rules) {
    ids.insert(rule["id"].get<std::string>());
    EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
  }
  EXPECT_EQ(ids.size(), rules.size()) << "one rule per kind and severity";
  const json& results = run["results"];
  ASSERT_EQ(results.size(), findings.size());
  const std::vector<std::string> levels = {"error", "error", "error", "warning",
                                           "error", "error", "note",  "note"};
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& r = results[i];
    EXPECT_EQ(r["level"], levels[i]) << i;
    EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              findings[i].page_url);
    const std::size_t index = r["ruleIndex"];
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(r["ruleId"], rules[index]["id"]);
  }
  EXPECT_EQ(results[1]["ruleId"], "zoom-url-start/critical");
  EXPECT_EQ(results[3]["ruleId"], "zoom-id_text/medium");
  EXPECT_EQ(results[6]["ruleId"], "zoom-url-register/low");
}

// Code-scanning UIs take security-severity from the rule: a critical and a
// high join link are two rules, each result is graded by its own severity.
TEST(RenderSarifTest, RulesPerFormAndSeverityCarrySecuritySeverity) {
  Finding critical =
      testing::StoredFinding(1, "85512345678", "a@acme.example", Severity::kCritical);
  critical.has_passcode = true;
  Finding high = testing::StoredFinding(2, "85512345679", "a@acme.example", Severity::kHigh);
  Finding medium = testing::StoredFinding(3, "85512345670", "a@acme.example", Severity::kMedium);
  Finding low = testing::StoredFinding(4, "85512345671", "a@acme.example", Severity::kLow);
  Finding high2 = testing::StoredFinding(5, "85512345672", "a@acme.example", Severity::kHigh);
  // High listed first: the critical one must not inherit the high rule.
  const std::vector<Finding> findings = {high, critical, medium, low, high2};
  const json doc = json::parse(Sarif(findings));
  const json& rules = doc["runs"][0]["tool"]["driver"]["rules"];
  const json& results = doc["runs"][0]["results"];
  ASSERT_EQ(rules.size(), 4u) << "two high join links share one rule";
  const std::map<std::string, std::string> expected = {
      {"critical", "9.5"}, {"high", "8.0"}, {"medium", "5.0"}, {"low", "3.0"}};
  const std::map<std::string, std::string> level = {
      {"critical", "error"}, {"high", "error"}, {"medium", "warning"}, {"low", "note"}};
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const std::string severity(ToString(findings[i].severity));
    const json& r = results[i];
    const json& rule = rules[r["ruleIndex"].get<std::size_t>()];
    EXPECT_EQ(r["ruleId"], "zoom-url-join/" + severity);
    EXPECT_EQ(rule["id"], r["ruleId"]);
    EXPECT_EQ(rule["properties"]["security-severity"], expected.at(severity)) << severity;
    EXPECT_EQ(rule["defaultConfiguration"]["level"], level.at(severity));
    EXPECT_EQ(r["level"], level.at(severity));
    EXPECT_EQ(r["properties"]["severity"], severity);
  }
}

// Allowed, acknowledged and false-positive leaks are suppressed in code
// scanning, with the reason the team gave; open and resolved ones are not.
TEST(RenderSarifTest, OwnerDecisionsAreExternalSuppressionsWithTheirReason) {
  auto leak = [](std::int64_t id, LeakStatus status) {
    Finding f = testing::StoredFinding(id, "8551234567" + std::to_string(id % 10), "a@acme.example",
                                       Severity::kHigh);
    f.status = status;
    return f;
  };
  Finding allowed = leak(1, LeakStatus::kAllowed);
  allowed.allow_reason = "public webinar series";
  Finding acked = leak(2, LeakStatus::kAcknowledged);
  acked.note = "waiting room on, passcode changed";
  Finding fp = leak(3, LeakStatus::kFalsePositive);
  fp.note = "a phone number, not a meeting";
  Finding acked_silent = leak(4, LeakStatus::kAcknowledged);
  const std::vector<Finding> findings = {allowed,
                                         acked,
                                         fp,
                                         acked_silent,
                                         leak(5, LeakStatus::kOpen),
                                         leak(6, LeakStatus::kResolved),
                                         testing::ScanOnlyFinding()};
  const json doc = json::parse(Sarif(findings));
  const json& results = doc["runs"][0]["results"];
  const std::vector<std::string> reasons = {
      "allowed by the configuration: public webinar series",
      "acknowledged by its owner: waiting room on, passcode changed",
      "marked a false positive: a phone number, not a meeting", "acknowledged by its owner"};
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    ASSERT_TRUE(results[i].contains("suppressions")) << i;
    const json& s = results[i]["suppressions"];
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0]["kind"], "external");
    EXPECT_EQ(s[0]["status"], "accepted");
    EXPECT_EQ(s[0]["justification"], reasons[i]);
  }
  for (std::size_t i = reasons.size(); i < findings.size(); ++i)
    EXPECT_FALSE(results[i].contains("suppressions")) << i;
}

TEST(RenderSarifTest, SuppressionReasonsAreRedacted) {
  Finding f = testing::StoredFinding(1, "85512345678", "a@acme.example", Severity::kHigh);
  f.status = LeakStatus::kAcknowledged;
  f.note = "moved to https://acme-corp.zoom.us/j/85512345678?pwd=SeCrEt123";
  const std::string sarif = Sarif({f});
  EXPECT_EQ(sarif.find("SeCrEt123"), std::string::npos);
  EXPECT_NE(sarif.find("acknowledged by its owner: moved to"), std::string::npos);
}

TEST(RenderSarifTest, FingerprintIsStablePerLeakKey) {
  const std::vector<Finding> fixture = ReportFixture();
  const json a = json::parse(Sarif(fixture));
  // Same leak key, different severity, status, context and time: same print.
  std::vector<Finding> changed = fixture;
  changed[0].severity = Severity::kHigh;
  changed[0].status = LeakStatus::kResolved;
  changed[0].context = "other";
  changed[0].last_seen = "2027-01-01T00:00:00Z";
  const json b = json::parse(Sarif(changed));
  const auto print = [](const json& doc, std::size_t i) {
    return doc["runs"][0]["results"][i]["partialFingerprints"]["meetleakLeakKey/v1"]
        .get<std::string>();
  };
  EXPECT_EQ(print(a, 0), print(b, 0));
  // Pinned: code scanning tools track alerts across runs and versions by it.
  EXPECT_EQ(print(a, 0), "91fe94e05deb77c3");
  EXPECT_EQ(print(a, 0), print(json::parse(Sarif({fixture[0]})), 0)) << "independent of order";
  std::set<std::string> prints;
  for (std::size_t i = 0; i < fixture.size(); ++i) prints.insert(print(a, i));
  EXPECT_EQ(prints.size(), fixture.size()) << "distinct leak keys, distinct prints";
  // Same key on another page is another leak.
  changed[0] = fixture[0];
  changed[0].page_url = "https://example.org/other";
  EXPECT_NE(print(json::parse(Sarif(changed)), 0), print(a, 0));
}

}  // namespace
}  // namespace meetleak
