// Crawler: the poll pipeline — fetch → feeds → matchers → sink.
//
// crawler/'s front door is this header (the Crawler, its sink, ScanWorkers)
// and crawler/fetcher.h (the Fetcher, its options, NewCurlFetcher); every
// other header here is internal to crawler/ (meetleak::crawler_internal).
//
//   Crawler crawler(fetcher, matcher, inventory, sink);
//   crawler.Start({CrawlTarget{.url = "https://example.org/feed.xml"}});
//   io.run();                 // the fetcher's io_context; returns when all is done
//
// For each target (a configured source or a scan target, trusted) the crawler
// fetches the document (conditionally when the sink knows its validators),
// parses it, matches every segment, and follows one hop: a feed's entry links
// and a sitemap's URLs (a sitemap index's child sitemaps are read as
// sitemaps); a page's same-host links up to `depth` hops. Pages on the
// source's watch list are re-fetched too. Followed URLs are discovered (the
// address guard applies) and never a meeting reference (skipped silently).
// Each document is fetched at most once per Start(): URLs equal once their
// secrets are redacted (RedactSecrets) are one document, fetched under the
// first URL that reached it. A URL is fetched as the config or a live link
// gives it, never in its redacted form: a watch-list URL that holds kRedacted
// (the store keeps URLs redacted) is fetched only when a live link of this
// pass reaches it.
//
// Sink contract: OnDocument() gets every finished document reached from a
// source; OnSourceDone() gets the source's own document only after every
// document reached from it has been given to OnDocument(), so committing in
// call order means a crash loses only uncommitted documents and the next pass
// (which finds no validators for them) fetches them again. A discovered URL
// the fetcher refuses (address guard, Zoom-host rule) is no document: it is
// counted in CrawlStats::refused_urls, not given to OnDocument(), and taken
// out of its source's linked_urls. A document yields at most
// max_urls_per_document URLs to follow; the rest are counted
// (CrawlStats::capped_urls) and named in a warning of the document. All calls happen on
// the fetcher's thread, in order. After Stop(), no new fetch is started;
// documents already handed to the fetcher finish and are delivered; sources
// with unfinished documents get no OnSourceDone().
#ifndef MEETLEAK_CRAWLER_CRAWLER_H_
#define MEETLEAK_CRAWLER_CRAWLER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crawler/fetcher.h"
#include "feeds/document.h"
#include "matchers/inventory.h"
#include "matchers/matcher.h"
#include "matchers/page_ref.h"

namespace meetleak {

// A document of the pass: its fetch state (matchers/page_ref.h) and what
// the crawler found in it.
struct CrawledDocument : DocumentFetch {
  std::string kind;  // "html", "rss", … ("" unless kFetched)
  FetchError fetch_error = FetchError::kNone;
  std::optional<std::chrono::system_clock::time_point> retry_at;
  std::vector<PageRef> refs;  // every reference, company or not
  // The digits of every bare Zoom-grouped 9–11 digit run that is no
  // reference: candidates of the inventory-ID rule (Matcher::Find).
  std::vector<std::string> id_candidates;
  std::vector<std::string> warnings;  // parse warnings, one line each
};

struct StoredValidators {
  std::string etag, last_modified;
};

class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  // The stored validators of each URL, element i for urls[i] (nullopt where
  // none): asked for a batch of queued URLs at once, before their fetches.
  virtual std::vector<std::optional<StoredValidators>> Validators(
      const std::vector<std::string>& urls) = 0;
  // The watch list of each source, element i for source_urls[i]: documents
  // it reached before that it still links or that hold a live leak. Asked
  // once for all the sources of a Start, before their fetches, so a pass of
  // thousands of sources reads the store once, not once per source.
  virtual std::vector<std::vector<std::string>> WatchLists(
      const std::vector<std::string>& source_urls) = 0;
  virtual void OnDocument(CrawledDocument doc) = 0;
  virtual void OnSourceDone(CrawledDocument source_doc) = 0;
};

