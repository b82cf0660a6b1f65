// Sweeper: `meetleak sweep`'s work — archive files read on several threads,
// each record's payload matched as a fetched page is, the company references
// handed to a sink that stores them, and each file's progress with them.
//
//   Sweeper sweeper(matcher, inventory, sink, {.threads = 4});
//   SweepResult r = sweeper.Run({"CC-MAIN-…-00000.warc.gz", …});
//
// A record (`response`, `resource`, `conversion`) is matched when its payload
// passes the matchers' pre-filter (Matcher::MayFind; a payload in a charset
// that is not ASCII-compatible always does): it then goes through feeds/
// (charset from the HTTP headers or the document, kind sniffed) and the
// matcher reads the whole decoded payload — detection never depends on the
// parse. `request`, `metadata`, `warcinfo`, `revisit` records are skipped.
//
// Resuming: a file is known by its name (no directory), size and the
// SHA-256 of its first MiB. The sink says how many records of it were
// committed before; those are read again (the reader must pass them) but not
// matched or sent; a file the sink says is done is not opened at all. Every
// Commit carries the findings of the records since the last one together
// with the new count, so a killed sweep loses nothing committed and stores
// nothing twice.
//
// Threads: files are taken in the order given, one per thread at a time.
// The sink is called from every thread (it serializes itself). A cancelled
// token stops every thread at its next record, after committing what it read.
// Corrupt records are warned about (file and byte offset) and skipped; a file
// that cannot be opened, or an ARC file, is an error line, and the sweep goes on.
#ifndef MEETLEAK_ARCHIVE_SWEEP_H_
#define MEETLEAK_ARCHIVE_SWEEP_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "archive/warc.h"
#include "base/clock.h"
#include "base/status.h"
#include "matchers/inventory.h"
#include "matchers/matcher.h"
#include "matchers/page_ref.h"

namespace meetleak {

// An archive file's identity (LeakStore::ArchiveFile's three parts).
struct ArchiveFileId {
  std::string name;  // the file name, without its directory
  std::uint64_t size = 0;
  std::string head_hash;  // SHA-256 (hex) of the first MiB
};

// Reads the identity of the file at `path`; kUnavailable "PATH: cannot read: why".
Result<ArchiveFileId> IdentifyArchiveFile(const std::string& path);

// A company reference in one record.
struct ArchiveFinding {
  PageRef ref;
  std::string page_url;                      // WARC-Target-URI
  std::optional<Clock::TimePoint> captured;  // WARC-Date; nullopt when absent or unreadable
};

// "2024-05-01T10:20:30Z" (and WARC 1.1's fractional seconds, and offsets):
// the UTC time; nullopt when it is no ISO 8601 date and time.
std::optional<Clock::TimePoint> ParseWarcDate(std::string_view date);

// The references (company or not) of one record's payload, matched as a
// fetched page's; none for a record type that holds no page. `*matched`
// (when given) says whether the payload passed the pre-filter and was read.
std::vector<PageRef> ScanRecord(const Matcher& matcher, const Inventory& inventory,
                                const WarcRecord& record, bool* matched = nullptr);

class SweepSink {
 public:
  virtual ~SweepSink() = default;
  struct Progress {
    std::uint64_t records = 0;  // committed so far, in reading order
    bool done = false;          // the whole file was read
  };
  // What sweeps committed of `file` before.
  virtual Result<Progress> Begin(const ArchiveFileId& file) = 0;
  // Stores `findings` and `progress` together (all or nothing); answers how
  // many of the findings are of a leak that is open.
  virtual Result<int> Commit(const ArchiveFileId& file, std::vector<ArchiveFinding> findings,
                             const Progress& progress) = 0;
  // One warning line: a record skipped ("FILE: offset N: …").
  virtual void Warn(const std::string& line) = 0;
  // One error line: a file that could not be read, or an ARC file refused.
  virtual void Error(const std::string& line) = 0;
};

struct SweepStats {
  int files_total = 0;
  int files_read = 0;                 // read to their end in this sweep
  int files_skipped = 0;              // done in an earlier sweep
  int files_failed = 0;               // could not be opened, or refused (ARC)
  std::uint64_t records = 0;          // records read (committed ones passed over not counted)
  std::uint64_t records_matched = 0;  // records that passed the pre-filter
  std::uint64_t bytes = 0;            // uncompressed payload bytes of the records read
  std::uint64_t findings = 0;         // company references found
  int open_findings = 0;              // of them, of an open leak
  bool stopped = false;               // the token stopped the sweep
};

struct SweepOptions {
  unsigned threads = 0;  // files read at once; 0: one per core
  const CancelToken* cancel = nullptr;
  // The reader's caps; `meetleak sweep` sets max_payload to the config's
  // [crawler] max_body_bytes. A record over it is matched on its first
  // max_payload bytes, with a warning naming the file and offset.
  ReaderOptions reader;
  // A commit every this many records read (or at the file's end): what a
  // kill loses to re-reading, never to storing.
  std::uint64_t commit_records = 5000;
  // Called now and then (at most every `progress_every`) from any thread, serialized.
  std::function<void(const SweepStats&)> progress;
  std::chrono::milliseconds progress_every{500};
};

class Sweeper {
 public:
  // All borrowed; they must outlive Run.
  Sweeper(const Matcher& matcher, const Inventory& inventory, SweepSink& sink,
          SweepOptions options = {});
  // Reads every file; a storage error (a failed Commit or Begin) stops the
  // sweep and is returned, committed work kept.
  Result<SweepStats> Run(const std::vector<std::string>& paths);

 private:
  class Run_;
  const Matcher& matcher_;
  const Inventory& inventory_;
  SweepSink& sink_;
  SweepOptions options_;
};

}  // namespace meetleak

#endif  // MEETLEAK_ARCHIVE_SWEEP_H_
