// `status`: the health of the scheduled job, for people and for monitoring
// (exit 5 when unhealthy); the pass record it reads, written by `run`; the
// report's header; and the metrics file of `run --metrics-file`.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/terminal.h"
#include "cli/subcommands.h"

namespace meetleak::cli {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr std::string_view kLastPassKey = "last_pass";
constexpr std::string_view kLastSyncKey = "last_sync";

std::int64_t Unix(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
Clock::TimePoint FromUnix(std::int64_t s) { return Clock::TimePoint(std::chrono::seconds(s)); }

Result<std::optional<ordered_json>> MetaJson(LeakStore& store, std::string_view key) {
  Result<std::optional<std::string>> text = store.GetMeta(key);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return std::optional<ordered_json>();
  ordered_json j = ordered_json::parse(**text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::optional<ordered_json>();
  return std::optional<ordered_json>(std::move(j));
}

std::string Ago(std::int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 2LL * 3600) return std::to_string(seconds / 60) + " min";
  if (seconds < 2LL * 86400) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " days";
}

struct Health {
  ordered_json doc;
  bool healthy = true;
};

// Adds the reasons the job is unhealthy (DESIGN.md, `status`): the last
// pass failed, no pass finished within twice the shortest source interval,
// or the last sync failed.
void Judge(Health& h, const std::optional<PassRecord>& pass, int shortest_interval_s,
           std::int64_t now, const std::optional<ordered_json>& sync) {
  ordered_json reasons = ordered_json::array();
  if (pass && pass->exit >= 3)
    reasons.push_back("the last pass failed (exit " + std::to_string(pass->exit) +
                      (pass->exit == 3 ? ": every source failed)" : ")"));
  if (shortest_interval_s > 0) {
    const std::int64_t limit = 2LL * shortest_interval_s;
    if (!pass)
      reasons.push_back("no pass has finished yet");
    else if (now - Unix(pass->end) > limit)
      reasons.push_back("no pass finished in the last " + Ago(now - Unix(pass->end)) +
                        " (more than twice the shortest source interval, " + Ago(limit) + ")");
  }
  if (sync && sync->value("ok", true) == false)
    reasons.push_back("the last Zoom inventory sync failed: " + sync->value("error", ""));
  h.healthy = reasons.empty();
  h.doc["healthy"] = h.healthy;
  h.doc["reasons"] = std::move(reasons);
}

// The workers seen in the last passes: within twice the shortest source
// interval (the window `status` judges passes by), at least 10 minutes,
// last seen first. SQLite: only the latest — the run lock allows one
// process at a time, and each `run` is a worker of its own.
Result<ordered_json> WorkersJson(Context& ctx, int shortest_interval_s) {
  Result<std::unique_ptr<Leases>> leases = Leases::Open(ctx.db_path(), {}, SystemClock());
  if (!leases.ok()) return leases.status();
  const std::chrono::seconds window(std::max(600, 2 * shortest_interval_s));
  Result<std::vector<Leases::Worker>> workers = (*leases)->Workers(window);
  if (!workers.ok()) return workers.status();
  if (!(*leases)->shared() && workers->size() > 1) workers->resize(1);
  ordered_json list = ordered_json::array();
  for (const Leases::Worker& w : *workers)
    list.push_back({{"id", w.id},
                    {"host", w.host},
                    {"last_seen", FormatIso8601(w.last_seen)},
                    {"leases", w.leases}});
  return list;
}

Result<Health> Gather(Context& ctx) {
  LeakStore& store = ctx.store();
  const std::int64_t now = Unix(SystemClock()->Now());
  Health h;
  h.doc["version"] = 1;
  Result<std::optional<PassRecord>> pass = ReadLastPass(store);
  if (!pass.ok()) return pass.status();
  Result<std::optional<ordered_json>> sync = MetaJson(store, kLastSyncKey);
  if (!sync.ok()) return sync.status();
  Result<std::vector<LeakStore::SourceRow>> sources = store.ListSources();
  if (!sources.ok()) return sources.status();
  Result<std::vector<LeakStore::SourceRow>> due = store.DueSources();
  if (!due.ok()) return due.status();
  int shortest = 0;
  ordered_json failing = ordered_json::array();
  for (const auto& s : *sources) {
    if (!s.active) continue;
    if (shortest == 0 || s.interval_s < shortest) shortest = s.interval_s;
    if (s.last_error.empty()) continue;
    failing.push_back({{"url", RedactSecrets(s.url)},
                       {"error", RedactSecrets(s.last_error)},
                       {"since", s.failing_since ? ordered_json(FormatIso8601(*s.failing_since))
                                                 : ordered_json(nullptr)}});
  }
  Judge(h, *pass, shortest, now, *sync);
  ordered_json last_pass = {{"start", nullptr}, {"end", nullptr}, {"exit", nullptr}};
  if (*pass)
    last_pass = {{"start", FormatIso8601((*pass)->start)},
                 {"end", FormatIso8601((*pass)->end)},
                 {"exit", (*pass)->exit}};
  h.doc["last_pass"] = std::move(last_pass);
  h.doc["failing_sources"] = std::move(failing);
  h.doc["due_sources"] = due->size();
  Result<OpenLeakCounts> open = CountOpenLeaks(store);
  if (!open.ok()) return open.status();
  ordered_json counts = ordered_json::object();
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow})
    counts[std::string(ToString(s))] = open->by_severity[s];
  h.doc["open_leaks"] = std::move(counts);
  std::int64_t rows = 0;
  std::string source;
  for (RowSource rs : {RowSource::kCsv, RowSource::kZoom}) {
    Result<LeakStore::InventoryRows> r = store.LoadRows(rs);
    if (!r.ok()) return r.status();
    const auto n = static_cast<std::int64_t>(r->meetings.size() + r->links.size());
    rows += n;
    if (n > 0) source += (source.empty() ? "" : "+") + std::string(ToString(rs));
  }
  Result<std::optional<std::string>> updated = store.GetMeta(LeakStore::kInventoryUpdatedKey);
  if (!updated.ok()) return updated.status();
  h.doc["inventory"] = {
      {"source", source.empty() ? "none" : source},
      {"rows", rows},
      {"updated", updated->has_value()
                      ? ordered_json(FormatIso8601(FromUnix(std::atoll((*updated)->c_str()))))
                      : ordered_json(nullptr)}};
  ordered_json last_sync = {{"time", nullptr}, {"ok", nullptr}, {"error", nullptr}};
  if (*sync)
    last_sync = {{"time", (*sync)->value("time", "")},
                 {"ok", (*sync)->value("ok", false)},
                 {"error", (*sync)->value("error", "").empty()
                               ? ordered_json(nullptr)
                               : ordered_json(RedactSecrets((*sync)->value("error", "")))}};
  h.doc["last_sync"] = std::move(last_sync);
  Result<ordered_json> workers = WorkersJson(ctx, shortest);
  if (!workers.ok()) return workers.status();
  h.doc["workers"] = std::move(*workers);
  return h;
}

