#include "crawler/crawler.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "base/url.h"
#include "crawler/zoom_rule.h"

namespace meetleak {

using crawler_internal::SafeText;
using crawler_internal::SafeUrl;

struct Crawler::SourceRun {
  CrawlTarget target;
  std::string redacted_url;  // the target's URL as documents record it
  int pending = 0;           // documents reached from the source, not yet delivered
  bool own_done = false;
  bool incomplete = false;                  // a document of it was cancelled: never finished
  CrawledDocument own;                      // held back until pending == 0
  std::unordered_set<std::string> refused;  // reached URLs the fetcher refused
  std::vector<std::string> watch;           // the sink's watch list (target.watch_list)
};

struct Crawler::Job {
  std::shared_ptr<SourceRun> run;
  std::string url;
  bool is_source = false;
  int entry_hops = 0;            // > 0: a feed/sitemap here may have its URLs followed
  int depth = 0;                 // same-host page hops left
  bool sitemap_child = false;    // a sitemap named by a sitemap index
  bool validators_read = false;  // those found wait in validators_ until it is fetched
};

namespace {

// A change detector kept in the DB, not a security hash: XXH3-128 (a stable
// format, unlike std::hash; ~20 GB/s, so it costs nothing next to the fetch)
// plus the length.
std::string BodyHashHex(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llx%016llx-%zx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64), bytes.size());
  return buf;
}

// True when `url` is on the host of `page` (a page that does not parse has
// no same-host links).
bool IsOnHostOf(const Result<Url>& page, std::string_view url) {
  if (!page.ok()) return false;
  Result<Url> other = Url::Parse(url);
  return other.ok() && page->SameHost(*other);
}

bool IsFeed(DocumentKind k) {
  return k == DocumentKind::kRss || k == DocumentKind::kRdf || k == DocumentKind::kAtom ||
         k == DocumentKind::kJsonFeed;
}

}  // namespace

Crawler::Crawler(Fetcher& fetcher, const Matcher& matcher, const Inventory& inventory,
                 CrawlSink& sink, int max_fetching)
    : fetcher_(fetcher),
      matcher_(matcher),
      inventory_(inventory),
      sink_(sink),
      max_fetching_(max_fetching) {}

Crawler::~Crawler() = default;

void Crawler::Start(std::vector<CrawlTarget> targets) {
  stats_.sources_total += static_cast<int>(targets.size());
  std::vector<std::string> watched;
  for (const CrawlTarget& t : targets)
    if (t.watch_list) watched.push_back(t.url);
  std::vector<std::vector<std::string>> watch_lists;
  if (!watched.empty()) watch_lists = sink_.WatchLists(watched);
  watch_lists.resize(watched.size());
  std::size_t next_watch = 0;
  for (CrawlTarget& t : targets) {
    auto run = std::make_shared<SourceRun>();
    if (t.watch_list) run->watch = std::move(watch_lists[next_watch++]);
    run->target = std::move(t);
    run->redacted_url = SafeUrl(run->target.url);
    if (!seen_.insert(run->redacted_url).second) {  // the same document twice: one fetch
      ++stats_.sources_done;
      continue;
    }
    queue_.push_back(Job{.run = run,
                         .url = run->target.url,
                         .is_source = true,
                         .entry_hops = run->target.follow_entries ? 1 : 0,
                         .depth = run->target.depth});
  }
  Pump();
}

std::size_t Crawler::queued() const { return queue_.size(); }

void Crawler::Stop() {
  if (stopping_) return;
  stopping_ = true;
  fetcher_.CancelWaiting();  // what has not started will not be; transfers finish
}

bool Crawler::Enqueue(std::shared_ptr<SourceRun> run, std::string url, int entry_hops, int depth,
                      bool sitemap_child) {
  if (matcher_.IsMeetingUrl(url)) {  // never fetch a meeting: it would hand over the room
    ++stats_.skipped_meeting_urls;
    return false;
  }
  if (!seen_.insert(SafeUrl(url)).second) return true;
  ++run->pending;
  queue_.push_back(Job{.run = std::move(run),
                       .url = std::move(url),
                       .entry_hops = entry_hops,
                       .depth = depth,
                       .sitemap_child = sitemap_child});
  return true;
}

void Crawler::Pump() {
  // Scanning is slower than fetching at times (a burst of large pages, or a
  // busy machine): the backlog it may build is bounded in count and bytes.
  while (!stopping_ && fetching_ < max_fetching_ && !queue_.empty() &&
         fetching_ + scanning_ < kHeldFactor * max_fetching_ && scan_bytes_ < kScanBacklogBytes) {
    if (!queue_.front().validators_read) ReadValidators();
    Job job = std::move(queue_.front());
    queue_.pop_front();
    FetchRequest req;
    req.url = job.url;
    req.trusted = job.is_source && job.run->target.trusted;
    req.allow_private_addresses = job.run->target.allow_private_addresses;
    if (auto v = validators_.find(job.url); v != validators_.end()) {
      req.etag = std::move(v->second.etag);
      req.last_modified = std::move(v->second.last_modified);
      validators_.erase(v);
    }
    ++fetching_;
    fetcher_.Fetch(std::move(req), [this, job](FetchResponse r) { OnFetched(job, std::move(r)); });
  }
}

