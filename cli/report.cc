// `report`: the leak report, by owner, with advice.
#include "cli/subcommands.h"

namespace meetleak::cli {

void AddReportCommands(CLI::App& app, Command& command) {
  auto listing = std::make_shared<LeakListing>();
  listing->report = true;
  CLI::App* report = app.add_subcommand("report", "the leak report, by owner");
  AddLeakListOptions(report, listing.get());
  report->callback([&command, listing] {
    command = [listing](Context& ctx) { return PrintLeaks(ctx, *listing); };
  });
}

}  // namespace meetleak::cli
