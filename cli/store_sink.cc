#include "cli/store_sink.h"

namespace meetleak::cli {

StoreSink::StoreSink(LeakStore* store, const std::vector<AllowEntry>& allow,
                     std::map<std::string, int> intervals, bool collect)
    : store_(store), allow_(allow), intervals_(std::move(intervals)), collect_(collect) {}

std::vector<std::optional<StoredValidators>> StoreSink::Validators(
    const std::vector<std::string>& urls) {
  std::vector<std::optional<StoredValidators>> out(urls.size());
  if (store_ == nullptr) return out;
  Result<std::vector<std::optional<LeakStore::FetchState>>> states = store_->GetFetchStates(urls);
  if (!states.ok()) {
    Fail(states.status());
    return out;
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    if (const auto& s = (*states)[i]) out[i] = StoredValidators{s->etag, s->last_modified};
  return out;
}

std::vector<std::string> StoreSink::WatchList(const std::string& source_url) {
  if (store_ == nullptr) return {};
  // The watch list is read after the documents before it are committed.
  if (Status s = Flush(); !s.ok()) return {};
  Result<std::vector<std::string>> w = store_->WatchList(source_url);
  if (!w.ok()) {
    Fail(w.status());
    return {};
  }
  return std::move(*w);
}

bool StoreSink::Allowed(const PageRef& ref, const std::string& page_url,
                        std::string* reason) const {
  const AllowEntry* a = FindAllow(allow_, ToString(ref.key_kind), ref.key, page_url,
                                  SystemClock()->Now());
  if (a != nullptr && reason != nullptr) *reason = a->reason;
  return a != nullptr;
}

LeakStore::DocumentWrite StoreSink::ToWrite(const CrawledDocument& doc) const {
  LeakStore::DocumentWrite w;
  w.url = doc.url;
  w.page_url = doc.page_url;
  w.source_url = doc.source_url;
  switch (doc.outcome) {
    case DocumentOutcome::kFetched: w.outcome = LeakStore::Outcome::kFetched; break;
    case DocumentOutcome::kNotModified: w.outcome = LeakStore::Outcome::kNotModified; break;
    case DocumentOutcome::kGone: w.outcome = LeakStore::Outcome::kGone; break;
    case DocumentOutcome::kFailed: w.outcome = LeakStore::Outcome::kFailed; break;
  }
  w.status = doc.status;
  w.etag = doc.etag;
  w.last_modified = doc.last_modified;
  w.body_hash = doc.body_hash;
  w.error = doc.error;
  w.linked_urls = doc.linked_urls;
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

void StoreSink::OnDocument(CrawledDocument doc) {
  if (warn_) {
    for (const std::string& w : doc.warnings) warn_(doc.page_url + ": " + w);
    if (doc.outcome == DocumentOutcome::kFailed) warn_(doc.error);
  }
  for (const PageRef& ref : doc.refs) non_company_[doc.source_url] += !ref.classification.company;
  if (store_ != nullptr && error_.ok()) {
    buffer_.push_back(ToWrite(doc));
    if (buffer_.size() >= kGroup) Flush();
  }
  if (collect_) collected_.push_back(std::move(doc));
}

void StoreSink::OnSourceDone(CrawledDocument doc) {
  if (warn_)
    for (const std::string& w : doc.warnings) warn_(doc.page_url + ": " + w);
  const bool failed = doc.outcome == DocumentOutcome::kFailed ||
                      doc.outcome == DocumentOutcome::kGone;
  if (failed) failed_sources_.push_back(doc);
  else ++sources_ok_;
  if (store_ != nullptr && error_.ok()) {
    // The source's own findings and fetch state go in the same group as the
    // rest, then its source state — strictly after everything reached from it.
    bool configured = intervals_.count(doc.url) > 0;
    buffer_.push_back(ToWrite(doc));
    if (Flush().ok() && configured) {
      LeakStore::SourceResult r;
      r.url = doc.url;
      r.status = doc.status;
      r.error = doc.error;
      r.failed = doc.outcome == DocumentOutcome::kFailed;
      r.retry_after = doc.retry_at;
      r.non_company_refs = non_company_[doc.source_url];
      for (const PageRef& ref : doc.refs) r.non_company_refs += !ref.classification.company;
      if (Status s = store_->WriteSourceResult(r); !s.ok()) Fail(s);
    }
  }
  if (collect_) collected_.push_back(std::move(doc));
}

Status StoreSink::Flush() {
  if (store_ == nullptr || buffer_.empty() || !error_.ok()) return error_;
  Result<LeakStore::WriteResult> r = store_->WriteDocuments(buffer_);
  buffer_.clear();
  if (!r.ok()) {
    Fail(r.status());
    return error_;
  }
  totals_.new_leaks += r->new_leaks;
  totals_.reopened += r->reopened;
  totals_.gone += r->gone;
  totals_.sightings += r->sightings;
  return Status::OK();
}

void StoreSink::Fail(Status s) {
  if (!error_.ok()) return;
  error_ = std::move(s);
  if (on_error_) on_error_();
}

}  // namespace meetleak::cli
