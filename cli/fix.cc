// `fix`: remediation through Zoom's API (zoom/fix.h). Selects the leaks,
// wires the store and the client, prints each plan and what became of it.
#include "zoom/fix.h"

#include <iostream>
#include <map>
#include <set>

#include "base/terminal.h"
#include "cli/subcommands.h"

namespace meetleak::cli {
namespace {

struct FixArgs {
  std::vector<std::int64_t> ids;
  bool all = false;
  std::vector<std::string> severities;
  bool apply = false;
  bool allow_pmi_change = false;
};

// The store as `fix` needs it.
class StoreJournal : public zoom::FixJournal {
 public:
  explicit StoreJournal(LeakStore& store) : store_(store) {}
  Result<int> UpdatesSince(std::string_view user, Clock::TimePoint since) override {
    return store_.ZoomUpdatesSince(user, since);
  }
  Result<std::optional<Clock::TimePoint>> LastUpdate(std::string_view meeting_id) override {
    return store_.LastZoomUpdate(meeting_id);
  }
  Status Record(const LeakFix& done) override { return store_.RecordFix(done); }

 private:
  LeakStore& store_;
};

// The leaks named, or with --all every open or acknowledged one; of the
// given severities. An unknown ID stops everything before any request.
Result<std::vector<LeakStore::LeakRow>> SelectLeaks(LeakStore& store, const FixArgs& args) {
  std::vector<LeakStore::LeakRow> rows;
  if (args.all) {
    for (LeakStatus status : {LeakStatus::kOpen, LeakStatus::kAcknowledged}) {
      Result<std::vector<LeakStore::LeakRow>> r =
          store.ListLeaks({.status = status, .owner = std::nullopt});
      if (!r.ok()) return r.status();
      rows.insert(rows.end(), r->begin(), r->end());
    }
  } else {
    for (std::int64_t id : args.ids) {
      Result<std::optional<LeakStore::LeakRow>> r = store.GetLeak(id);
      if (!r.ok()) return r.status();
      if (!r->has_value())
        return Status::InvalidInput("fix: leak " + std::to_string(id) + " does not exist");
      rows.push_back(std::move(**r));
    }
  }
  if (args.severities.empty()) return rows;
  const std::set<std::string> wanted(args.severities.begin(), args.severities.end());
  std::erase_if(rows, [&](const LeakStore::LeakRow& r) {
    return !wanted.contains(std::string(ToString(r.severity)));
  });
  return rows;
}

// The client of the fix app (fix_client_id) or, without one, of the sync's.
Result<std::unique_ptr<zoom::Client>> FixClient(Context& ctx, zoom::HttpTransport* http) {
  const Config& c = ctx.config();
  const ZoomSettings& z = c.zoom;
  if (!z.configured)
    return Status::InvalidInput((c.file.empty() ? std::string("config") : c.file.string()) +
                                ": fix --apply needs a [zoom] section (the app's credentials)");
  const bool own = !z.fix_client_id.empty();
  const std::string& variable = own ? z.fix_client_secret_env : z.client_secret_env;
  std::optional<std::string> secret = SecretFromEnv(variable);
  if (!secret || secret->empty())
    return Status::InvalidInput(UnsetSecretMessage(
        c, own ? "zoom.fix_client_secret_env" : "zoom.client_secret_env", variable));
  zoom::ClientOptions o;
  o.account_id = z.account_id;
  o.client_id = own ? z.fix_client_id : z.client_id;
  o.client_secret = std::move(*secret);
  o.api_url = z.api_url;
  o.oauth_url = z.oauth_url;
  o.requests_per_second = z.requests_per_second;
  o.passcode_digest = ctx.store().PasscodeDigester();
  return zoom::Client::Create(std::move(o), http, SystemClock());
}

std::string Headline(const LeakStore::LeakRow& l) {
  std::string what = l.key_kind == KeyKind::kVanity  ? "personal link /my/" + l.key
                     : l.key_kind == KeyKind::kToken ? "link " + l.key + "…"
                                                     : "meeting " + l.key;
  std::string line = "leak " + std::to_string(l.id) + "  " + std::string(ToString(l.severity)) +
                     "  " + std::string(ToString(l.status)) + "  " + what;
  if (l.meeting_kind != MeetingKind::kUnknown)
    line += " (" + std::string(ToString(l.meeting_kind)) + ")";
  return line + "  owner " + l.owner + "  on " + l.page_url;
}

void Print(const LeakStore::LeakRow& leak, const zoom::FixOutcome& o, bool apply) {
  std::cout << TerminalSafe(Headline(leak)) << "\n";
  if (!o.plan.why.empty()) std::cout << "  why: " << o.plan.why << "\n";
  for (const zoom::ApiCall& call : o.plan.calls)
    std::cout << "  call: " << call.method << " " << TerminalSafe(call.path) << " "
              << call.body.dump() << "\n";
  for (const std::string& check : o.plan.calls.empty() ? std::vector<std::string>() : o.checks)
    std::cout << "  check: " << TerminalSafe(check) << "\n";
  for (const std::string& advice : o.plan.advice) std::cout << "  advice: " << advice << "\n";
  std::cout << "  " << ToString(o.result);
  if (o.result == zoom::FixResult::kPlanned && !apply)
    std::cout << " (nothing sent without --apply)";
  if (!o.message.empty()) std::cout << ": " << TerminalSafe(o.message);
  std::cout << "\n";
}

Result<int> Fix(Context& ctx, const FixArgs& args) {
  if (args.all == !args.ids.empty())
    return Status::InvalidInput(args.all ? "fix: name leaks (LEAK_ID…) or --all, not both"
                                         : "fix: name the leaks to fix (LEAK_ID…) or --all");
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<std::vector<LeakStore::LeakRow>> leaks = SelectLeaks(ctx.store(), args);
  if (!leaks.ok()) return leaks.status();
  Result<Inventory> inventory = ctx.store().LoadInventory();
  if (!inventory.ok()) return inventory.status();
  std::unique_ptr<zoom::HttpTransport> http;
  std::unique_ptr<zoom::Client> client;
  if (args.apply) {  // every configuration error before any request
    http = zoom::NewCurlTransport({});
    Result<std::unique_ptr<zoom::Client>> c = FixClient(ctx, http.get());
    if (!c.ok()) return c.status();
    client = std::move(*c);
  }
  StoreJournal journal(ctx.store());
  zoom::Fixer fixer(client.get(), &journal, SystemClock(),
                    {.apply = args.apply, .allow_pmi_change = args.allow_pmi_change});
  std::map<zoom::FixResult, int> counts;
  for (const LeakStore::LeakRow& leak : *leaks) {
    zoom::FixCandidate candidate{.leak = leak};
    if (leak.key_kind == KeyKind::kMeetingId)
      if (const InventoryMeeting* m = inventory->FindMeeting(leak.key)) candidate.meeting = *m;
    zoom::FixOutcome o = fixer.Fix(candidate);
    ++counts[o.result];
    Print(leak, o, args.apply);
    const std::string line = "leak " + std::to_string(leak.id) + ": " + o.message;
    if (o.result == zoom::FixResult::kApplied)
      ctx.log().Write(LogLevel::kInfo, "fix_applied", leak.page_url, line);
    if (o.result == zoom::FixResult::kFailed)
      ctx.log().Write(LogLevel::kError, "fix_failed", leak.page_url, line);
  }
  std::cout << "fix: " << leaks->size() << " leaks: " << counts[zoom::FixResult::kPlanned]
            << " planned, " << counts[zoom::FixResult::kApplied] << " applied, "
            << counts[zoom::FixResult::kSkipped] << " skipped, " << counts[zoom::FixResult::kFailed]
            << " failed"
            << (args.apply ? "" : " (dry run: nothing was sent; --apply carries out the plan)")
            << "\n";
  return counts[zoom::FixResult::kFailed] > 0 ? 4 : 0;
}

}  // namespace

void AddFixCommand(CLI::App& app, Command& command) {
  auto args = std::make_shared<FixArgs>();
  CLI::App* fix = app.add_subcommand(
      "fix", "close leaked meetings through Zoom's API: prints the plan; --apply carries it out");
  fix->add_option("LEAK_ID", args->ids, "the leaks to fix (leaks list shows their IDs)");
  fix->add_flag("--all", args->all, "every open or acknowledged leak");
  fix->add_option("--severity", args->severities, "only leaks of this severity (repeatable)")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info"}))
      ->allow_extra_args(false);  // one LEVEL per --severity: IDs may follow
  fix->add_flag("--apply", args->apply, "send the calls (default: print the plan only)");
  fix->add_flag("--allow-pmi-change", args->allow_pmi_change,
                "give a leaked PMI's user a new PMI: every link to the old one stops working");
  fix->callback([&command, args] { command = [args](Context& ctx) { return Fix(ctx, *args); }; });
}

}  // namespace meetleak::cli
