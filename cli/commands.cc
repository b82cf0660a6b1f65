#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "base/suggest.h"
#include "cli/stop_signals.h"
#include "cli/subcommands.h"

namespace meetleak::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return 0;
    case Status::Code::kInvalidInput:
    case Status::Code::kBusy:
    case Status::Code::kTooNew:
    case Status::Code::kNotFound:
      return 2;
    case Status::Code::kUnavailable:
    case Status::Code::kRefused:
      return 3;
    default:
      return 4;
  }
}

int ReportError(const Log& log, const Status& status) {
  // One line per message line, each naming what is at fault; what came from
  // outside (file names, CSV cells, server replies) cannot drive the terminal.
  std::string_view m = status.message();
  while (!m.empty()) {
    auto nl = m.find('\n');
    log.Error(m.substr(0, nl));
    m = nl == std::string_view::npos ? std::string_view() : m.substr(nl + 1);
  }
  return ExitCodeFor(status);
}

namespace {

// The option named `arg` ("-q", "--db") of `at` or of a command above it
// (options fall through to subcommands); null when there is none.
const CLI::Option* FindOption(const CLI::App* at, const std::string& arg) {
  for (; at != nullptr; at = at->get_parent())
    if (const CLI::Option* o = at->get_option_no_throw(arg)) return o;
  return nullptr;
}

// " (did you mean 'X'?)" for the closest of `known`, or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& known) {
  const std::string_view best = ClosestWord(word, {known.begin(), known.end()});
  return best.empty() ? "" : "; did you mean '" + std::string(best) + "'?";
}

// What a command line that did not parse got wrong, when it is a mistyped
// subcommand or long option: "unknown subcommand 'lekas'; did you mean
// 'leaks'?". Walks the arguments down the command tree as CLI11 does;
// "" when the fault is something else (CLI11's own message says it).
std::string Mistyped(const CLI::App& app, int argc, char** argv) {
  const CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return "";
    if (arg.size() > 1 && arg[0] == '-') {
      const std::string name = arg.substr(0, arg.find('='));
      const CLI::Option* option = FindOption(at, name);
      if (option == nullptr) {
        if (name.rfind("--", 0) != 0) return "";
        std::vector<std::string> known;
        for (const CLI::App* a = at; a != nullptr; a = a->get_parent())
          for (const CLI::Option* o : a->get_options())
            for (const std::string& l : o->get_lnames()) known.push_back("--" + l);
        return "unknown option '" + name + "'" + DidYouMean(name, known);
      }
      if (name == arg && option->get_expected_min() > 0) ++i;  // its value
      continue;
    }
    std::vector<std::string> names;
    for (const CLI::App* sub : at->get_subcommands({})) {
      if (sub->check_name(arg)) {
        at = sub;
        break;
      }
      names.push_back(sub->get_name());
    }
    if (at->get_name() == arg) continue;
    // A command's own positional (a URL, a CSV, an ID) is no mistake here.
    if (names.empty() ||
        !at->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty())
      return "";
    return "unknown subcommand '" + arg + "'" + DidYouMean(arg, names);
  }
  return "";
}

}  // namespace

int Main(int argc, char** argv) {
  // First, before any thread starts, and alive until Main returns: every
  // thread inherits the blocked SIGINT/SIGTERM (cli/stop_signals.h).
  StopSignals signals;
  CLI::App app{"meetleak: finds your Zoom meetings leaked onto public pages and feeds"};
  app.fallthrough();
  app.require_subcommand(0, 1);
  GlobalOptions global;
  // Errors of the command line itself come before --log-format is parsed.
  const Log early_log({.format = LogFormatFromArgs(argc, argv)});
  app.add_option("--config", global.config, "config file (default ./meetleak.toml if it exists)");
  app.add_option("--db", global.db, "database file (default: the config's, else ./meetleak.db)");
  app.add_flag("-q,--quiet", global.quiet,
               "no progress or per-source lines; warnings and errors still print");
  app.add_flag("-v,--verbose", global.verbose, "more messages: a line per source, per new leak");
  app.add_option_function<std::string>(
         "--log-format",
         [&global](const std::string& name) {
           global.log_format = ParseLogFormat(name).value_or(LogFormat::kText);
         },
         "stderr lines as text, or one JSON object per line (time, level, event, url, "
         "message)")
      ->check(CLI::IsMember({"text", "json"}));
  app.set_version_flag("--version", std::string("meetleak ") + MEETLEAK_VERSION);

  Command command;
  AddInventoryCommands(app, command);
  AddScanCommand(app, command);
  AddRunCommand(app, command);
  AddConfigCommands(app, command);
  AddSourcesCommands(app, command);
  AddLeaksCommands(app, command);
  AddReportCommands(app, command);
  AddNotifyCommand(app, command);
  AddStatusCommand(app, command);
  AddSweepCommand(app, command);
  AddFixCommand(app, command);
  AddDbCommands(app, command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string mistyped = Mistyped(app, argc, argv);
    early_log.Error((mistyped.empty() ? std::string(e.what()) : mistyped) +
                    " (see meetleak --help)");
    return 2;
  }
  // An empty path is never "the default": it is a mistake in a script.
  for (const char* name : {"--db", "--config"})
    if (app.get_option(name)->count() > 0 && app.get_option(name)->as<std::string>().empty())
      return ReportError(early_log, Status::InvalidInput(std::string(name) + ": empty path"));
  if (!command) {
    std::cerr << app.help();
    return 2;
  }
  Context ctx(global, signals);
  if (Status s = ctx.LoadConfig(); !s.ok()) return ReportError(ctx.log(), s);
  Result<int> exit_code = command(ctx);
  // What was printed must have reached stdout: a full disk or a closed pipe
  // is an I/O failure, not a success.
  std::cout.flush();
  if (!exit_code.ok()) return ReportError(ctx.log(), exit_code.status());
  if (!std::cout) return ReportError(ctx.log(), Status::IOError("stdout: write failed"));
  return *exit_code;
}

}  // namespace meetleak::cli
