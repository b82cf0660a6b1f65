// sweep FILE…|--paths LIST --root DIR [--shard I/N] [--threads N] [--watch]:
// web-archive files swept for the company's meetings (archive/sweep.h).
#include "archive/sweep.h"

#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>

#include "base/ascii.h"
#include "cli/subcommands.h"
#include "matchers/allow.h"

namespace meetleak::cli {
namespace {

namespace fs = std::filesystem;

struct SweepArgs {
  std::vector<std::string> files;
  std::string paths, root, shard;
  unsigned threads = 0;
  bool watch = false;
};

// The lines of a path list (Common Crawl's warc.paths.gz, or plain text:
// zlib reads both), each resolved against `root`.
Result<std::vector<std::string>> ReadPathList(const std::string& list, const std::string& root) {
  std::error_code ec;
  if (!fs::is_regular_file(list, ec))
    return Status::InvalidInput(list + ": cannot read: not a regular file");
  if (!fs::is_directory(root, ec))
    return Status::InvalidInput("--root " + root + ": not a directory");
  gzFile in = gzopen(list.c_str(), "rb");
  if (in == nullptr) return Status::InvalidInput(list + ": cannot read");
  std::vector<std::string> paths;
  std::string line;
  char buf[4096];
  while (gzgets(in, buf, sizeof buf) != nullptr) {
    line += buf;
    if (line.back() != '\n' && !gzeof(in)) continue;
    std::string_view entry = ascii::Trim(line);
    if (!entry.empty())
      paths.push_back((fs::path(root) / fs::path(entry).relative_path()).string());
    line.clear();
  }
  int err = Z_OK;
  const char* why = gzerror(in, &err);
  gzclose(in);
  if (err != Z_OK && err != Z_STREAM_END)
    return Status::InvalidInput(list + ": cannot read: " + std::string(why));
  return paths;
}

// "I/N" with 1 ≤ I ≤ N: every N-th path, from the I-th.
Result<std::vector<std::string>> Shard(std::vector<std::string> paths, const std::string& shard) {
  if (shard.empty()) return paths;
  unsigned i = 0, n = 0;
  char extra = 0;
  if (std::sscanf(shard.c_str(), "%u/%u%c", &i, &n, &extra) != 2 || i < 1 || n < 1 || i > n)
    return Status::InvalidInput("--shard " + shard + ": expected I/N with 1 <= I <= N, e.g. 2/8");
  std::vector<std::string> mine;
  for (std::size_t k = i - 1; k < paths.size(); k += n) mine.push_back(std::move(paths[k]));
  return mine;
}

// The sweep's sink on the store: one writer at a time (the store is one
// connection), findings allowed by the config's [[allow]] entries, the
// pages that held a company leak kept for --watch.
class StoreSweepSink : public SweepSink {
 public:
  // `leases`: the worker's (db/leases.h): a file is swept by one worker of
  // the database at a time.
  StoreSweepSink(Context& ctx, Leases& leases) : ctx_(ctx), leases_(leases) {}
  ~StoreSweepSink() override {
    for (const std::string& job : jobs_) (void)leases_.ReleaseJob(job);
  }
  StoreSweepSink(const StoreSweepSink&) = delete;
  StoreSweepSink& operator=(const StoreSweepSink&) = delete;

  Result<Progress> Begin(const ArchiveFileId& file) override {
    std::lock_guard<std::mutex> lock(mu_);
    Result<LeakStore::ArchiveProgress> p = ctx_.store().GetArchiveProgress(Stored(file));
    if (!p.ok()) return p.status();
    if (p->done) return Progress{p->records, true};
    // Another worker sweeping the file now: skipped as if read (its
    // progress is that worker's to commit; a later sweep resumes it).
    const std::string job =
        "archive:" + file.name + ":" + std::to_string(file.size) + ":" + file.head_hash;
    Result<bool> taken = leases_.TakeJob(job);
    if (!taken.ok()) return taken.status();
    if (!*taken) {
      ctx_.log().Write(LogLevel::kInfo, "job_skipped", "",
                       file.name + ": another worker of the database is sweeping it; skipped");
      return Progress{p->records, true};
    }
    jobs_.push_back(job);
    return Progress{p->records, p->done};
  }

  Result<int> Commit(const ArchiveFileId& file, std::vector<ArchiveFinding> findings,
                     const Progress& progress) override {
    std::lock_guard<std::mutex> lock(mu_);
    const Clock::TimePoint now = SystemClock()->Now();
    std::vector<LeakStore::ArchiveSighting> sightings;
    for (ArchiveFinding& f : findings) {
      LeakStore::ArchiveSighting s;
      const std::string page = RedactSecrets(f.page_url);
      if (const AllowEntry* a =
              FindAllow(ctx_.config().allow, f.ref.key_kind, f.ref.key, page, now)) {
        s.sighting.allowed = true;
        s.sighting.allow_reason = a->reason;
      }
      if (!f.captured)
        ctx_.Warn(file.name + ": " + page + ": no readable WARC-Date; seen now instead");
      s.captured = f.captured.value_or(now);
      s.sighting.ref = std::move(f.ref);
      s.page_url = std::move(f.page_url);
      if (!s.sighting.allowed) pages_.insert(s.page_url);
      sightings.push_back(std::move(s));
    }
    Result<LeakStore::ArchiveWriteResult> w =
        ctx_.store().WriteArchive(Stored(file), sightings, {progress.records, progress.done});
    if (!w.ok()) return w.status();
    new_leaks_ += w->new_leaks;
    return w->open;
  }

