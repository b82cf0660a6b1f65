// The machine-readable renderings: JSON (the design's shape) and CSV.
#include <sstream>

#include "report/render_internal.h"

namespace meetleak::report_internal {
namespace {

nlohmann::ordered_json OwnersJson(const std::vector<Finding>& findings) {
  nlohmann::ordered_json owners = nlohmann::ordered_json::array();
  for (const OwnerSummary& s : SummarizeOwners(findings)) {
    nlohmann::ordered_json o;
    o["owner"] =
        s.owner.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.owner);
    o["open"] = s.open;
    o["critical"] = s.critical;
    o["high"] = s.high;
    o["medium"] = s.medium;
    o["low"] = s.low;
    owners.push_back(std::move(o));
  }
  return owners;
}

// A cell's text: scalars as JSON writes them, null as an empty cell.
std::string CellText(const nlohmann::ordered_json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return ValidUtf8(value.get<std::string>());
  return DumpJson(value, -1);
}

// RFC 4180 quoting, and a leading ' on anything a spreadsheet would take for
// a formula (= + - @ tab CR), since crawled text lands in these cells.
std::string CsvCell(std::string text) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
    text.insert(text.begin(), '\'');
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace

void AddHistoryJson(const Finding& f, nlohmann::ordered_json& j) {
  const auto str_or_null = [](const std::string& s) -> nlohmann::ordered_json {
    return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(Scrubbed(s));
  };
  j["note"] = str_or_null(f.note);
  j["allow_reason"] = str_or_null(f.allow_reason);
  j["severity_reason"] = str_or_null(f.severity_reason);
  j["history"] = nlohmann::ordered_json::array();
  for (const FindingEvent& e : f.history)
    j["history"].push_back(
        {{"time", e.at.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.at)},
         {"event", e.kind},
         {"by", e.actor},
         {"note", str_or_null(e.note)}});
}

std::string RenderJson(const std::vector<Finding>& findings, const RenderOptions& options) {
  nlohmann::ordered_json doc;
  doc["version"] = 1;
  doc["findings"] = nlohmann::ordered_json::array();
  for (const Finding& f : findings) {
    nlohmann::ordered_json j = FindingJson(f);
    if (options.history) AddHistoryJson(f, j);
    doc["findings"].push_back(std::move(j));
  }
  if (options.owners_summary) doc["owners"] = OwnersJson(findings);
  return DumpJson(doc, 2) + "\n";
}

std::string RenderCsv(const std::vector<Finding>& findings) {
  std::ostringstream out;
  const std::vector<std::string>& names = FindingFieldNames();
  for (std::size_t i = 0; i < names.size(); ++i) out << (i ? "," : "") << names[i];
  out << "\r\n";
  for (const Finding& f : findings) {
    const nlohmann::ordered_json row = FindingJson(f);
    bool first = true;
    for (const auto& item : row.items()) {
      out << (first ? "" : ",") << CsvCell(CellText(item.value()));
      first = false;
    }
    out << "\r\n";
  }
  return out.str();
}

}  // namespace meetleak::report_internal
