// Shared pieces of every rendering: the finding's JSON shape, grouping,
// labels, remediation advice, UTF-8 hygiene.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "base/ascii.h"
#include "matchers/matcher.h"
#include "report/render_internal.h"

namespace meetleak::report_internal {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

// Every string a report prints, redacted. A report repeats its strings
// (every finding of a scan names the same page and source), and
// RedactSecrets keeps each thread's recent short texts, so they cost one
// redaction each.
std::string Scrubbed(std::string_view s) { return RedactSecrets(s); }

nlohmann::ordered_json FindingJson(const Finding& f) {
  using nlohmann::ordered_json;
  const auto str_or_null = [](const std::string& s) -> ordered_json {
    return s.empty() ? ordered_json(nullptr) : ordered_json(s);
  };
  const auto opt_or_null = [](const std::optional<std::string>& s) -> ordered_json {
    return s ? ordered_json(*s) : ordered_json(nullptr);
  };
  const auto key_if = [&](KeyKind k) -> ordered_json {
    return f.key_kind == k ? ordered_json(f.key) : ordered_json(nullptr);
  };
  ordered_json j;
  j["leak_id"] = f.leak_id ? ordered_json(*f.leak_id) : ordered_json(nullptr);
  j["meeting_id"] = key_if(KeyKind::kMeetingId);
  j["vanity"] = key_if(KeyKind::kVanity);
  j["token"] = key_if(KeyKind::kToken);
  j["host"] = str_or_null(f.host);
  j["form"] = std::string(ToString(f.form));
  j["link_type"] = str_or_null(std::string(ToString(f.link_type)));
  j["has_passcode"] = f.has_passcode;
  j["company"] = f.company;
  j["owner"] = str_or_null(f.owner);
  j["meeting_kind"] = str_or_null(std::string(ToString(f.meeting_kind)));
  j["severity"] = std::string(ToString(f.severity));
  j["status"] = f.status ? ordered_json(std::string(ToString(*f.status))) : ordered_json(nullptr);
  j["page_url"] = Scrubbed(f.page_url);
  j["entry_url"] = str_or_null(Scrubbed(f.entry_url));
  j["source_url"] = Scrubbed(f.source_url);
  j["context"] = Scrubbed(f.context);
  j["first_seen"] = opt_or_null(f.first_seen);
  j["last_seen"] = opt_or_null(f.last_seen);
  return j;
}

const std::vector<std::string>& FindingFieldNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    const nlohmann::ordered_json sample = FindingJson(Finding{});
    for (const auto& item : sample.items()) v.push_back(item.key());
    return v;
  }();
  return names;
}

