// JSON and CSV: parsed back (nlohmann; Python's csv module) and compared
// field by field with the fixture.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/render.h"
#include "tests/report/fixtures.h"

namespace meetleak {
namespace {

using nlohmann::json;
using testing::ReportFixture;

const std::vector<std::string> kFieldOrder = {
    "leak_id",      "meeting_id", "vanity",  "token",        "host",     "form",   "link_type",
    "has_passcode", "company",    "owner",   "meeting_kind", "severity", "status", "page_url",
    "entry_url",    "source_url", "context", "first_seen",   "last_seen"};

TEST(RenderJsonTest, HasTheDesignShapeFieldOrderAndNulls) {
  const std::vector<Finding> fixture = ReportFixture();
  const std::string out = RenderFindings(fixture, ReportFormat::kJson);
  const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(out);
  EXPECT_EQ(doc["version"], 1);
  EXPECT_FALSE(doc.contains("owners"));
  ASSERT_EQ(doc["findings"].size(), fixture.size());
  for (const auto& f : doc["findings"]) {
    std::vector<std::string> keys;
    for (const auto& item : f.items()) keys.push_back(item.key());
    EXPECT_EQ(keys, kFieldOrder);
    const int keys_set =
        !f["meeting_id"].is_null() + !f["vanity"].is_null() + !f["token"].is_null();
    EXPECT_EQ(keys_set, 1) << f.dump();
  }
  const auto& first = doc["findings"][0];
  EXPECT_EQ(first["leak_id"], 12);
  EXPECT_EQ(first["meeting_id"], "85512345678");
  EXPECT_EQ(first["host"], "acme-corp.zoom.us");
  EXPECT_EQ(first["form"], "url");
  EXPECT_EQ(first["link_type"], "join");
  EXPECT_EQ(first["has_passcode"], true);
  EXPECT_EQ(first["company"], true);
  EXPECT_EQ(first["owner"], "ana@acme.example");
  EXPECT_EQ(first["meeting_kind"], "recurring");
  EXPECT_EQ(first["severity"], "critical");
  EXPECT_EQ(first["status"], "open");
  EXPECT_EQ(first["page_url"], "https://example.org/feed.xml");
  EXPECT_EQ(first["entry_url"], "https://example.org/events/7");
  EXPECT_EQ(first["source_url"], "https://example.org/feed.xml");
  EXPECT_EQ(first["context"], fixture[0].context);
  EXPECT_EQ(first["first_seen"], "2026-11-26T10:00:00Z");
  EXPECT_EQ(first["last_seen"], "2026-11-26T12:00:00Z");

  const auto& id_text = doc["findings"][3];
  EXPECT_TRUE(id_text["host"].is_null());
  EXPECT_TRUE(id_text["link_type"].is_null());
  EXPECT_EQ(id_text["form"], "id_text");
  EXPECT_EQ(doc["findings"][2]["vanity"], "ana.smith");
  EXPECT_EQ(doc["findings"][4]["token"], "AbCdEfGhIjKl");
  EXPECT_TRUE(doc["findings"][4]["owner"].is_null());
  EXPECT_TRUE(doc["findings"][4]["meeting_kind"].is_null());
  EXPECT_EQ(doc["findings"][5]["context"], fixture[5].context);
}

TEST(RenderJsonTest, UnstoredScanFindingHasNullStoredFields) {
  const json doc = json::parse(RenderFindings({testing::ScanOnlyFinding()}, ReportFormat::kJson));
  const json& f = doc["findings"][0];
  EXPECT_TRUE(f["leak_id"].is_null());
  EXPECT_TRUE(f["status"].is_null());
  EXPECT_TRUE(f["first_seen"].is_null());
  EXPECT_TRUE(f["last_seen"].is_null());
  EXPECT_TRUE(f["owner"].is_null());
  EXPECT_TRUE(f["entry_url"].is_null());
  EXPECT_EQ(f["company"], false);
  EXPECT_EQ(f["severity"], "info");
}

TEST(RenderJsonTest, EmptyListIsAValidDocument) {
  const json doc = json::parse(RenderFindings({}, ReportFormat::kJson));
  EXPECT_EQ(doc, json::parse(R"({"version":1,"findings":[]})"));
}

TEST(RenderJsonTest, OwnersSummaryCountsPerOwner) {
  RenderOptions options;
  options.owners_summary = true;
  const nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(RenderFindings(ReportFixture(), ReportFormat::kJson, options));
  const auto& owners = doc["owners"];
  ASSERT_EQ(owners.size(), 3u);
  std::vector<std::string> keys;
  for (const auto& item : owners[0].items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"owner", "open", "critical", "high", "medium", "low"}));
  EXPECT_EQ(
      owners[0],
      nlohmann::ordered_json::parse(
          R"({"owner":"ana@acme.example","open":2,"critical":3,"high":0,"medium":0,"low":0})"));
  EXPECT_EQ(
      owners[1],
      nlohmann::ordered_json::parse(
          R"({"owner":"bob@acme.example","open":2,"critical":0,"high":1,"medium":1,"low":0})"));
  EXPECT_EQ(owners[2], nlohmann::ordered_json::parse(
                           R"({"owner":null,"open":1,"critical":0,"high":1,"medium":0,"low":0})"));
}

