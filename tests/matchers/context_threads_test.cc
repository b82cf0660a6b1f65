// FindOptions::context_threads: a large text's contexts may be built on a
// second thread, and the answer is the one a single thread gives — every
// reference, its context, its passcode flag and digests, in the same order,
// the passcodes handed to the digest on the calling thread in text order —
// and a cancelled token still stops it.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "matchers/inventory.h"
#include "matchers/matcher.h"

namespace meetleak {
namespace {

// Invitations with distinct IDs and passcodes, 6 KiB of prose apart (so
// the context regions do not merge into one group) and sometimes back to
// back (so groups of several references occur too): about 3 MiB of context
// regions, over the 1 MiB from which a second thread is used.
std::string Invitations(int count) {
  const std::string prose(6000, 'x');
  std::string text;
  for (int k = 0; k < count; ++k) {
    const std::string id = std::to_string(810000000 + k);
    text += "<p>Join https://acme.zoom.us/j/" + id + "?pwd=Enc" + std::to_string(k * 7919) +
            "Pw</p>\nMeeting ID: " + id.substr(0, 3) + " " + id.substr(3, 3) + " " + id.substr(6) +
            "<br>Passcode: p" + std::to_string(k * 31) + "q\n";
    if (k % 5 != 4) text += prose;
  }
  return text;
}

struct Recorder {
  std::vector<std::pair<std::string, std::thread::id>> given;  // value, thread
  PasscodeDigest digest = [this](std::string_view, std::string_view value) {
    given.emplace_back(std::string(value), std::this_thread::get_id());
    return "D#" + std::string(value);
  };
};

const Matcher& SharedMatcher() {
  static const Matcher* m = new Matcher();
  return *m;
}

TEST(ContextThreadsTest, TwoThreadsGiveWhatOneGives) {
  const std::string text = Invitations(600);
  Recorder one, two;
  MatchStats stats_one, stats_two;
  const std::vector<MeetingRef> a =
      SharedMatcher().Find(text, nullptr, {.stats = &stats_one, .passcode_digest = &one.digest});
  const std::vector<MeetingRef> b = SharedMatcher().Find(
      text, nullptr, {.stats = &stats_two, .passcode_digest = &two.digest, .context_threads = 2});
  ASSERT_EQ(a.size(), 1200u);  // each invitation: its link and its labelled ID
  ASSERT_EQ(b.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("reference " + std::to_string(i));
    EXPECT_EQ(b[i].offset, a[i].offset);
    EXPECT_EQ(b[i].key, a[i].key);
    EXPECT_EQ(b[i].context, a[i].context);
    EXPECT_EQ(b[i].has_passcode, a[i].has_passcode);
    EXPECT_EQ(b[i].passcode_digests, a[i].passcode_digests);
    EXPECT_TRUE(b[i].has_passcode);
    EXPECT_EQ(b[i].context.find("Pw"), std::string::npos) << b[i].context;
  }
  // The digest is called from the calling thread only, in the same order.
  ASSERT_EQ(two.given.size(), one.given.size());
  ASSERT_FALSE(two.given.empty());
  for (std::size_t i = 0; i < two.given.size(); ++i) {
    EXPECT_EQ(two.given[i].first, one.given[i].first);
    EXPECT_EQ(two.given[i].second, std::this_thread::get_id());
  }
  EXPECT_FALSE(stats_one.second_thread);
  EXPECT_TRUE(stats_two.second_thread);
  // The second thread's work is counted with the rest: as much as one
  // thread's, and a little more where its own memo of redacted snippets
  // starts empty.
  EXPECT_GE(stats_two.bytes_decoded, stats_one.bytes_decoded);
  EXPECT_LE(stats_two.bytes_decoded, stats_one.bytes_decoded * 101 / 100);
  EXPECT_GE(stats_two.bytes_searched, stats_one.bytes_searched);
  EXPECT_LE(stats_two.bytes_searched, stats_one.bytes_searched * 101 / 100);
}

TEST(ContextThreadsTest, ACancelledTokenStopsBothThreads) {
  const std::string text = Invitations(600);
  CancelToken cancel;
  cancel.Cancel();
  MatchStats stats;
  EXPECT_TRUE(SharedMatcher()
                  .Find(text, nullptr, {.cancel = &cancel, .stats = &stats, .context_threads = 2})
                  .empty());
  EXPECT_TRUE(stats.cancelled);
}

}  // namespace
}  // namespace meetleak
