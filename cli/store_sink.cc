#include "cli/store_sink.h"

namespace meetleak::cli {

StoreSink::StoreSink(LeakStore* store, const std::vector<AllowEntry>& allow, Options options)
    : store_(store), allow_(allow), options_(std::move(options)) {
  if (store_ != nullptr) writer_ = std::make_unique<StoreWriter>(store_);
}

std::vector<std::optional<StoredValidators>> StoreSink::Validators(
    const std::vector<std::string>& urls) {
  std::vector<std::optional<StoredValidators>> out(urls.size());
  if (store_ == nullptr) return out;
  Result<std::vector<std::optional<LeakStore::FetchState>>> states =
      Read([&](LeakStore& store) { return store.GetFetchStates(urls); });
  if (!states.ok()) {
    Fail(states.status());
    return out;
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    if (const auto& s = (*states)[i]; s && !s->refetch)
      out[i] = StoredValidators{s->etag, s->last_modified};
  return out;
}

std::vector<std::vector<std::string>> StoreSink::WatchLists(
    const std::vector<std::string>& source_urls) {
  std::vector<std::vector<std::string>> out(source_urls.size());
  if (store_ == nullptr || !CheckWriter()) return out;
  // Read without waiting for the writer: what is not committed yet was
  // fetched in this pass, and the crawler fetches a URL once per pass.
  Result<std::vector<std::vector<std::string>>> w =
      Read([&](LeakStore& store) { return store.WatchLists(source_urls); });
  if (!w.ok()) {
    Fail(w.status());
    return out;
  }
  return std::move(*w);
}

bool StoreSink::Allowed(const PageRef& ref, const std::string& page_url,
                        std::string* reason) const {
  const AllowEntry* a = FindAllow(allow_, ref.key_kind, ref.key, page_url, SystemClock()->Now());
  if (a != nullptr && reason != nullptr) *reason = a->reason;
  return a != nullptr;
}

LeakStore::DocumentWrite StoreSink::ToWrite(const CrawledDocument& doc) const {
  LeakStore::DocumentWrite w;
  static_cast<DocumentFetch&>(w) = doc;  // the fetch state is one record on both sides
  w.ad_hoc = options_.ad_hoc;
  if (doc.outcome == DocumentOutcome::kFetched) {
    for (const PageRef& ref : doc.refs)
      w.candidate_keys.push_back(LeakStore::CandidateKey(ref.key_kind, ref.key));
    for (const std::string& digits : doc.id_candidates)
      w.candidate_keys.push_back(LeakStore::CandidateKey(KeyKind::kMeetingId, digits));
  }
  for (const PageRef& ref : doc.refs) {
    if (!ref.classification.company) {
      ++w.non_company_refs;
      continue;
    }
    LeakStore::Sighting s{ref, false, ""};
    s.allowed = Allowed(ref, doc.page_url, &s.allow_reason);
    w.sightings.push_back(std::move(s));
  }
  return w;
}

namespace {

const char* OutcomeName(const CrawledDocument& doc) {
  switch (doc.outcome) {
    case DocumentOutcome::kFetched:
      return "fetched";
    case DocumentOutcome::kNotModified:
      return "not_modified";
    case DocumentOutcome::kGone:
      return "failed_http";
    case DocumentOutcome::kFailed:
      break;
  }
  switch (doc.fetch_error) {
    case FetchError::kDns:
      return "failed_dns";
    case FetchError::kConnect:
      return "failed_connect";
    case FetchError::kTls:
      return "failed_tls";
    case FetchError::kTimeout:
      return "failed_timeout";
    case FetchError::kHttp:
      return "failed_http";
    case FetchError::kRobots:
      return "robots";
    case FetchError::kRefusedGuard:
      return "guard";
    case FetchError::kRefusedZoom:
      return "zoom_host";
    default:
      return "failed_other";
  }
}

}  // namespace

void StoreSink::OnDocument(CrawledDocument doc) {
  ++outcomes_[OutcomeName(doc)];
  if (warn_) {
    for (const std::string& w : doc.warnings) warn_(doc.page_url + ": " + w);
    if (doc.outcome == DocumentOutcome::kFailed) warn_(doc.error);
  }
  for (const PageRef& ref : doc.refs) non_company_[doc.source_url] += !ref.classification.company;
  if (store_ != nullptr && CheckWriter()) {
    buffer_.push_back(ToWrite(doc));
    if (buffer_.size() >= kGroup) Submit();
  }
  if (options_.collect) collected_.push_back(std::move(doc));
}

void StoreSink::OnSourceDone(CrawledDocument doc) {
  ++outcomes_[OutcomeName(doc)];
  if (warn_)
    for (const std::string& w : doc.warnings) warn_(doc.page_url + ": " + w);
  const bool failed =
      doc.outcome == DocumentOutcome::kFailed || doc.outcome == DocumentOutcome::kGone;
  if (failed)
    failed_sources_.push_back(doc);
  else
    ++sources_ok_;
  if (on_source_done_) on_source_done_(doc, failed);
  if (store_ != nullptr && CheckWriter()) {
    // The source's own findings and fetch state join the group, and its
    // source state joins it too, written after the group's documents: every
    // document reached from it is in this group or an earlier one (the
    // writer skips the group when a write before it failed). Many sources
    // thus share one transaction, as documents do.
    buffer_.push_back(ToWrite(doc));
    if (options_.intervals.count(doc.url) > 0) {
      LeakStore::SourceResult r;
      r.url = doc.url;
      r.status = doc.status;
      r.error = doc.error;
      r.failed = doc.outcome == DocumentOutcome::kFailed;
      r.retry_after = doc.retry_at;
      r.non_company_refs = non_company_[doc.source_url];
      for (const PageRef& ref : doc.refs) r.non_company_refs += !ref.classification.company;
      non_company_.erase(doc.source_url);
      source_buffer_.push_back(std::move(r));
    }
    if (buffer_.size() >= kGroup) Submit();
  }
  if (options_.collect) collected_.push_back(std::move(doc));
}

void StoreSink::Submit() {
  if (buffer_.empty() && source_buffer_.empty()) return;
  writer_->Submit([this, docs = std::move(buffer_),
                   sources = std::move(source_buffer_)](LeakStore& store) -> Status {
    Result<LeakStore::WriteResult> r = store.Write(docs, sources);
    if (!r.ok()) return r.status();
    std::lock_guard<std::mutex> lock(totals_mu_);
    totals_.new_leaks += r->new_leaks;
    totals_.reopened += r->reopened;
    totals_.gone += r->gone;
    totals_.sightings += r->sightings;
    return Status::OK();
  });
  buffer_.clear();
  source_buffer_.clear();
}

bool StoreSink::CheckWriter() {
  if (error_.ok() && writer_ != nullptr && writer_->failed()) Fail(writer_->Wait());
  return error_.ok();
}

Status StoreSink::Flush() {
  if (store_ == nullptr || !CheckWriter()) return error_;
  Submit();
  if (Status s = writer_->Wait(); !s.ok()) Fail(std::move(s));
  return error_;
}

LeakStore::WriteResult StoreSink::totals() const {
  std::lock_guard<std::mutex> lock(totals_mu_);
  return totals_;
}

void StoreSink::Fail(Status s) {
  if (!error_.ok()) return;
  error_ = std::move(s);
  if (on_error_) on_error_();
}

}  // namespace meetleak::cli
