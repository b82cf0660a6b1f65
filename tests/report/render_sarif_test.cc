// SARIF 2.1.0, validated against the OASIS schema in ../shared (read in
// place) with python3-jsonschema.
#include <gtest/gtest.h>

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
  EXPECT_EQ(ids.size(), rules.size()) << "one rule per kind";
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
  EXPECT_EQ(results[1]["ruleId"], "zoom-url-start");
  EXPECT_EQ(results[3]["ruleId"], "zoom-id_text");
  EXPECT_EQ(results[6]["ruleId"], "zoom-url-register");
}

TEST(RenderSarifTest, FingerprintIsStablePerLeakKey) {
  const std::vector<Finding> fixture = ReportFixture();
  const json a = json::parse(Sarif(fixture));
  // Same leak key, different severity, status, context and time: same print.
  std::vector<Finding> changed = fixture;
  changed[0].severity = Severity::kHigh;
  changed[0].status = "resolved";
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