struct CrawlTarget {
  std::string url;
  SourceKind kind = SourceKind::kAuto;  // how its own document is read (feeds/document.h)
  bool follow_entries = true;           // feeds and sitemaps: fetch their URLs one hop
  int depth = 0;                        // pages: same-host links this many hops
  bool allow_private_addresses = false;
  // A configured source or the scan target: its own URL passes no address
  // guard. False for a URL that came from content (a `watch` source that
  // sweep --watch added): guarded like a discovered link.
  bool trusted = true;
  bool conditional = true;  // use the sink's validators (run); false for scan
  bool watch_list = true;   // re-fetch the sink's watch list (run)
};

struct CrawlStats {
  int sources_total = 0, sources_done = 0;
  int documents = 0, errors = 0, skipped_meeting_urls = 0;
  int gone = 0;  // documents answering 404 or 410 (not counted in errors)
  int company_refs = 0;
  // Discovered URLs the fetcher refused (address guard, Zoom-host rule):
  // counted here, never given to the sink as documents or links.
  int refused_urls = 0;
  int refused_guard = 0, refused_zoom = 0;  // refused_urls by cause
  std::int64_t bytes = 0;                   // decoded body bytes read in the pass
  // URLs a document offered beyond max_urls_per_document: not followed.
  int capped_urls = 0;
};

// Parses and matches a document already in hand (a file, stdin, a fetched
// body, taken over): outcome kFetched, `url` as page_url (redacted),
// `redacted_source_url` as source_url (redacted by the caller: one source
// leads to many documents), every reference merged per key and classified.
// options.kind is the source's kind (feeds/document.h). When `parsed` is given it receives the
// parsed document (for its links); `options` say whether a page's links are wanted at all. No I/O.
// When `cancel` is cancelled, matching stops early (within 64 KiB) and the document's references
// are incomplete: the caller, which owns the token, discards it.
//
// The matcher reads the whole decoded body (segments[0]): detection never
// depends on the parse. A feed's entry segments are matched too, so each
// reference found in an entry carries that entry's URL. `passcode_digest`
// (may be null): what each published passcode becomes, and `context_threads`
// the threads that may build the contexts (both FindOptions).
CrawledDocument ScanDocument(const Matcher& matcher, const Inventory& inventory, std::string body,
                             std::string_view content_type, const std::string& url,
                             const std::string& redacted_source_url, Document* parsed = nullptr,
                             const ParseOptions& options = {}, const CancelToken* cancel = nullptr,
                             const PasscodeDigest* passcode_digest = nullptr,
                             int context_threads = 1);

class Crawler {
 public:
  // `max_fetching`: documents handed to the fetcher at once (the fetcher
  // applies its own per-host limits within them). A fetched document waiting
  // to be parsed and matched holds no fetch slot; new fetches pause while
  // kHeldFactor × max_fetching documents are in hand (fetching or waiting
  // for their scan) or the waiting bodies hold kScanBacklogBytes.
  Crawler(Fetcher& fetcher, const Matcher& matcher, const Inventory& inventory, CrawlSink& sink,
          int max_fetching = 64);
  ~Crawler();
  Crawler(const Crawler&) = delete;
  Crawler& operator=(const Crawler&) = delete;

  // Call on the fetcher's thread; again while the crawl runs (from the
  // progress callback, say) to add sources to it.
  void Start(std::vector<CrawlTarget> targets);
  // The [crawler] max_urls_per_document (default FetcherOptions'); before Start().
  void set_max_urls_per_document(int n) { max_urls_per_document_ = n; }
  // What each published passcode becomes (FindOptions::passcode_digest;
  // the store's keyed hash); before Start(). Called from the scan threads.
  void set_passcode_digest(PasscodeDigest digest) { passcode_digest_ = std::move(digest); }
  void Stop();
  // Scans in progress stop within 64 KiB of text, and documents answered
  // from now on are not scanned: each counts as never read (its source is
  // left unfinished, so the next pass reads it again). Any thread.
  void CancelScans() { cancel_scans_.Cancel(); }
  bool stopping() const { return stopping_; }
  // URLs waiting for a fetch slot (sources and the documents they lead to).
  std::size_t queued() const;
  // Nothing in flight and nothing more will start: the pass is over.
  bool idle() const { return fetching_ == 0 && scanning_ == 0 && (queue_.empty() || stopping_); }