// One sink call for the validators of the queue's next conditional jobs.
void Crawler::ReadValidators() {
  std::vector<std::string> urls;
  for (Job& job : queue_) {
    if (urls.size() == kValidatorBatch) break;
    if (job.validators_read) continue;
    job.validators_read = true;
    if (job.run->target.conditional) urls.push_back(job.url);
  }
  if (urls.empty()) return;
  std::vector<std::optional<StoredValidators>> found = sink_.Validators(urls);
  for (std::size_t i = 0; i < urls.size() && i < found.size(); ++i)
    if (found[i]) validators_.emplace(std::move(urls[i]), std::move(*found[i]));
}

CrawledDocument ScanDocument(const Matcher& matcher, const Inventory& inventory, std::string body,
                             std::string_view content_type, const std::string& url,
                             const std::string& redacted_source_url, Document* parsed,
                             const ParseOptions& options, const CancelToken* cancel,
                             const PasscodeDigest* passcode_digest, int context_threads) {
  CrawledDocument doc;
  doc.url = url;
  doc.page_url = SafeUrl(url);
  doc.source_url = redacted_source_url;
  doc.outcome = DocumentOutcome::kFetched;
  doc.body_hash = BodyHashHex(body);
  Document local;
  Document& d = parsed != nullptr ? *parsed : local;
  d = ParseDocument(std::move(body), content_type, url, options);
  doc.kind = std::string(ToString(d.kind));
  for (const std::string& w : d.warnings) doc.warnings.push_back(SafeText(w));
  std::vector<RefOccurrence> occurrences;
  // A page's text, attribute and script segments are parts of its body: the
  // body alone is matched, so each occurrence counts once.
  const std::size_t matched = d.kind == DocumentKind::kHtml ? 1 : d.segments.size();
  for (std::size_t i = 0; i < matched; ++i)
    for (MeetingRef& ref : matcher.Find(d.segments[i].text, &inventory,
                                        {.cancel = cancel,
                                        .id_candidates = &doc.id_candidates,
                                        .passcode_digest = passcode_digest,
                                        .context_threads = context_threads}))
      occurrences.push_back({std::move(ref), SafeUrl(d.segments[i].entry_url)});
  doc.refs = MergeOnPage(occurrences, inventory);
  std::sort(doc.id_candidates.begin(), doc.id_candidates.end());
  doc.id_candidates.erase(std::unique(doc.id_candidates.begin(), doc.id_candidates.end()),
                          doc.id_candidates.end());
  return doc;
}

struct Crawler::Scanned {
  FetchResponse response;
  CrawledDocument doc;
  Document parsed;
  bool have_body = false;
  bool cancelled = false;  // CancelScans() stopped its matching
};

// Parsing and matching: pure, so it may run on another thread.
void Crawler::Scan(const std::string& url, const std::string& redacted_source_url,
                   const ParseOptions& options, Scanned* s) const {
  const FetchResponse& r = s->response;
  CrawledDocument& doc = s->doc;
  if (r.ok() && !r.not_modified) {
    doc = ScanDocument(matcher_, inventory_, std::move(s->response.body), r.content_type,
                       r.final_url.empty() ? r.url : r.final_url, redacted_source_url, &s->parsed,
                       options, &cancel_scans_, &passcode_digest_);
    s->have_body = true;
    s->cancelled = cancel_scans_.cancelled();
  } else {
    doc.page_url = SafeUrl(r.final_url.empty() ? url : r.final_url);
    doc.source_url = redacted_source_url;
    if (r.not_modified)
      doc.outcome = DocumentOutcome::kNotModified;
    else if (r.status == 404 || r.status == 410)
      doc.outcome = DocumentOutcome::kGone;
    else
      doc.outcome = DocumentOutcome::kFailed;
    doc.error = SafeText(r.error_message);
  }
  doc.url = url;
  doc.status = r.status;
  doc.etag = r.etag;
  doc.last_modified = r.last_modified;
  doc.fetch_error = r.error;
  doc.retry_at = r.retry_at;
  // Only the links go back to the fetching thread: the body (segments[0])
  // and the text are freed here, not there.
  s->response.body = std::string();
  s->parsed.segments = std::vector<Segment>();
  s->parsed.entries = std::vector<FeedEntry>();
}

void Crawler::OnFetched(const Job& job, FetchResponse r) {
  --fetching_;
  if (r.error == FetchError::kCancelled) {
    // Never read: not a document. Its source is left unfinished, so its own
    // state is not committed and the next pass reads everything again.
    job.run->incomplete = true;
    if (!job.is_source) --job.run->pending;
    if (progress_) progress_(stats_);
    return Pump();
  }
  auto scanned = std::make_shared<Scanned>();
  const std::size_t bytes = r.body.size();
  stats_.bytes += static_cast<std::int64_t>(bytes);
  ++scanning_;
  scan_bytes_ += bytes;
  scanned->response = std::move(r);
  // A page's links are read only when they lead somewhere (same-host depth);
  // the source's kind says how its own document is read.
  const ParseOptions options{.html_structure = job.depth > 0,
                             .kind = job.is_source ? job.run->target.kind : SourceKind::kAuto};
  auto work = [this, scanned, url = job.url, source = job.run->redacted_url, options] {
    Scan(url, source, options, scanned.get());
  };
  auto then = [this, job, scanned, bytes] {
    --scanning_;
    scan_bytes_ -= bytes;
    OnScanned(job, std::move(*scanned));
    Pump();
  };
  if (offload_) {
    offload_(std::move(work), std::move(then));
    return Pump();  // the fetch slot is free while the body is scanned
  }
  work();
  then();
}

