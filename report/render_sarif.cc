// SARIF 2.1.0: one rule per (form, link type, severity), one result per
// finding; owner decisions as external suppressions.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <utility>

#include "report/render_internal.h"

namespace meetleak::report_internal {
namespace {

using nlohmann::ordered_json;

struct RuleKind {
  RefForm form;
  LinkType link_type;
  const char* name;        // PascalCase rule name
  const char* short_text;  // one line
  const char* help;        // what it means and what to do
};

// Every kind the matchers produce, in a fixed order so ruleIndex is stable.
constexpr RuleKind kRuleKinds[] = {
    {RefForm::kUrl, LinkType::kJoin, "PublicZoomJoinLink", "Zoom join link on a public page",
     "Anyone who reads the page can join the meeting; with ?pwd= in the link they skip the "
     "passcode too. Turn on the waiting room, change the passcode if it was in the link, and "
     "take the post down or ask the site to."},
    {RefForm::kUrl, LinkType::kWebinar, "PublicZoomWebinarLink",
     "Zoom webinar link on a public page",
     "Anyone can join the webinar. If it is not meant to be public, require registration, "
     "change the passcode, and have the link removed."},
    {RefForm::kUrl, LinkType::kStart, "PublicZoomStartLink",
     "Zoom host start link on a public page",
     "A /s/ start link lets anyone start the meeting as its host. Delete and re-create the "
     "meeting, and have the page taken down."},
    {RefForm::kUrl, LinkType::kPersonal, "PublicZoomPersonalLink",
     "Zoom personal link (/my/NAME) on a public page",
     "A personal link is a permanent room. Stop using it for public events and change the "
     "personal link and PMI in the Zoom profile."},
    {RefForm::kUrl, LinkType::kRegister, "PublicZoomRegistrationLink",
     "Zoom registration link on a public page",
     "Registration links are often meant to be public; if not, close registration or require "
     "approval and have the link removed."},
    {RefForm::kUrl, LinkType::kRecording, "PublicZoomRecordingLink",
     "Zoom cloud recording link on a public page",
     "Anyone can watch the recording. Remove the share or restrict it (passcode, "
     "authenticated users, expiry)."},
    {RefForm::kAppLink, LinkType::kJoin, "PublicZoomAppJoinLink",
     "Zoom app join link (zoommtg://, zoomus://, intent://) on a public page",
     "The app link joins the meeting directly. Turn on the waiting room, change the passcode "
     "if it was included, and have the link removed."},
    {RefForm::kAppLink, LinkType::kStart, "PublicZoomAppStartLink",
     "Zoom app start link on a public page",
     "The app link starts the meeting as its host. Delete and re-create the meeting, and have "
     "the page taken down."},
    {RefForm::kIdText, LinkType::kNone, "PublicZoomMeetingId",
     "Zoom meeting ID in invitation text on a public page",
     "The meeting ID (and any passcode line beside it) lets anyone join. Turn on the waiting "
     "room, change the passcode, and have the invitation removed; for a PMI, stop using it "
     "for public events and change it."},
    {RefForm::kDialIn, LinkType::kNone, "PublicZoomDialIn",
     "Zoom dial-in (tel:, one-tap, SIP) on a public page",
     "The dial string joins the meeting by phone; a one-tap string with *PASSCODE# skips the "
     "passcode. Change the passcode and have the invitation removed."},
};

// One rule per (form, link type, severity): code-scanning tools read
// security-severity from the rule, so a critical and a high join link are
// two rules and neither shows as the other.
constexpr std::size_t kOtherIndex = std::size(kRuleKinds);

// "zoom-url-join/critical"; a kind outside the table is "zoom-reference/…".
std::string RuleId(std::size_t kind_index, Severity severity) {
  std::string id = "zoom-reference";
  if (kind_index < kOtherIndex) {
    const RuleKind& kind = kRuleKinds[kind_index];
    id = "zoom-" + std::string(ToString(kind.form));
    if (kind.link_type != LinkType::kNone) id += "-" + std::string(ToString(kind.link_type));
  }
  return id + "/" + std::string(ToString(severity));
}

const char* Level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
    case Severity::kInfo:
      return "note";
  }
  return "note";
}

// GitHub code scanning's numeric severity (0.1–3.9 low, 4–6.9 medium,
// 7–8.9 high, 9+ critical). A non-company reference (info) is no risk to
// the company: 0.0.
const char* SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.0";
    case Severity::kLow:
      return "3.0";
    case Severity::kInfo:
      return "0.0";
  }
  return "0.0";
}

