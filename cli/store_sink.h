// StoreSink: the crawler's sink, written to the LeakStore (the adapter the
// design puts in cli/). Documents are grouped into one transaction of up to
// kGroup documents (group commit), and so are the states of the sources that
// finished meanwhile, each written in the transaction of its own document,
// after the documents (so never before a document reached from it). The
// transactions run in order on a StoreWriter thread: the crawler's calls only
// hand them over.
// Also collects what the scan command prints, and the figures of the run
// summary. Every method is called on the crawler's thread.
#ifndef MEETLEAK_CLI_STORE_SINK_H_
#define MEETLEAK_CLI_STORE_SINK_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cli/config.h"
#include "crawler/crawler.h"
#include "db/store.h"
#include "db/store_writer.h"

namespace meetleak::cli {

class StoreSink : public CrawlSink {
 public:
  static constexpr size_t kGroup = 256;

  struct Options {
    // Each configured source's interval (run): a source's state is written
    // only for these URLs. Scan gives none.
    std::map<std::string, int> intervals;
    bool collect = false;  // keep every document (collected()): scan prints them
    // A scan's sink: its writes never change what a configured source
    // watches (LeakStore::DocumentWrite::ad_hoc).
    bool ad_hoc = false;
  };

  // `store` may be null (scan --no-store): nothing is read or written.
  StoreSink(LeakStore* store, const std::vector<AllowEntry>& allow, Options options);
  // A second connection to the same database for the crawler's reads
  // (validators, watch lists), borrowed: they then never wait for the
  // writer's transaction in progress (WAL readers do not block), which
  // matters when a pass has thousands of sources, each read on its own.
  // What it reads is what is committed, as through the writer.
  void set_reader(LeakStore* reader) { reader_ = reader; }

  // A document's stored validators, withheld when it is marked for refetch
  // (an inventory change).
  std::vector<std::optional<StoredValidators>> Validators(
      const std::vector<std::string>& urls) override;
  std::vector<std::vector<std::string>> WatchLists(
      const std::vector<std::string>& source_urls) override;
  void OnDocument(CrawledDocument doc) override;
  void OnSourceDone(CrawledDocument source_doc) override;

  // Commits what is buffered and waits until everything handed over is
  // committed. Called at the end of a pass.
  Status Flush();
  // Hands what is buffered to the writer now, without waiting for it: a
  // worker does so each time it takes more sources, so that a worker
  // killed mid-pass leaves about a batch of fetched pages uncommitted (for
  // another worker to fetch again), not a whole group.
  void Commit() { Submit(); }
  // The first storage error seen on this thread, if any (the run stops on
  // it: exit 4). A write that fails on the writer's thread is seen at the
  // next call, and by Flush().
  const Status& error() const { return error_; }
  void set_on_error(std::function<void()> f) { on_error_ = std::move(f); }
  void set_on_warning(std::function<void(const std::string&)> f) { warn_ = std::move(f); }
  // Called with each source's own document as it is done; `failed` when it
  // counts in failed_sources().
  void set_on_source_done(std::function<void(const CrawledDocument&, bool failed)> f) {
    on_source_done_ = std::move(f);
  }

  // Documents seen (scan keeps them to print findings).
  const std::vector<CrawledDocument>& collected() const { return collected_; }
  // Source documents that failed, by URL.
  const std::vector<CrawledDocument>& failed_sources() const { return failed_sources_; }
  int sources_ok() const { return sources_ok_; }
  // Documents of this pass by outcome, as the metrics name them: fetched,
  // not_modified, failed_dns, failed_connect, failed_tls, failed_timeout,
  // failed_http (404/410 included), failed_other, robots, guard, zoom_host.
  const std::map<std::string, std::int64_t>& outcomes() const { return outcomes_; }
  LeakStore::WriteResult totals() const;
  // Whether `key`/`page_url` is covered by an [[allow]] entry now.
  bool Allowed(const PageRef& ref, const std::string& page_url, std::string* reason) const;

 private:
  LeakStore::DocumentWrite ToWrite(const CrawledDocument& doc) const;
  // Hands the buffered documents to the writer as one transaction.
  void Submit();
  // Takes up a failure of the writer's thread.
  bool CheckWriter();
  // Runs a read on the reader, else on the store through the writer.
  template <class F>
  auto Read(F&& f) {
    return reader_ != nullptr ? f(*reader_) : writer_->WithStore(std::forward<F>(f));
  }
  void Fail(Status s);

  LeakStore* store_;
  LeakStore* reader_ = nullptr;
  const std::vector<AllowEntry>& allow_;
  Options options_;
  std::vector<LeakStore::DocumentWrite> buffer_;
  std::vector<LeakStore::SourceResult> source_buffer_;  // written after buffer_
  std::vector<CrawledDocument> collected_;
  std::vector<CrawledDocument> failed_sources_;
  std::map<std::string, std::int64_t> non_company_;  // per source, this pass
  int sources_ok_ = 0;
  std::map<std::string, std::int64_t> outcomes_;
  mutable std::mutex totals_mu_;  // the writer adds to totals_
  LeakStore::WriteResult totals_;
  std::unique_ptr<StoreWriter> writer_;  // null without a store; last: its thread uses the above
  Status error_;
  std::function<void()> on_error_;
  std::function<void(const std::string&)> warn_;
  std::function<void(const CrawledDocument&, bool)> on_source_done_;
};

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_STORE_SINK_H_
