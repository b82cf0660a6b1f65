// Renderings of findings: text, JSON, CSV, SARIF 2.1.0, HTML.
//
// Each function returns the whole document as a string (UTF-8). Input strings
// are already redacted; each renderer escapes for its own format (CSV quotes
// and formula guards, HTML entities, JSON escapes).
#ifndef MEETLEAK_REPORT_RENDER_H_
#define MEETLEAK_REPORT_RENDER_H_

#include <string>
#include <vector>

#include "report/finding.h"

namespace meetleak {

enum class ReportFormat { kText, kJson, kCsv, kHtml, kSarif };

struct RenderOptions {
  bool owners_summary = false;  // JSON: add the "owners" array (report)
  bool remediation = false;     // text: group by owner and meeting, with advice (report)
  std::string tool_version;     // SARIF driver version
  std::string intro;            // text (remediation) and HTML: a paragraph above the findings
};

std::string RenderFindings(const std::vector<Finding>& findings, ReportFormat format,
                           const RenderOptions& options = {});

}  // namespace meetleak

#endif  // MEETLEAK_REPORT_RENDER_H_
