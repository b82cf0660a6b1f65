// RunPass: one crawl pass over `targets` — an io_context, the real fetcher,
// the Crawler and `sink` — with SIGINT/SIGTERM handling (first signal: finish
// the documents in flight, then return; second: exit at once) and, on a
// terminal, a live progress line on stderr.
#ifndef MEETLEAK_CLI_PASS_H_
#define MEETLEAK_CLI_PASS_H_

#include <vector>

#include "cli/context.h"
#include "cli/store_sink.h"
#include "crawler/crawler.h"
#include "crawler/fetcher.h"

namespace meetleak::cli {

struct PassOptions {
  FetcherOptions fetcher;
  bool progress = true;   // progress line / per-source log lines
};

struct PassSummary {
  CrawlStats stats;
  double seconds = 0;
  bool interrupted = false;  // a signal stopped it
};

Result<PassSummary> RunPass(Context& ctx, const Inventory& inventory,
                            std::vector<CrawlTarget> targets, const PassOptions& options,
                            StoreSink& sink);

// True once SIGINT/SIGTERM arrived during any pass (the daemon then exits).
bool StopRequested();
void RequestStop();

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_PASS_H_
