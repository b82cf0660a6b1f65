// SARIF 2.1.0: one rule per (form, link type) kind, one result per finding.
#include <cstdint>
#include <cstdio>

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

std::string RuleId(RefForm form, LinkType type) {
  std::string id = "zoom-" + std::string(ToString(form));
  if (type != LinkType::kNone) id += "-" + std::string(ToString(type));
  return id;
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

// GitHub code scanning's numeric severity for rules.
const char* SecuritySeverity(LinkType type) {
  switch (type) {
    case LinkType::kStart:
    case LinkType::kPersonal:
      return "9.0";
    case LinkType::kRegister:
      return "3.0";
    default:
      return "7.0";
  }
}

ordered_json RuleJson(const RuleKind& kind) {
  ordered_json rule;
  rule["id"] = RuleId(kind.form, kind.link_type);
  rule["name"] = kind.name;
  rule["shortDescription"]["text"] = kind.short_text;
  rule["fullDescription"]["text"] = std::string(kind.short_text) + ". " + kind.help;
  rule["help"]["text"] = kind.help;
  rule["defaultConfiguration"]["level"] = kind.link_type == LinkType::kRegister ? "note" : "error";
  rule["properties"]["tags"] = {"security", "zoom", "meeting-leak"};
  rule["properties"]["security-severity"] = SecuritySeverity(kind.link_type);
  return rule;
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
  r["properties"] = FindingJson(f);
  return r;
}

}  // namespace

std::string RenderSarif(const std::vector<Finding>& findings, const RenderOptions& options) {
  ordered_json rules = ordered_json::array();
  std::vector<std::string> rule_ids;
  for (const RuleKind& kind : kRuleKinds) {
    rules.push_back(RuleJson(kind));
    rule_ids.push_back(RuleId(kind.form, kind.link_type));
  }
  ordered_json results = ordered_json::array();
  for (const Finding& f : findings) {
    const std::string id = RuleId(f.form, f.link_type);
    std::size_t index = 0;
    while (index < rule_ids.size() && rule_ids[index] != id) ++index;
    if (index == rule_ids.size()) {  // a kind outside the table: still gets a rule
      rules.push_back(RuleJson({f.form, f.link_type, "PublicZoomReference",
                                "Zoom meeting reference on a public page",
                                "Have the reference removed and protect the meeting."}));
      rules.back()["id"] = id;
      rule_ids.push_back(id);
    }
    results.push_back(ResultJson(f, id, index));
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