std::string OrDash(const ordered_json& j) { return j.is_string() ? j.get<std::string>() : "-"; }

void PrintText(const ordered_json& d) {
  std::cout << "meetleak status: " << (d["healthy"].get<bool>() ? "healthy" : "UNHEALTHY") << "\n";
  for (const auto& r : d["reasons"])
    std::cout << "  - " << TerminalSafe(r.get<std::string>()) << "\n";
  const ordered_json& p = d["last_pass"];
  std::cout << "Last pass:   ";
  if (p["end"].is_null())
    std::cout << "none finished yet\n";
  else
    std::cout << OrDash(p["start"]) << " to " << OrDash(p["end"]) << ", exit "
              << p["exit"].get<int>() << "\n";
  std::cout << "Sources:     " << d["due_sources"].get<int>() << " due now, "
            << d["failing_sources"].size() << " failing\n";
  for (const auto& f : d["failing_sources"])
    std::cout << "  failing since " << OrDash(f["since"]) << ": "
              << TerminalSafe(f["url"].get<std::string>()) << " - "
              << TerminalSafe(f["error"].get<std::string>()) << "\n";
  const ordered_json& o = d["open_leaks"];
  std::cout << "Open leaks:  " << o["critical"] << " critical, " << o["high"] << " high, "
            << o["medium"] << " medium, " << o["low"] << " low\n";
  const ordered_json& inv = d["inventory"];
  std::cout << "Inventory:   " << inv["source"].get<std::string>() << ", " << inv["rows"]
            << " rows, updated " << OrDash(inv["updated"]) << "\n";
  const ordered_json& s = d["last_sync"];
  std::cout << "Last sync:   ";
  if (s["time"].is_null())
    std::cout << "never\n";
  else if (s["ok"].get<bool>())
    std::cout << s["time"].get<std::string>() << ", ok\n";
  else
    std::cout << s["time"].get<std::string>() << ", failed: " << TerminalSafe(OrDash(s["error"]))
              << "\n";
  std::cout << "Workers:     " << d["workers"].size() << " seen in the last passes\n";
  for (const auto& w : d["workers"])
    std::cout << "  " << TerminalSafe(w["id"].get<std::string>()) << " on "
              << TerminalSafe(w["host"].get<std::string>()) << ", last seen "
              << w["last_seen"].get<std::string>() << ", " << w["leases"] << " leases\n";
}

