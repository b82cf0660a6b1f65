// `leaks`: the recorded leaks listed, and the owners' decisions on them.
#include <array>
#include <iostream>
#include <utility>

#include "cli/subcommands.h"

namespace meetleak::cli {
namespace {

// The owners' decisions: `leaks VERB ID` makes the leak this status.
constexpr std::array<std::pair<const char*, LeakStatus>, 4> kDecisions{{
    {"ack", LeakStatus::kAcknowledged},
    {"resolve", LeakStatus::kResolved},
    {"false-positive", LeakStatus::kFalsePositive},
    {"reopen", LeakStatus::kOpen},
}};

// --status's names: every leak status, then "all".
std::vector<std::string> StatusFlagNames() {
  std::vector<std::string> names;
  names.reserve(kLeakStatuses.size() + 1);
  for (LeakStatus s : kLeakStatuses) names.emplace_back(ToString(s));
  names.emplace_back("all");
  return names;
}

Result<int> Decide(Context& ctx, LeakStatus decision, std::int64_t id, const std::string& note) {
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  Status s = ctx.store().SetLeakStatus(id, decision, note);
  if (s.code() == Status::Code::kNotFound)
    return Status::InvalidInput("leak " + std::to_string(id) + " does not exist");
  MEETLEAK_RETURN_IF_ERROR(s);
  Result<std::optional<LeakStore::LeakRow>> row = ctx.store().GetLeak(id);
  if (row.ok() && row->has_value() && !ctx.options().quiet)
    std::cerr << "meetleak: leak " << id << " is now " << ToString((*row)->status) << "\n";
  return 0;
}

// `leaks show ID`: the leak, what it allows, the page's text around it and
// its whole history.
Result<int> ShowLeak(Context& ctx, std::int64_t id, const std::string& format) {
  if (format != "text" && format != "json")
    return Status::InvalidInput("--format: leaks show offers text or json");
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<std::optional<LeakStore::LeakRow>> row = ctx.store().GetLeak(id);
  if (!row.ok()) return row.status();
  if (!row->has_value())
    return Status::InvalidInput("leak " + std::to_string(id) + " does not exist");
  std::vector<Finding> findings = {FindingFromLeak(**row)};
  MEETLEAK_RETURN_IF_ERROR(AddHistory(ctx.store(), findings));
  RenderOptions options;
  options.history = true;
  options.tool_version = MEETLEAK_VERSION;
  if (format == "json") {
    std::cout << RenderFindings(findings, ReportFormat::kJson, options);
    return 0;
  }
  std::cout << RenderLeakDetail(findings.front(), (*row)->sightings);
  return 0;
}

}  // namespace

Result<int> PrintLeaks(Context& ctx, const LeakListing& listing) {
  Result<ReportFormat> format = ParseFormat(listing.format);
  if (!format.ok()) return format.status();
  if (!listing.report && (*format == ReportFormat::kHtml || *format == ReportFormat::kSarif))
    return Status::InvalidInput("--format: leaks list offers text, json or csv");
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  LeakStore::LeakFilter filter;
  filter.status = listing.status;
  if (!listing.owner.empty()) filter.owner = listing.owner;
  Result<std::vector<LeakStore::LeakRow>> rows = ctx.store().ListLeaks(filter);
  if (!rows.ok()) return rows.status();
  std::vector<Finding> findings;
  for (const auto& row : *rows) findings.push_back(FindingFromLeak(row));
  RenderOptions options;
  options.owners_summary = listing.report;
  options.remediation = listing.report;
  options.history = listing.report;
  options.tool_version = MEETLEAK_VERSION;
  if (listing.report) {
    MEETLEAK_RETURN_IF_ERROR(AddHistory(ctx.store(), findings));
    Result<ReportHeader> header = ReportHeaderFor(ctx, listing.owner, listing.status);
    if (!header.ok()) return header.status();
    options.header = std::move(*header);
  }
  MEETLEAK_RETURN_IF_ERROR(WriteOutput(RenderFindings(findings, *format, options), listing.output));
  return 0;
}

void AddLeakListOptions(CLI::App* cmd, LeakListing* listing) {
  cmd->add_option_function<std::string>(
         "--status",
         [listing](const std::string& name) {
           listing->status = name == "all" ? std::nullopt : ParseLeakStatus(name);
         },
         "leaks of this status (default open; all: every one)")
      ->check(CLI::IsMember(StatusFlagNames()));
  cmd->add_option("--owner", listing->owner, "only the leaks of this owner's meetings");
  cmd->add_option("--format", listing->format,
                  listing->report ? "text, json, csv, html or sarif" : "text, json or csv");
  if (listing->report)
    cmd->add_option("--output", listing->output, "write the report to FILE, not stdout");
}

void AddLeaksCommands(CLI::App& app, Command& command) {
  CLI::App* leaks = app.add_subcommand("leaks", "recorded leaks and owner decisions");
  leaks->require_subcommand(1);
  auto listing = std::make_shared<LeakListing>();
  CLI::App* list = leaks->add_subcommand("list", "list leaks (default status: open)");
  AddLeakListOptions(list, listing.get());
  list->callback([&command, listing] {
    command = [listing](Context& ctx) { return PrintLeaks(ctx, *listing); };
  });
  auto show_id = std::make_shared<std::int64_t>(0);
  auto show_format = std::make_shared<std::string>("text");
  CLI::App* show = leaks->add_subcommand("show", "one leak with its notes and history");
  show->add_option("ID", *show_id, "the leak's ID (leaks list shows it)")->required();
  show->add_option("--format", *show_format, "text or json");
  show->callback([&command, show_id, show_format] {
    command = [show_id, show_format](Context& ctx) {
      return ShowLeak(ctx, *show_id, *show_format);
    };
  });
  for (const auto& entry : kDecisions) {
    const char* verb = entry.first;
    const LeakStatus decision = entry.second;
    auto id = std::make_shared<std::int64_t>(0);
    auto note = std::make_shared<std::string>();
    CLI::App* cmd = leaks->add_subcommand(verb, std::string("mark a leak: ") + verb);
    cmd->add_option("ID", *id, "the leak's ID (leaks list shows it)")->required();
    cmd->add_option("--note", *note, "why: kept with the decision in the leak's history");
    cmd->callback([&command, decision, id, note] {
      command = [decision, id, note](Context& ctx) { return Decide(ctx, decision, *id, *note); };
    });
  }
}

}  // namespace meetleak::cli