std::string Capitalized(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

constexpr RuleKind kOtherKind = {RefForm::kUrl, LinkType::kNone, "PublicZoomReference",
                                 "Zoom meeting reference on a public page",
                                 "Have the reference removed and protect the meeting."};

ordered_json RuleJson(std::size_t kind_index, Severity severity) {
  const RuleKind& kind = kind_index < kOtherIndex ? kRuleKinds[kind_index] : kOtherKind;
  ordered_json rule;
  rule["id"] = RuleId(kind_index, severity);
  rule["name"] = std::string(kind.name) + Capitalized(ToString(severity));
  const std::string short_text =
      std::string(kind.short_text) + " (" + std::string(ToString(severity)) + ")";
  rule["shortDescription"]["text"] = short_text;
  rule["fullDescription"]["text"] = short_text + ". " + kind.help;
  rule["help"]["text"] = kind.help;
  rule["defaultConfiguration"]["level"] = Level(severity);
  rule["properties"]["tags"] = {"security", "zoom", "meeting-leak"};
  rule["properties"]["security-severity"] = SecuritySeverity(severity);
  return rule;
}

// The rule's place: (index of the finding's kind in kRuleKinds, or
// kOtherIndex; severity). Ordered by kind, then worst first.
using RulePlace = std::pair<std::size_t, Severity>;

RulePlace PlaceOf(const Finding& f) {
  std::size_t i = 0;
  while (i < kOtherIndex &&
         (kRuleKinds[i].form != f.form || kRuleKinds[i].link_type != f.link_type))
    ++i;
  return {i, f.severity};
}

bool RuleBefore(const RulePlace& a, const RulePlace& b) {
  return a.first != b.first ? a.first < b.first : a.second > b.second;
}

// Allowed, acknowledged and false-positive leaks are decisions made outside
// the scanned page: SARIF's external suppressions, with the reason.
ordered_json Suppressions(const Finding& f) {
  if (!f.status) return nullptr;
  std::string justification;
  if (*f.status == LeakStatus::kAllowed) {
    justification = "allowed by the configuration";
    if (!f.allow_reason.empty()) justification += ": " + f.allow_reason;
  } else if (*f.status == LeakStatus::kAcknowledged || *f.status == LeakStatus::kFalsePositive) {
    justification = *f.status == LeakStatus::kAcknowledged ? "acknowledged by its owner"
                                                           : "marked a false positive";
    if (!f.note.empty()) justification += ": " + f.note;
  } else {
    return nullptr;
  }
  ordered_json s;
  s["kind"] = "external";
  s["status"] = "accepted";
  s["justification"] = Scrubbed(justification);
  return ordered_json::array({s});
}

// FNV-1a 64: a stable, platform-independent digest of the leak key.
std::string Fingerprint(const Finding& f) {
  std::uint64_t h = 14695981039346656037ull;
  const std::string material =
      std::string(ToString(f.key_kind)) + '\x1f' + f.key + '\x1f' + Scrubbed(f.page_url);
  for (unsigned char c : material) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string ResultMessage(const Finding& f) {
  std::string text = std::string(ToString(f.severity)) + ": " + ToString(f.key_kind).data() + " " +
                     f.key + " (" + FormLabel(f) + (f.has_passcode ? ", passcode published" : "") +
                     ") on a public page";
  if (!f.owner.empty()) text += "; owner " + f.owner;
  if (!f.entry_url.empty()) text += "; feed entry " + Scrubbed(f.entry_url);
  return text + ". " + Remediation(f).front();
}

ordered_json ResultJson(const Finding& f, const std::string& rule_id, std::size_t rule_index) {
  ordered_json r;
  r["ruleId"] = rule_id;
  r["ruleIndex"] = rule_index;
  r["level"] = Level(f.severity);
  r["message"]["text"] = ResultMessage(f);
  ordered_json location;
  location["physicalLocation"]["artifactLocation"]["uri"] = Scrubbed(f.page_url);
  r["locations"] = ordered_json::array({location});
  r["partialFingerprints"]["meetleakLeakKey/v1"] = Fingerprint(f);
  if (ordered_json s = Suppressions(f); !s.is_null()) r["suppressions"] = std::move(s);
  r["properties"] = FindingJson(f);
  return r;
}

}  // namespace

std::string RenderSarif(const std::vector<Finding>& findings, const RenderOptions& options) {
  // Rules in a fixed order, and only those the results use, so ruleIndex
  // is stable for a given input.
  std::vector<RulePlace> used;
  used.reserve(findings.size());
  for (const Finding& f : findings) used.push_back(PlaceOf(f));
  std::sort(used.begin(), used.end(), RuleBefore);
  used.erase(std::unique(used.begin(), used.end()), used.end());
  ordered_json rules = ordered_json::array();
  for (const auto& [kind_index, severity] : used) rules.push_back(RuleJson(kind_index, severity));
  ordered_json results = ordered_json::array();
  for (const Finding& f : findings) {
    const RulePlace place = PlaceOf(f);
    const auto at = std::lower_bound(used.begin(), used.end(), place, RuleBefore);
    results.push_back(ResultJson(f, RuleId(place.first, place.second),
                                 static_cast<std::size_t>(at - used.begin())));
  }
  ordered_json driver;
  driver["name"] = "meetleak";
  if (!options.tool_version.empty()) driver["version"] = options.tool_version;
  driver["rules"] = std::move(rules);
  ordered_json run;
  run["tool"]["driver"] = std::move(driver);
  run["results"] = std::move(results);
  ordered_json doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = ordered_json::array({std::move(run)});
  return DumpJson(doc, 2) + "\n";
}

}  // namespace meetleak::report_internal
