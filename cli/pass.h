// RunPass: one crawl pass over `targets` — an io_context, the real fetcher,
// the Crawler and `sink` — and, on a terminal, a live progress line on stderr.
// A signal (cli/stop_signals.h) stops the pass: the documents in flight
// finish, nothing new starts.
#ifndef MEETLEAK_CLI_PASS_H_
#define MEETLEAK_CLI_PASS_H_

#include <functional>
#include <vector>

#include "base/asio.h"
#include "cli/context.h"
#include "cli/stop_signals.h"
#include "cli/store_sink.h"
#include "crawler/crawler.h"
#include "crawler/fetcher.h"
#include "db/leases.h"

namespace meetleak::cli {

struct PassOptions {
  FetcherOptions fetcher;
  bool progress = true;  // progress line / per-source log lines
  // The store's keyed hash of published passcodes (LeakStore::
  // PasscodeDigester); empty when nothing is stored.
  PasscodeDigest passcode_digest;
  // The worker's leases (db/leases.h), renewed while the pass runs; a
  // renewal that fails stops the pass and is its error (the sources it
  // covers may be another worker's now). Null: nothing to renew.
  Leases* leases = nullptr;
  // Politeness shared with other workers (crawler/fetcher.h); null: none.
  HostGate* host_gate = nullptr;
  // The matcher, built ahead (compiling its patterns takes a few ms, which
  // `run` spends while the store opens); null: the pass builds its own.
  const Matcher* matcher = nullptr;
  // More sources for the pass while it runs (a worker's next lease batch),
  // asked on a thread of its own, one call at a time, whenever fewer URLs
  // wait than twice the fetcher's concurrency; an empty answer ends the
  // asking, an error stops the pass and is its error. Null: the pass is its
  // targets.
  std::function<Result<std::vector<CrawlTarget>>()> more_targets;
};

struct PassSummary {
  CrawlStats stats;
  double seconds = 0;
  bool interrupted = false;  // a signal stopped it
};

Result<PassSummary> RunPass(Context& ctx, StopSignals& signals, const Inventory& inventory,
                            std::vector<CrawlTarget> targets, const PassOptions& options,
                            StoreSink& sink);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_PASS_H_