Result<int> ShowStatus(Context& ctx, const std::string& format) {
  if (format != "text" && format != "json")
    return Status::InvalidInput("--format: status offers text or json");
  MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore(Context::MissingDb::kRefuse));
  Result<Health> h = Gather(ctx);
  if (!h.ok()) return h.status();
  if (format == "json")
    std::cout << h->doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
  else
    PrintText(h->doc);
  return h->healthy ? 0 : kUnhealthyExit;
}

}  // namespace

Status RecordPass(LeakStore& store, const PassRecord& pass) {
  ordered_json j = {{"start", Unix(pass.start)}, {"end", Unix(pass.end)}, {"exit", pass.exit}};
  return store.SetMeta(kLastPassKey, j.dump());
}

Result<std::optional<PassRecord>> ReadLastPass(LeakStore& store) {
  Result<std::optional<ordered_json>> j = MetaJson(store, kLastPassKey);
  if (!j.ok()) return j.status();
  if (!j->has_value()) return std::optional<PassRecord>();
  const ordered_json& p = **j;
  return std::optional<PassRecord>(PassRecord{FromUnix(p.value("start", std::int64_t{0})),
                                              FromUnix(p.value("end", std::int64_t{0})),
                                              p.value("exit", 0)});
}

Result<ReportHeader> ReportHeaderFor(Context& ctx, const std::string& owner,
                                     std::optional<LeakStatus> status) {
  ReportHeader h;
  h.generated_at = FormatIso8601(SystemClock()->Now());
  h.owner = owner;
  h.status = status;
  h.security_contact = ctx.config().security_contact;
  Result<std::vector<LeakStore::SourceRow>> sources = ctx.store().ListSources();
  if (!sources.ok()) return sources.status();
  for (const auto& s : *sources)
    if (s.active) h.sources.push_back(RedactSecrets(s.url));
  Result<std::optional<PassRecord>> pass = ReadLastPass(ctx.store());
  if (!pass.ok()) return pass.status();
  if (*pass)
    h.last_pass = FormatIso8601((*pass)->end) +
                  ((*pass)->exit >= 3 ? " (it failed: every source failed)" : "");
  return h;
}

Status WriteMetricsFile(const std::string& path, const std::string& text) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // node_exporter's textfile collector reads *.prom: the temporary name
  // must not end in .prom, and a rename replaces the file in one step.
  const fs::path tmp =
      dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return Status::IOError(path + ": cannot write the metrics file: " + std::strerror(errno));
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return Status::IOError(path + ": cannot write the metrics file: " + ec.message());
  }
  return Status::OK();
}

void AddStatusCommand(CLI::App& app, Command& command) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* status = app.add_subcommand(
      "status",
      "health of the scheduled job: last pass, failing sources, open leaks (exit 5 "
      "when unhealthy)");
  status->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
  status->callback([&command, format] {
    command = [format](Context& ctx) { return ShowStatus(ctx, *format); };
  });
}

}  // namespace meetleak::cli
