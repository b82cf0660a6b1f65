// Sweeper: files on threads, records matched, findings committed with each
// file's progress.
#include "archive/sweep.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

namespace meetleak {

// One Run's shared state: the next file, the counters, the first storage
// error (which stops every thread).
class Sweeper::Run_ {
 public:
  Run_(const Sweeper& s, const std::vector<std::string>& paths) : s_(s), paths_(paths) {
    stats_.files_total = static_cast<int>(paths.size());
  }

  void Work() {
    for (std::size_t i = next_++; i < paths_.size() && !Stopping(); i = next_++) File(paths_[i]);
  }

  Result<SweepStats> Finish() {
    if (!error_.ok()) return error_;
    stats_.stopped = Cancelled();
    Report(/*force=*/true);
    return stats_;
  }

 private:
  bool Cancelled() const {
    return s_.options_.cancel != nullptr && s_.options_.cancel->cancelled();
  }
  bool Stopping() const { return Cancelled() || failed_.load(); }

  void Fail(const Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = status;
    failed_ = true;
  }

  void Count(const std::function<void(SweepStats&)>& add) {
    std::lock_guard<std::mutex> lock(mu_);
    add(stats_);
  }

  void Report(bool force) {
    if (!s_.options_.progress) return;
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_report_ < s_.options_.progress_every) return;
    last_report_ = now;
    s_.options_.progress(stats_);
  }

  void Warnings(WarcReader& reader) {
    for (const std::string& w : reader.TakeWarnings()) s_.sink_.Warn(w);
  }

  // Stores what the file's records since the last commit held.
  bool Commit(const ArchiveFileId& id, std::vector<ArchiveFinding>* findings,
              const SweepSink::Progress& progress) {
    const auto n = findings->size();
    Result<int> open = s_.sink_.Commit(id, std::move(*findings), progress);
    findings->clear();
    if (!open.ok()) {
      Fail(open.status());
      return false;
    }
    Count([&](SweepStats& st) {
      st.findings += n;
      st.open_findings += *open;
    });
    return true;
  }

  void File(const std::string& path) {
    Result<ArchiveFileId> id = IdentifyArchiveFile(path);
    if (!id.ok()) {
      s_.sink_.Error(id.status().message());
      Count([](SweepStats& st) { ++st.files_failed; });
      return;
    }
    Result<SweepSink::Progress> before = s_.sink_.Begin(*id);
    if (!before.ok()) return Fail(before.status());
    if (before->done) {
      Count([](SweepStats& st) { ++st.files_skipped; });
      return Report(false);
    }
    std::ifstream in(path, std::ios::binary);
    IstreamSource source(&in);
    WarcReader reader(&source, id->name, s_.options_.reader);
    if (!ReadRecords(*id, before->records, reader)) return;
    Warnings(reader);
    if (!reader.status().ok()) {
      s_.sink_.Error(reader.status().message());
      Count([](SweepStats& st) { ++st.files_failed; });
    } else if (!Cancelled()) {
      Count([](SweepStats& st) { ++st.files_read; });
    }
    Report(false);
  }

  // Reads the file's records, matching those past `committed`; commits as it
  // goes and at the end. False on a storage error.
  bool ReadRecords(const ArchiveFileId& id, std::uint64_t committed, WarcReader& reader) {
    std::vector<ArchiveFinding> findings;
    std::uint64_t index = 0, since_commit = 0;
    WarcRecord record;
    bool stopped = false;
    while (reader.Next(&record)) {
      if (++index <= committed) continue;
      if (Stopping()) {
        --index;  // not read: the next sweep reads it
        stopped = true;
        break;
      }
      const bool matched = Match(record, &findings);
      if (record.payload_truncated) WarnCapped(id, record);
      Count([&](SweepStats& st) {
        ++st.records;
        st.records_matched += matched;
        st.bytes += record.payload.size();
      });
      Warnings(reader);
      if (++since_commit >= s_.options_.commit_records) {
        if (!Commit(id, &findings, {index, false})) return false;
        since_commit = 0;
      }
      Report(false);
    }
    if (failed_.load()) return false;
    const bool done = !stopped && !Cancelled() && reader.status().ok();
    return Commit(id, &findings, {std::max(index, committed), done});
  }

  void WarnCapped(const ArchiveFileId& id, const WarcRecord& record) const {
    const std::string cap = std::to_string(s_.options_.reader.max_payload);
    s_.sink_.Warn(id.name + ": offset " + std::to_string(record.offset) +
                  ": payload over max_body_bytes (" + cap + " bytes); only its first " + cap +
                  " bytes were read");
  }

  // True when the record passed the pre-filter (and was matched).
  bool Match(const WarcRecord& record, std::vector<ArchiveFinding>* findings) const {
    bool matched = false;
    std::vector<PageRef> refs = ScanRecord(s_.matcher_, s_.inventory_, record, &matched);
    for (PageRef& ref : refs)
      if (ref.classification.company)
        findings->push_back({std::move(ref), record.target_uri, ParseWarcDate(record.date)});
    return matched;
  }

  const Sweeper& s_;
  const std::vector<std::string>& paths_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mu_;
  Status error_;
  SweepStats stats_;
  std::chrono::steady_clock::time_point last_report_{};
};

Sweeper::Sweeper(const Matcher& matcher, const Inventory& inventory, SweepSink& sink,
                 SweepOptions options)
    : matcher_(matcher), inventory_(inventory), sink_(sink), options_(std::move(options)) {}

Result<SweepStats> Sweeper::Run(const std::vector<std::string>& paths) {
  Run_ run(*this, paths);
  unsigned threads = options_.threads != 0 ? options_.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(paths.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&run] { run.Work(); });
  run.Work();
  for (std::thread& t : pool) t.join();
  return run.Finish();
}

}  // namespace meetleak
