// Matcher: finds every Zoom meeting reference in a text.
//
//   Matcher matcher;                       // compiles the patterns once
//   std::vector<MeetingRef> refs = matcher.Find(body, &inventory);
//
// A Matcher is expensive to build and immutable afterwards: build one at
// start-up and share it; Find() is const and safe from many threads.
//
// Find() sees raw bytes (any UTF-8, possibly invalid, possibly with NULs) and
// handles every wrapping the design's Detection section lists itself (HTML
// entities, percent-encoding, JSON escapes, zoom[.]us obfuscation, redirect
// wrappers, IDs split by tags). Offsets refer to the text given. The order of
// the result is by offset. Nothing here does I/O.
//
// The fast path: one SIMD pass finds the trigger positions — "zoom" (hosts,
// app schemes, zoomcrc, obfuscated hosts) and runs of three or more digits
// (labelled IDs, dial strings, inventory IDs); link patterns (RE2) run only
// on the delimiter-bounded window around a "zoom", and the words around a
// number are read from a small decoded window. FindSlow() decodes the whole
// text and runs every pattern over it, and tries a number at every digit; it
// exists so tests can check the fast path gives the same answer.
//
// Decoding never turns an escape into an ASCII letter or digit ("&#122;oom"
// stays as written): real pages and wrappers never escape those, and it is
// what lets a literal pre-filter be exact. Texts must be under 4 GiB.
//
// Find() is linear in the text whatever it holds: no byte is decoded or
// searched more than a fixed number of times (link windows never overlap,
// each candidate reads a bounded window, contexts of nearby references share
// one redaction pass). MatchStats counts that work so tests can hold it to a
// fixed multiple of the input; a CancelToken stops a long Find() early.
#ifndef MEETLEAK_MATCHERS_MATCHER_H_
#define MEETLEAK_MATCHERS_MATCHER_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "matchers/meeting_ref.h"

namespace meetleak {

class Inventory;

// A request to stop, set from any thread (a signal's waiting thread) and
// polled by Find() at least every 64 KiB of text.
class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

// The work one Find() did, in bytes: what the decoder read (every level)
// and what RE2 patterns were run over. For tests and benches.
struct MatchStats {
  std::size_t bytes_decoded = 0;
  std::size_t bytes_searched = 0;
  bool cancelled = false;      // the token stopped it: no answer
  bool second_thread = false;  // half of the contexts were built on another thread
};

struct FindOptions {
  const CancelToken* cancel = nullptr;  // null: never cancelled
  MatchStats* stats = nullptr;          // null: not counted
  // Non-null: receives the digits of every bare Zoom-grouped 9–11 digit run
  // that is no reference (not in the inventory, no label) — what an
  // inventory change could turn into a reference.
  std::vector<std::string>* id_candidates = nullptr;
  // Non-null: each passcode the matcher attaches to a reference is given to
  // it once, and its answer kept in MeetingRef::passcode_digests. The one
  // place a published passcode's value leaves the matcher.
  const PasscodeDigest* passcode_digest = nullptr;
  // Threads that may build the references' contexts: 2 lets a text whose
  // references' context regions add up to 1 MiB or more have half of them
  // built on a second thread, which Find() starts and joins (the answer is
  // the same). For one large document in hand (`scan FILE`); a caller that
  // already matches on every core keeps 1.
  int context_threads = 1;
};

class Matcher {
 public:
  Matcher();
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Every reference in `text`. With an inventory, a bare 9–11 digit run in
  // Zoom's groupings equal to an inventory ID is a reference too (form
  // kIdText); `inventory` may be null. Never throws. When options.cancel is
  // cancelled, Find() stops early and returns no reference (the document was
  // not read to its end; options.stats->cancelled says so).
  std::vector<MeetingRef> Find(std::string_view text, const Inventory* inventory = nullptr,
                               const FindOptions& options = {}) const;

  // The pre-filter alone: false only when Find() would find nothing in
  // `text`, whatever the inventory (no "zoom" trigger, no digit run that
  // parses as a 9–11 digit ID in Zoom's groupings). One linear pass, cheaper
  // than Find(): what lets a caller skip parsing a document (sweep's
  // records) before detection. Raw bytes, as Find() sees them.
  bool MayFind(std::string_view text) const;

  // Same answer as Find(), without the pre-filter (for tests and benches
  // only: it is not linear on adversarial text).
  std::vector<MeetingRef> FindSlow(std::string_view text,
                                   const Inventory* inventory = nullptr) const;

  // True when fetching `url` would hand over a meeting: the URL's host is a
  // Zoom host, or the URL (decoded, wrappers unwrapped) holds a reference.
  // The crawler refuses such URLs before any connection.
  bool IsMeetingUrl(std::string_view url) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for zoom.us, zoom.com, zoomgov.com, zoom.com.cn and any name under
// them, in every spelling libcurl would connect to: any case, trailing dots,
// percent-encoding, IDNA forms (fullwidth letters, "。"), and labels with
// characters DNS names do not use ("x_y.zoom.us", "a..zoom.us"): a name that
// ends in ".zoom.us" is never fetched, valid or not. False for look-alikes
// ("zoom.us.evil.example", "notzoom.us").
bool IsZoomHost(std::string_view host);

// `text` with every secret replaced by kRedacted: pwd/zak/tk query values
// (also percent-encoded inside wrapper URLs), one-tap *PASSCODE# digits, the
// value after any passcode label, recording-link tokens past 12 characters.
// Use it on every string that leaves the program (URLs included).
std::string RedactSecrets(std::string_view text);

}  // namespace meetleak

#endif  // MEETLEAK_MATCHERS_MATCHER_H_
