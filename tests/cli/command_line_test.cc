// The command line teaches its own use: every option, positional and
// subcommand of every level of `--help` has a description, and a mistyped
// subcommand or option gets the closest real one (exit 2, nothing run).
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_fixture.h"

namespace meetleak::testing {
namespace {

class CommandLineTest : public CliTest {};

struct HelpEntry {
  std::string section;  // "Options", "Positionals" or "Subcommands"
  std::string name;     // the left column: "--depth INT", "list", …
  std::string description;
};

// The entries of a CLI11 help text. A left column too wide for its own
// line puts the description on the next, more indented, line.
std::vector<HelpEntry> HelpEntries(const std::string& help) {
  std::vector<HelpEntry> entries;
  std::string section;
  std::istringstream in(help);
  const std::regex entry(R"(^  (\S.*?)(?:\s{2,}(\S.*))?\s*$)");
  const std::regex continuation(R"(^\s{6,}(\S.*)$)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!line.empty() && line.back() == ':' && line[0] != ' ') {
      section = line.substr(0, line.size() - 1);
    } else if (section.empty() || line.empty()) {
      continue;
    } else if (!entries.empty() && entries.back().description.empty() &&
               std::regex_match(line, m, continuation)) {
      entries.back().description = m[1];
    } else if (std::regex_match(line, m, entry)) {
      entries.push_back({section, m[1], m[2]});
    }
  }
  return entries;
}

TEST_F(CommandLineTest, EveryOptionOfEverySubcommandHasAHelpLine) {
  std::vector<std::vector<std::string>> commands = {{}};
  int options_seen = 0;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    std::vector<std::string> args = commands[i];
    args.push_back("--help");
    ProgramResult r = Meetleak(args);
    const std::string where = "meetleak " + (args.size() > 1 ? args[0] + " " : "") +
                              (args.size() > 2 ? args[1] + " " : "") + "--help";
    ASSERT_EQ(r.exit_code, 0) << where << ": " << r.err;
    for (const HelpEntry& e : HelpEntries(r.out)) {
      EXPECT_FALSE(e.description.empty())
          << where << ": " << e.section << " entry '" << e.name << "' has no help line";
      options_seen += e.section == "Options";
      if (e.section == "Subcommands") {
        std::vector<std::string> sub = commands[i];
        sub.push_back(e.name);
        commands.push_back(sub);
      }
    }
  }
  // The walk reached the nested commands, and read their options.
  EXPECT_GE(commands.size(), 15u);
  EXPECT_GE(options_seen, 40);
  EXPECT_NE(
      std::find(commands.begin(), commands.end(), std::vector<std::string>{"inventory", "import"}),
      commands.end());
}

TEST_F(CommandLineTest, AMistypedSubcommandOrOptionGetsTheClosestOne) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {{"lekas", "list"}, "unknown subcommand 'lekas'; did you mean 'leaks'?"},
           {{"scna"}, "unknown subcommand 'scna'; did you mean 'scan'?"},
           {{"-q", "--db", "x.db", "leaks", "lsit"},
            "unknown subcommand 'lsit'; did you mean 'list'?"},
           {{"inventroy", "list"}, "unknown subcommand 'inventroy'; did you mean 'inventory'?"},
           {{"run", "--once", "--al"}, "unknown option '--al'; did you mean '--all'?"},
           {{"--verbos", "run"}, "unknown option '--verbos'; did you mean '--verbose'?"},
       }) {
    ProgramResult r = Meetleak(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  // Nothing like any subcommand: no guess, still exit 2.
  ProgramResult far = Meetleak({"zzzzzzzz"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
  EXPECT_NE(far.err.find("zzzzzzzz"), std::string::npos) << far.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "meetleak.db"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "x.db"));
}

}  // namespace
}  // namespace meetleak::testing