  static constexpr int kHeldFactor = 4;
  static constexpr std::size_t kScanBacklogBytes = 64u << 20;
  // Queued URLs whose validators are read from the sink at once.
  static constexpr std::size_t kValidatorBatch = 256;
  const CrawlStats& stats() const { return stats_; }
  // The error lines of the first kRefusedKept refused URLs, for the user
  // (the rest are only counted: a hostile sitemap must not flood the log).
  static constexpr std::size_t kRefusedKept = 10;
  const std::vector<std::string>& refused_examples() const { return refused_examples_; }
  void set_progress(std::function<void(const CrawlStats&)> f) { progress_ = std::move(f); }

  // Where parsing and matching run. By default on the calling thread; an
  // offload runs `work` elsewhere (any thread: it touches only the body, the
  // Matcher and the Inventory) and must then run `then` back on the
  // fetcher's thread. Sink calls always happen on the fetcher's thread.
  using Offload = std::function<void(std::function<void()> work, std::function<void()> then)>;
  void set_offload(Offload offload) { offload_ = std::move(offload); }

 private:
  struct SourceRun;
  struct Job;
  struct Scanned;
  // Queues `url` unless already seen; false (and not queued) for a meeting URL.
  bool Enqueue(std::shared_ptr<SourceRun> run, std::string url, int entry_hops, int depth,
               bool sitemap_child);
  void Pump();
  void ReadValidators();
  void OnFetched(const Job& job, FetchResponse response);
  void Scan(const std::string& url, const std::string& redacted_source_url,
            const ParseOptions& options, Scanned* scanned) const;
  void OnScanned(const Job& job, Scanned scanned);
  void FollowLinks(const Job& job, const Document& parsed, CrawledDocument* doc);
  void Finish(const std::shared_ptr<SourceRun>& run);

  Fetcher& fetcher_;
  const Matcher& matcher_;
  const Inventory& inventory_;
  CrawlSink& sink_;
  int max_fetching_;
  int max_urls_per_document_ = FetcherOptions().max_urls_per_document;
  PasscodeDigest passcode_digest_;
  int fetching_ = 0;            // handed to the fetcher, not yet answered
  int scanning_ = 0;            // answered, not yet parsed, matched and delivered
  std::size_t scan_bytes_ = 0;  // bodies held by those

  bool stopping_ = false;
  CancelToken cancel_scans_;
  std::deque<Job> queue_;
  std::unordered_set<std::string> seen_;  // queued documents, by redacted URL
  // Validators read for queued URLs (kValidatorBatch at most), by URL.
  std::unordered_map<std::string, StoredValidators> validators_;
  CrawlStats stats_;
  std::vector<std::string> refused_examples_;
  std::function<void(const CrawlStats&)> progress_;
  Offload offload_;
};

// ScanWorkers: the threads a Crawler hands parsing and matching to (its
// Offload), one per core, at the lowest priority.
//
//   boost::asio::io_context io;
//   ScanWorkers workers(io);
//   crawler.set_offload(workers.offload());
//   crawler.set_progress([&](const CrawlStats&) { if (crawler.idle()) workers.Release(); });
//   io.run();
//
// The workers run at niceness 19: they take the CPU the fetching thread
// leaves, so transfers never wait on parsing (measured on the 2-core bench
// box: nice 19 beat 10 and 0 on scripts/bench-crawl --mode full). Nothing
// waits on a worker: a backlog of scans only pauses new fetches
// (Crawler::kHeldFactor). Each scan's `then` is posted back to `io`, which
// the workers keep running (a work guard) until Release(). Threads start
// with SIGINT/SIGTERM blocked as their creator has them (the process's
// signal thread takes those). Destruction stops and joins the threads.
class ScanWorkers {
 public:
  // `io` is the fetcher's and outlives the workers; `threads` 0 is one per core.
  explicit ScanWorkers(boost::asio::io_context& io, unsigned threads = 0);
  ScanWorkers(const ScanWorkers&) = delete;
  ScanWorkers& operator=(const ScanWorkers&) = delete;

  // Runs `work` on a worker, then `then` on `io`'s thread.
  Crawler::Offload offload();
  // Lets `io.run()` return once its other work is done (the pass is idle).
  void Release();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  boost::asio::io_context& io_;
  boost::asio::thread_pool pool_;
  std::unique_ptr<Guard> guard_;
};

}  // namespace meetleak

#endif  // MEETLEAK_CRAWLER_CRAWLER_H_