std::string DumpJson(const nlohmann::ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::vector<OwnerSummary> SummarizeOwners(const std::vector<Finding>& findings) {
  std::map<std::string, OwnerSummary> by_owner;
  for (const Finding& f : findings) {
    OwnerSummary& s = by_owner[f.owner];
    s.owner = f.owner;
    ++s.total;
    if (f.status == LeakStatus::kOpen) ++s.open;
    switch (f.severity) {
      case Severity::kCritical:
        ++s.critical;
        break;
      case Severity::kHigh:
        ++s.high;
        break;
      case Severity::kMedium:
        ++s.medium;
        break;
      case Severity::kLow:
        ++s.low;
        break;
      case Severity::kInfo:
        ++s.info;
        break;
    }
  }
  std::vector<OwnerSummary> out;
  for (auto& [owner, s] : by_owner)
    if (!owner.empty()) out.push_back(std::move(s));
  if (auto it = by_owner.find(""); it != by_owner.end()) out.push_back(std::move(it->second));
  return out;
}

std::vector<OwnerGroup> GroupByOwnerAndMeeting(const std::vector<Finding>& findings) {
  // owner -> (key kind, key) -> group; std::map gives the alphabetical order.
  std::map<std::string, std::map<std::pair<KeyKind, std::string>, MeetingGroup>> tree;
  for (const Finding& f : findings) {
    MeetingGroup& g = tree[f.owner][{f.key_kind, f.key}];
    g.key_kind = f.key_kind;
    g.key = f.key;
    if (g.topic.empty()) g.topic = f.topic;
    if (g.meeting_kind == MeetingKind::kUnknown) g.meeting_kind = f.meeting_kind;
    g.worst = std::max(g.worst, f.severity);
    g.findings.push_back(&f);
  }
  // Worst first; then the most recently seen; then by page URL.
  const auto worse_finding = [](const Finding* a, const Finding* b) {
    if (a->severity != b->severity) return a->severity > b->severity;
    const std::string a_seen = a->last_seen.value_or(""), b_seen = b->last_seen.value_or("");
    if (a_seen != b_seen) return a_seen > b_seen;
    return a->page_url < b->page_url;
  };
  std::vector<OwnerGroup> out;
  for (auto& [owner, meetings] : tree) {
    OwnerGroup og;
    og.owner = owner;
    for (auto& [key, group] : meetings) {
      std::stable_sort(group.findings.begin(), group.findings.end(), worse_finding);
      og.meetings.push_back(std::move(group));
    }
    std::stable_sort(
        og.meetings.begin(), og.meetings.end(),
        [](const MeetingGroup& a, const MeetingGroup& b) { return a.worst > b.worst; });
    out.push_back(std::move(og));
  }
  // Owner-less findings last: "" sorts first in the map.
  if (!out.empty() && out.front().owner.empty())
    std::rotate(out.begin(), out.begin() + 1, out.end());
  return out;
}

std::string DisplayKey(KeyKind kind, const std::string& key) {
  if (kind != KeyKind::kMeetingId || key.size() < 9 || key.size() > 11) return key;
  // Zoom's groupings: 3-3-3, 3-3-4, 3-4-4.
  const std::size_t second = key.size() == 11 ? 4 : 3;
  return key.substr(0, 3) + " " + key.substr(3, second) + " " + key.substr(3 + second);
}

std::string MeetingLabel(const MeetingGroup& g) {
  std::string label;
  switch (g.key_kind) {
    case KeyKind::kMeetingId:
      label = "Meeting " + DisplayKey(g.key_kind, g.key);
      break;
    case KeyKind::kVanity:
      label = "Personal link /my/" + g.key;
      break;
    case KeyKind::kToken:
      label = "Link token " + g.key + "\xE2\x80\xA6";
      break;
  }
  // Appends, not `" (" + std::string(…)`: GCC 12 at -O3 warns falsely
  // (-Wrestrict, GCC bug 105329) on that form.
  if (!g.topic.empty()) label.append(" \"").append(g.topic).append("\"");
  if (g.meeting_kind != MeetingKind::kUnknown)
    label.append(" (").append(ToString(g.meeting_kind)).append(")");
  return label;
}

std::string FormLabel(const Finding& f) {
  std::string label(ToString(f.form));
  if (f.link_type != LinkType::kNone) label.append("/").append(ToString(f.link_type));
  return label;
}

std::vector<std::string> Remediation(const Finding& f) {
  std::vector<std::string> advice;
  if (f.link_type == LinkType::kStart)
    advice.push_back(
        "A host start link is public: whoever has it can start the meeting as its host. Delete the "
        "meeting and re-create it (new ID, new start link), then send the new invitation "
        "privately.");
  if (f.meeting_kind == MeetingKind::kPmi || f.link_type == LinkType::kPersonal)
    advice.push_back(
        "This is a Personal Meeting ID / personal link: stop using it for public events "
        "(schedule a separate meeting for them) and change your PMI or personal link in the "
        "Zoom profile settings.");
  if (f.has_passcode)
    advice.push_back(
        "The passcode is published with it: change the meeting passcode and share the "
        "new one only with invitees.");
  if (f.link_type == LinkType::kRecording)
    advice.push_back(
        "A cloud recording is shared publicly: remove the share, or restrict it (passcode, "
        "authenticated users only, expiry date).");
  if (f.link_type == LinkType::kRecording)
    advice.push_back("Take the post down or ask the site that published it to remove the link.");
  else
    advice.push_back(
        "Turn on the waiting room for this meeting, and take the post down or ask the site "
        "that published it to remove the link.");
  return advice;
}

bool IsHttpUrl(std::string_view url) {
  return ascii::StartsWithIgnoreCase(url, "http://") ||
         ascii::StartsWithIgnoreCase(url, "https://");
}

}  // namespace meetleak::report_internal

namespace meetleak {

Result<ReportFormat> ParseFormat(std::string_view name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "html") return ReportFormat::kHtml;
  if (name == "sarif") return ReportFormat::kSarif;
  return Status::InvalidInput("--format: unknown format '" + std::string(name) + "'");
}

Result<ReportFormat> ParseListFormat(std::string_view name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  return Status::InvalidInput("--format: '" + std::string(name) + "' is not offered here");
}

std::string RenderFindings(const std::vector<Finding>& findings, ReportFormat format,
                           const RenderOptions& options) {
  using namespace report_internal;
  switch (format) {
    case ReportFormat::kText:
      return RenderText(findings, options);
    case ReportFormat::kJson:
      return RenderJson(findings, options);
    case ReportFormat::kCsv:
      return RenderCsv(findings);
    case ReportFormat::kHtml:
      return RenderHtml(findings, options);
    case ReportFormat::kSarif:
      return RenderSarif(findings, options);
  }
  return {};
}

std::string RenderLeakDetail(const Finding& finding, std::int64_t sightings) {
  return report_internal::LeakDetailText(finding, sightings);
}

}  // namespace meetleak
