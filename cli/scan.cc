// scan TARGET: one URL, file or stdin, now.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>

#include "cli/pass.h"
#include "cli/read_input.h"
#include "cli/subcommands.h"
#include "matchers/matcher.h"

namespace meetleak::cli {
namespace {

namespace fs = std::filesystem;

struct ScanArgs {
  std::string target;
  std::string inventory, personal_links;
  std::vector<std::string> company_domains;
  int depth = 0;
  std::string format = "text";
  bool allow_private = false, ignore_robots = false, no_store = false, store = false;
};

// The DB's inventory (when the store is open) with the parts given on the
// command line replaced.
Result<Inventory> ScanInventory(Context& ctx, const ScanArgs& args) {
  Inventory stored;
  if (ctx.has_store()) {
    Result<Inventory> inv = ctx.LoadInventory();
    if (!inv.ok()) return inv.status();
    stored = std::move(*inv);
  }
  Result<InventoryFiles> files = ReadInventoryFiles(args.inventory, args.personal_links);
  if (!files.ok()) return files.status();
  std::vector<InventoryMeeting> meetings = files->meetings.value_or(stored.meetings());
  std::vector<PersonalLink> links = files->links.value_or(stored.personal_links());
  Inventory inv = Inventory::FromRows(std::move(meetings), std::move(links));
  std::vector<std::string> domains = ctx.config().zoom_domains;
  domains.insert(domains.end(), args.company_domains.begin(), args.company_domains.end());
  inv.set_company_domains(std::move(domains));
  inv.set_security_contact(ctx.config().security_contact);
  return inv;
}

// Reads a local target: "-" is stdin. `stop` is polled while stdin waits.
Result<std::string> ReadTarget(const std::string& target, std::string* url,
                               const CancelToken& stop) {
  if (target == "-") {
    *url = "stdin:";
    return ReadDocument(STDIN_FILENO, "stdin", &stop);
  }
  std::error_code ec;
  fs::path abs = fs::absolute(target, ec);
  *url = "file://" + abs.string();
  // A target that is no http(s) URL is read as a path, and may still be a
  // URL that carries a secret ("ftp://…?tk=…"): messages name it redacted.
  const std::string name = RedactSecrets(target);
  if (!fs::is_regular_file(abs, ec))
    return Status::Unavailable(name + ": cannot read: no such file");
  int fd = open(abs.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable(name + ": cannot read: " + std::strerror(errno));
  Result<std::string> body = ReadDocument(fd, name, &stop);
  close(fd);
  return body;
}

// The findings of every document the scan read; a company one that is
// stored carries its leak's state (db/ says which leak it is).
Result<std::vector<Finding>> ScanFindings(LeakStore* store, const StoreSink& sink) {
  std::vector<Finding> findings;
  for (const CrawledDocument& doc : sink.collected()) {
    for (const PageRef& ref : doc.refs) {
      Finding f = MakeFinding(ref, doc.page_url, doc.source_url);
      if (f.company && store != nullptr) {
        Result<std::optional<LeakStore::LeakRow>> leak =
            store->FindLeak(ref.key_kind, ref.key, doc.page_url);
        if (!leak.ok()) return leak.status();
        if (leak->has_value()) f = WithStoredLeak(std::move(f), **leak);
      }
      findings.push_back(std::move(f));
    }
  }
  return findings;
}

// Whether a finding makes the scan exit 1: a company reference that is not
// allowed — by the stored leak's status when there is one, else by the
// [[allow]] entries.
bool IsOpenCompany(const Finding& f, const StoreSink& sink) {
  if (!f.company) return false;
  PageRef probe;
  probe.key_kind = f.key_kind;
  probe.key = f.key;
  return CountsAsOpen(f.status, !f.status && sink.Allowed(probe, f.page_url, nullptr));
}

Result<int> Scan(Context& ctx, const ScanArgs& args) {
  Result<ReportFormat> format = ParseFormat(args.format);
  if (!format.ok()) return format.status();
  if (*format != ReportFormat::kText && *format != ReportFormat::kJson &&
      *format != ReportFormat::kSarif)
    return Status::InvalidInput("--format: scan offers text, json or sarif");
  if (args.store && args.no_store)
    return Status::InvalidInput("scan: --store and --no-store exclude each other");
  const bool is_url = args.target.rfind("http://", 0) == 0 || args.target.rfind("https://", 0) == 0;
  // A local copy is no public page to watch or to tell an owner about.
  const bool store = is_url ? !args.no_store : args.store;
  // A local document's matcher compiles its patterns on another core while
  // the inventory and the document are read (a sixth of a scan's start).
  std::future<std::unique_ptr<Matcher>> local_matcher;
  if (!is_url)
    local_matcher = std::async(std::launch::async, [] { return std::make_unique<Matcher>(); });
  if (store || fs::exists(ctx.db_path())) MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  Result<Inventory> inventory = ScanInventory(ctx, args);
  if (!inventory.ok()) return inventory.status();
  if (inventory->meetings().empty() && inventory->personal_links().empty() &&
      inventory->company_domains().empty())
    ctx.Warn("no inventory and no company domain: every reference is reported as non-company");

  StoreSink sink(store ? &ctx.store() : nullptr, ctx.config().allow,
                 {.intervals = {}, .collect = true, .ad_hoc = true});
  sink.set_on_warning([&ctx](const std::string& w) { ctx.Warn(w); });
  if (is_url) {
    PassOptions options;
    if (store) options.passcode_digest = ctx.store().PasscodeDigester();
    options.fetcher = ctx.config().crawler;
    options.fetcher.allow_private_addresses = args.allow_private;
    if (args.ignore_robots) options.fetcher.respect_robots = false;
    CrawlTarget target;
    target.url = args.target;
    target.depth = args.depth;
    target.conditional = false;
    target.watch_list = false;
    target.allow_private_addresses = args.allow_private;
    ctx.signals().StopGracefully();  // a signal ends the pass, not the process
    MEETLEAK_RETURN_IF_ERROR(
        RunPass(ctx, ctx.signals(), *inventory, {target}, options, sink).status());
  } else {
    std::string url;
    StopSignals& signals = ctx.signals();
    signals.StopGracefully();  // reading stdin and matching both poll its token
    Result<std::string> body = ReadTarget(args.target, &url, signals.stop_token());
    if (!body.ok()) return body.status();
    const std::unique_ptr<Matcher> matcher = local_matcher.get();
    const PasscodeDigest digest = store ? ctx.store().PasscodeDigester() : PasscodeDigest();
    // A document in hand follows no link, so a page is not parsed for any.
    CrawledDocument doc =
        ScanDocument(*matcher, *inventory, std::move(*body), "", url, RedactSecrets(url), nullptr,
                     ParseOptions{.html_structure = false, .kind = SourceKind::kAuto},
                     &signals.stop_token(), &digest, /*context_threads=*/2);
    if (signals.stop_token().cancelled()) {
      // Like a stopped run, the scan exits by what it saw: a document not
      // read to its end is no sighting (nor stored).
      ctx.Warn("stopped by a signal before " + RedactSecrets(url) +
               " was read to its end: nothing of it is reported");
    } else {
      sink.OnSourceDone(std::move(doc));
    }
  }
  MEETLEAK_RETURN_IF_ERROR(sink.Flush());
  // The target itself failed: nothing was read, so no findings list is
  // printed ("No findings." would read as a clean page).
  if (!sink.failed_sources().empty()) {
    return Status::Unavailable(sink.failed_sources().front().error.empty()
                                   ? RedactSecrets(args.target) + ": could not be read"
                                   : sink.failed_sources().front().error);
  }
  Result<std::vector<Finding>> findings = ScanFindings(store ? &ctx.store() : nullptr, sink);
  if (!findings.ok()) return findings.status();
  RenderOptions render;
  render.tool_version = MEETLEAK_VERSION;
  MEETLEAK_RETURN_IF_ERROR(WriteOutput(RenderFindings(*findings, *format, render), ""));
  for (const Finding& f : *findings)
    if (IsOpenCompany(f, sink)) return 1;
  return 0;
}

}  // namespace

void AddScanCommand(CLI::App& app, Command& command) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* scan = app.add_subcommand("scan", "scan one URL, file or stdin (-) now");
  scan->add_option("TARGET", args->target, "http(s) URL, local path, or - for stdin")->required();
  scan->add_option("--inventory", args->inventory, "meetings CSV for this scan");
  scan->add_option("--personal-links", args->personal_links, "personal links CSV for this scan");
  scan->add_option("--company-domain", args->company_domains, "a company Zoom host (repeatable)");
  scan->add_option("--depth", args->depth, "follow same-host page links N hops")
      ->check(CLI::Range(0, 5));
  scan->add_option("--format", args->format, "text, json or sarif");
  scan->add_flag("--allow-private-addresses", args->allow_private,
                 "let discovered links reach loopback and private addresses");
  scan->add_flag("--ignore-robots", args->ignore_robots, "fetch what robots.txt disallows");
  scan->add_flag("--no-store", args->no_store, "do not write leaks (default for a file or stdin)");
  scan->add_flag("--store", args->store, "store the findings of a file or stdin target too");
  scan->callback([&command, args] { command = [args](Context& ctx) { return Scan(ctx, *args); }; });
}

}  // namespace meetleak::cli