void Crawler::OnScanned(const Job& job, Scanned scanned) {
  if (scanned.cancelled) {  // as a cancelled fetch: never read
    job.run->incomplete = true;
    if (!job.is_source) --job.run->pending;
    if (progress_) progress_(stats_);
    return;
  }
  CrawledDocument doc = std::move(scanned.doc);
  const Document& parsed = scanned.parsed;
  const bool have_body = scanned.have_body;
  const bool refused =
      doc.fetch_error == FetchError::kRefusedGuard || doc.fetch_error == FetchError::kRefusedZoom;
  if (refused && !job.is_source) {  // a discovered URL never fetched: no document
    ++stats_.refused_urls;
    ++(doc.fetch_error == FetchError::kRefusedGuard ? stats_.refused_guard : stats_.refused_zoom);
    if (refused_examples_.size() < kRefusedKept) refused_examples_.push_back(std::move(doc.error));
    job.run->refused.insert(job.url);
    --job.run->pending;
    Finish(job.run);
    if (progress_) progress_(stats_);
    return;
  }
  ++stats_.documents;
  if (doc.outcome == DocumentOutcome::kFailed) ++stats_.errors;
  if (doc.outcome == DocumentOutcome::kGone) ++stats_.gone;
  for (const PageRef& p : doc.refs) stats_.company_refs += p.classification.company ? 1 : 0;

  if (have_body && !stopping_) FollowLinks(job, parsed, &doc);
  if (job.is_source && doc.outcome != DocumentOutcome::kFailed && job.run->target.watch_list &&
      !stopping_) {
    for (std::string& url : job.run->watch) {
      // A stored URL that held a secret is its key, not the address: it is
      // fetched only when a live link reaches it (then under its real URL).
      if (url.find(kRedacted) == std::string::npos) Enqueue(job.run, std::move(url), 0, 0, false);
    }
  }
  if (job.is_source) {
    job.run->own = std::move(doc);
    job.run->own_done = true;
  } else {
    sink_.OnDocument(std::move(doc));
    --job.run->pending;
  }
  Finish(job.run);
  if (progress_) progress_(stats_);
}

void Crawler::FollowLinks(const Job& job, const Document& parsed, CrawledDocument* doc) {
  const bool feed = IsFeed(parsed.kind);
  const bool sitemap = parsed.kind == DocumentKind::kSitemap;
  const bool index = parsed.kind == DocumentKind::kSitemapIndex;
  const Result<Url> page = Url::Parse(doc->page_url);
  int followed = 0, capped = 0;
  for (const Link& link : parsed.links) {
    if (link.url.rfind("http://", 0) != 0 && link.url.rfind("https://", 0) != 0) continue;
    bool follow = false;
    int hops = 0, depth = 0;
    bool child_sitemap = false;
    const bool entry =
        (feed && link.rel == Link::Rel::kEntry) || (sitemap && link.rel == Link::Rel::kSitemapUrl);
    if (job.entry_hops > 0 && entry) {
      follow = true;
    } else if (job.entry_hops > 0 && index && !job.sitemap_child &&
               link.rel == Link::Rel::kSitemapUrl) {
      follow = true, hops = job.entry_hops, child_sitemap = true;
    } else if (job.depth > 0 && parsed.kind == DocumentKind::kHtml &&
               (link.rel == Link::Rel::kAnchor || link.rel == Link::Rel::kFrame) &&
               IsOnHostOf(page, link.url)) {
      follow = true, depth = job.depth - 1;
    }
    if (!follow) continue;
    if (followed == max_urls_per_document_) {
      ++capped;
      continue;
    }
    ++followed;
    if (Enqueue(job.run, link.url, hops, depth, child_sitemap))
      doc->linked_urls.push_back(link.url);
  }
  if (capped > 0) {
    stats_.capped_urls += capped;
    doc->warnings.push_back(std::to_string(capped) + " more URLs not followed: at most " +
                            std::to_string(max_urls_per_document_) +
                            " per document (max_urls_per_document)");
  }
}

void Crawler::Finish(const std::shared_ptr<SourceRun>& run) {
  if (!run->own_done || run->pending > 0 || run->incomplete) return;
  run->own_done = false;  // deliver once
  if (!run->refused.empty()) {
    std::erase_if(run->own.linked_urls,
                  [&](const std::string& url) { return run->refused.count(url) > 0; });
    run->refused.clear();
  }
  ++stats_.sources_done;
  sink_.OnSourceDone(std::move(run->own));
}

}  // namespace meetleak
