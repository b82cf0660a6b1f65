// leaks and report subcommands.
#include <iostream>

#include "cli/subcommands.h"

namespace meetleak::cli {

Result<std::vector<Finding>> StoredFindings(Context& ctx, const std::string& status,
                                            const std::string& owner);

namespace {

const std::vector<std::string> kStatuses = {"open",    "acknowledged", "resolved", "false_positive",
                                            "allowed", "gone",         "all"};

struct ListArgs {
  std::string status = "open";
  std::string owner;
  std::string format = "text";
  std::string output;
};

Result<int> ListLeaks(Context& ctx, const ListArgs& args, bool report) {
  Result<ReportFormat> format = ParseFormat(args.format);
  if (!format.ok()) return format.status();
  if (!report && (*format == ReportFormat::kHtml || *format == ReportFormat::kSarif))
    return Status::InvalidInput("--format: leaks list offers text, json or csv");
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<std::vector<Finding>> findings = StoredFindings(ctx, args.status, args.owner);
  if (!findings.ok()) return findings.status();
  RenderOptions options;
  options.owners_summary = report;
  options.remediation = report;
  options.tool_version = MEETLEAK_VERSION;
  MEETLEAK_RETURN_IF_ERROR(WriteOutput(RenderFindings(*findings, *format, options), args.output));
  return 0;
}

Result<int> Decide(Context& ctx, const std::string& decision, std::int64_t id,
                   const std::string& note) {
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  Status s = ctx.store().SetLeakStatus(id, decision, note);
  if (s.code() == Status::Code::kNotFound)
    return Status::InvalidInput("leak " + std::to_string(id) + " does not exist");
  MEETLEAK_RETURN_IF_ERROR(s);
  Result<std::optional<LeakStore::LeakRow>> row = ctx.store().GetLeak(id);
  if (row.ok() && row->has_value() && !ctx.options().quiet)
    std::cerr << "meetleak: leak " << id << " is now " << (*row)->status << "\n";
  return 0;
}

void AddListOptions(CLI::App* cmd, ListArgs* args, bool report) {
  cmd->add_option("--status", args->status)->check(CLI::IsMember(kStatuses));
  cmd->add_option("--owner", args->owner);
  cmd->add_option("--format", args->format);
  if (report) cmd->add_option("--output", args->output);
}

}  // namespace

void AddLeaksCommands(CLI::App& app, Command& command) {
  CLI::App* leaks = app.add_subcommand("leaks", "recorded leaks and owner decisions");
  leaks->require_subcommand(1);
  auto args = std::make_shared<ListArgs>();
  CLI::App* list = leaks->add_subcommand("list", "list leaks (default status: open)");
  AddListOptions(list, args.get(), false);
  list->callback([&command, args] {
    command = [args](Context& ctx) { return ListLeaks(ctx, *args, false); };
  });
  for (const char* decision : {"ack", "resolve", "false-positive", "reopen"}) {
    auto id = std::make_shared<std::int64_t>(0);
    auto note = std::make_shared<std::string>();
    CLI::App* cmd = leaks->add_subcommand(decision, std::string("mark a leak: ") + decision);
    cmd->add_option("ID", *id)->required();
    cmd->add_option("--note", *note);
    std::string d = decision;
    cmd->callback([&command, d, id, note] {
      command = [d, id, note](Context& ctx) { return Decide(ctx, d, *id, *note); };
    });
  }
}

void AddReportCommands(CLI::App& app, Command& command) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* report = app.add_subcommand("report", "the leak report, by owner");
  AddListOptions(report, args.get(), true);
  report->callback(
      [&command, args] { command = [args](Context& ctx) { return ListLeaks(ctx, *args, true); }; });
  AddNotifyCommand(app, command);
}

}  // namespace meetleak::cli