  void Warn(const std::string& line) override {
    std::lock_guard<std::mutex> lock(mu_);
    ctx_.Warn(line);
  }

  void Error(const std::string& line) override {
    std::lock_guard<std::mutex> lock(mu_);
    ctx_.log().Error(line);
  }

  const std::set<std::string>& pages() const { return pages_; }
  int new_leaks() const { return new_leaks_; }

 private:
  static LeakStore::ArchiveFile Stored(const ArchiveFileId& f) {
    return {f.name, f.size, f.head_hash};
  }
  Context& ctx_;
  Leases& leases_;
  std::mutex mu_;
  std::vector<std::string> jobs_;  // the files' job leases taken
  std::set<std::string> pages_;
  int new_leaks_ = 0;
};

std::string ProgressLine(const SweepStats& s, double secs) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "files %d/%d  records %llu  %.1f MB/s  leaks %llu (open %d)  failed %d",
                s.files_read + s.files_skipped + s.files_failed, s.files_total,
                static_cast<unsigned long long>(s.records),
                secs > 0 ? static_cast<double>(s.bytes) / 1e6 / secs : 0.0,
                static_cast<unsigned long long>(s.findings), s.open_findings, s.files_failed);
  std::string line = buf;
  if (s.files_skipped > 0) line += "  done before " + std::to_string(s.files_skipped);
  return line;
}

Result<int> Sweep(Context& ctx, const SweepArgs& args) {
  if (args.files.empty() == args.paths.empty())
    return Status::InvalidInput("sweep: give archive files, or --paths LIST with --root DIR");
  if (!args.paths.empty() && args.root.empty())
    return Status::InvalidInput("sweep: --paths needs --root DIR (the local mirror)");
  if (args.paths.empty() && !args.root.empty())
    return Status::InvalidInput("sweep: --root goes with --paths LIST");
  std::vector<std::string> paths = args.files;
  if (!args.paths.empty()) {
    Result<std::vector<std::string>> listed = ReadPathList(args.paths, args.root);
    if (!listed.ok()) return listed.status();
    paths = std::move(*listed);
  }
  Result<std::vector<std::string>> mine = Shard(std::move(paths), args.shard);
  if (!mine.ok()) return mine.status();
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
  Result<Inventory> inventory = ctx.LoadInventory();
  if (!inventory.ok()) return inventory.status();
  if (inventory->meetings().empty() && inventory->personal_links().empty() &&
      inventory->company_domains().empty())
    ctx.Warn("no inventory and no company domain: no reference can be the company's");

  ctx.signals().StopGracefully();  // a signal ends the sweep after a commit
  Result<Leases*> leases = ctx.WorkerLeases();
  if (!leases.ok()) return leases.status();
  StoreSweepSink sink(ctx, **leases);
  (*leases)->StartRenewing([](const Status&) {});  // a late renewal costs a file read twice
  const Matcher matcher;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const bool tty = !ctx.options().quiet && isatty(2) != 0 && ctx.log().format() == LogFormat::kText;
  SweepOptions options;
  options.threads = args.threads;
  options.reader.max_payload = static_cast<std::size_t>(ctx.config().crawler.max_body_bytes);
  options.cancel = &ctx.signals().stop_token();
  if (tty)
    options.progress = [&](const SweepStats& s) {
      std::cerr << "\r" << ProgressLine(s, elapsed()) << "\033[K" << std::flush;
    };
  Sweeper sweeper(matcher, *inventory, sink, options);
  Result<SweepStats> stats = sweeper.Run(*mine);
  (*leases)->StopRenewing();
  if (tty) std::cerr << "\n";
  if (!stats.ok()) return stats.status();
  ctx.log().Info("sweep: " + ProgressLine(*stats, elapsed()) + ", " +
                 std::to_string(sink.new_leaks()) + " new" +
                 (stats->stopped ? "; stopped by a signal, the rest resumes next time" : ""));
  if (args.watch) {
    int added = 0;
    for (const std::string& page : sink.pages()) {
      Result<bool> a = ctx.store().AddWatchSource(page);
      if (!a.ok()) return a.status();
      added += *a;
    }
    ctx.log().Info("sweep: " + std::to_string(added) + " page(s) added as watch sources");
  }
  if (!mine->empty() && stats->files_failed == static_cast<int>(mine->size()))
    return Status::Unavailable("sweep: no archive file could be read");
  return stats->open_findings > 0 ? 1 : 0;
}

}  // namespace

void AddSweepCommand(CLI::App& app, Command& command) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* sweep = app.add_subcommand("sweep", "sweep web-archive files (WARC/WET) for leaks");
  sweep->add_option("FILE", args->files, "WARC or WET files, plain or gzip");
  sweep->add_option("--paths", args->paths, "a list of archive paths (e.g. wet.paths.gz)");
  sweep->add_option("--root", args->root, "the directory --paths entries are relative to");
  sweep->add_option("--shard", args->shard, "I/N: every N-th file of the list, from the I-th");
  sweep->add_option("--threads", args->threads, "files read at once (default: the cores)")
      ->check(CLI::Range(1, 1024));
  sweep->add_flag("--watch", args->watch,
                  "add each page that held a company leak as a watched source");
  sweep->callback(
      [&command, args] { command = [args](Context& ctx) { return Sweep(ctx, *args); }; });
}

}  // namespace meetleak::cli
