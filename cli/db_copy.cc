// `meetleak db copy --from FILE.db --to postgresql://…`: a SQLite database,
// leaks and history included, into an empty PostgreSQL one (db/store.h,
// CopyDatabase).
#include <iostream>

#include "base/terminal.h"
#include "cli/subcommands.h"

namespace meetleak::cli {
namespace {

Result<int> Copy(Context& ctx, const std::string& from, const std::string& to) {
  Result<std::vector<std::pair<std::string, std::int64_t>>> counts = CopyDatabase(from, to);
  if (!counts.ok()) return counts.status();
  if (!ctx.options().quiet) {
    std::cout << "copied " << TerminalSafe(from) << " into the PostgreSQL database:";
    for (const auto& [table, rows] : *counts) std::cout << " " << table << " " << rows << ",";
    std::cout << " every row\n";
  }
  return 0;
}

}  // namespace

void AddDbCommands(CLI::App& app, Command& command) {
  CLI::App* db = app.add_subcommand("db", "the database itself");
  db->require_subcommand(1);
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto* copy = db->add_subcommand(
      "copy", "copy a SQLite database, leaks and history included, into an empty PostgreSQL one");
  copy->add_option("--from", *from, "the SQLite file")->required();
  copy->add_option("--to", *to, "the PostgreSQL database (postgresql://…)")->required();
  copy->callback([&command, from, to] {
    command = [from, to](Context& ctx) { return Copy(ctx, *from, *to); };
  });
}

}  // namespace meetleak::cli