TEST(RenderJsonTest, InvalidUtf8InCrawledTextStillGivesValidJson) {
  Finding f = testing::StoredFinding(1, "123456789", "a@b.example", Severity::kHigh);
  f.context = "bad \xC3\x28 byte \xFF end";
  const std::string out = RenderFindings({f}, ReportFormat::kJson);
  const json doc = json::parse(out);  // throws on invalid UTF-8
  EXPECT_EQ(doc["findings"][0]["context"], "bad \xEF\xBF\xBD( byte \xEF\xBF\xBD end");
}

// Python's csv module reads the CSV back: an independent RFC 4180 reader.
std::vector<std::vector<std::string>> ParseCsvWithPython(const std::string& csv) {
  const std::string script =
      "import csv, io, json, sys\n"
      "rows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', "
      "newline=''), strict=True))\n"
      "print(json.dumps(rows))\n";
  testing::ProgramResult r = testing::RunPython(script, csv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out).get<std::vector<std::vector<std::string>>>();
}

TEST(RenderCsvTest, ParsesBackWithHeaderAndJsonColumnOrder) {
  const std::vector<Finding> fixture = ReportFixture();
  const std::string csv = RenderFindings(fixture, ReportFormat::kCsv);
  const auto rows = ParseCsvWithPython(csv);
  ASSERT_EQ(rows.size(), fixture.size() + 1);
  EXPECT_EQ(rows[0], kFieldOrder);
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i].size(), kFieldOrder.size());
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{
                "12", "85512345678", "", "", "acme-corp.zoom.us", "url", "join", "true", "true",
                "ana@acme.example", "recurring", "critical", "open", "https://example.org/feed.xml",
                "https://example.org/events/7", "https://example.org/feed.xml", fixture[0].context,
                "2026-11-26T10:00:00Z", "2026-11-26T12:00:00Z"}));
  EXPECT_EQ(csv.find("\r\n"), csv.find('\n') - 1) << "records end with CRLF";
}

TEST(RenderCsvTest, CommasQuotesAndNewlinesSurviveAndFormulasAreDefused) {
  const std::vector<Finding> fixture = ReportFixture();
  const auto rows = ParseCsvWithPython(RenderFindings(fixture, ReportFormat::kCsv));
  const std::size_t context = 16;
  // "=cmd|…" with a comma, quotes and a newline: intact, behind a '.
  EXPECT_EQ(rows[4][context], "'" + fixture[3].context);
  // "+1 see …" (a dial-looking start) and "<script>…" (no guard needed).
  EXPECT_EQ(rows[5][context], "'" + fixture[4].context);
  EXPECT_EQ(rows[6][context], fixture[5].context);
  for (const auto& row : rows)
    for (const std::string& cell : row)
      EXPECT_EQ(std::string_view("=+-@\t\r").find(cell.empty() ? 'x' : cell[0]), std::string::npos)
          << "formula-looking cell: " << cell;
}

TEST(RenderCsvTest, EveryFormulaLeadCharacterIsGuarded) {
  for (const std::string lead : {"=", "+", "-", "@", "\t", "\r"}) {
    Finding f = testing::StoredFinding(1, "123456789", "a@b.example", Severity::kHigh);
    f.context = lead + "SUM(A1:A9)";
    const auto rows = ParseCsvWithPython(RenderFindings({f}, ReportFormat::kCsv));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1][16], "'" + f.context);
  }
}

}  // namespace
}  // namespace meetleak
