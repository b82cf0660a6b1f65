// Matching is linear in the text whatever it holds: for adversarial shapes
// (a unit repeated to 1 MB and to 8 MB), the bytes the matcher decodes and
// the bytes RE2 searches stay within one fixed multiple of the input's size
// at both sizes. Work is counted (MatchStats), not timed. Each shape also
// keeps Find() equal to FindSlow() on a small sample, and a cancelled token
// stops Find() within 64 KiB.
#include <gtest/gtest.h>

#include <string>

#include "matchers/inventory.h"
#include "matchers/matcher.h"

namespace meetleak {
namespace {

// The most any shape may cost per input byte. Today's worst figures are
// about 10 bytes decoded per byte ("%2C%2C123456789%23", each number behind
// two escapes) and 9 searched (one-tap strings). Before the vendor markers
// were indexed per block and link windows' URL ends searched once, labelled
// IDs outside the inventory decoded about 49 bytes per byte and numbers after
// tag ends searched about 60; the first matcher re-read link windows per
// candidate and spent thousands per byte on these shapes.
constexpr double kMaxDecodedPerByte = 16;
constexpr double kMaxSearchedPerByte = 16;

std::string Repeat(const std::string& unit, std::size_t size) {
  std::string out;
  out.reserve(size + unit.size());
  while (out.size() < size) out += unit;
  return out;
}

// `unit` repeated to `size` bytes, each '#' a digit of a 9-digit number
// that differs in each repetition: distinct invitations, not one repeated.
std::string RepeatNumbered(const std::string& unit, std::size_t size) {
  std::string out;
  out.reserve(size + unit.size());
  for (std::size_t k = 0; out.size() < size; ++k) {
    const std::string digits = std::to_string(100000000 + k);
    std::size_t d = 0;
    for (char c : unit) out.push_back(c == '#' ? digits[d++ % digits.size()] : c);
  }
  return out;
}

const Matcher& SharedMatcher() {
  static const Matcher* m = new Matcher();
  return *m;
}

Inventory TestInventory() {
  return Inventory::FromRows({{"123456789", "ana@acme.example", "", MeetingKind::kScheduled},
                              {"85512345678", "bo@acme.example", "", MeetingKind::kRecurring}},
                             {});
}

MatchStats Measure(const std::string& text) {
  Inventory inv = TestInventory();
  MatchStats stats;
  (void)SharedMatcher().Find(text, &inv, {.stats = &stats});
  return stats;
}

// The sizes of the design's shapes; shapes dense in references (each one
// classified and given a context) are held to the same constants at 256 KiB
// and 2 MiB, which keeps the suite fast.
constexpr std::size_t kSmall = std::size_t{1} << 20, kLarge = std::size_t{8} << 20;
constexpr std::size_t kDenseSmall = std::size_t{256} << 10, kDenseLarge = std::size_t{2} << 20;

void ExpectLinear(const std::string& unit, std::size_t small = kSmall, std::size_t large = kLarge,
                  std::string (*repeat)(const std::string&, std::size_t) = Repeat) {
  SCOPED_TRACE("unit: " + ::testing::PrintToString(unit));
  Inventory inv = TestInventory();
  const std::string sample = repeat(unit, 3000);
  EXPECT_EQ(SharedMatcher().Find(sample, &inv).size(),
            SharedMatcher().FindSlow(sample, &inv).size())
      << "Find and FindSlow disagree on the shape";
  for (std::size_t size : {small, large}) {
    const std::string text = repeat(unit, size);
    MatchStats stats = Measure(text);
    const double n = static_cast<double>(text.size());
    EXPECT_LE(static_cast<double>(stats.bytes_decoded), kMaxDecodedPerByte * n)
        << "decoded per byte at " << size << ": " << static_cast<double>(stats.bytes_decoded) / n;
    EXPECT_LE(static_cast<double>(stats.bytes_searched), kMaxSearchedPerByte * n)
        << "searched per byte at " << size << ": " << static_cast<double>(stats.bytes_searched) / n;
    EXPECT_FALSE(stats.cancelled);
  }
}

TEST(LinearWork, RepeatedHostPrefixMatchesInLinearWork) { ExpectLinear("zoom.us/j/1"); }

TEST(LinearWork, RepeatedLookAlikeHostMatchesInLinearWork) {
  ExpectLinear("notzoom.us/j/123456789");
}

TEST(LinearWork, DenseMeetingLinksMatchInLinearWork) {
  ExpectLinear("https://zoom.us/j/123456789?pwd=abc ", kDenseSmall, kDenseLarge);
}

TEST(LinearWork, RepeatedLabelsMatchInLinearWork) { ExpectLinear("Meeting ID:"); }

TEST(LinearWork, RepeatedLabelledIdsMatchInLinearWork) {
  ExpectLinear("Meeting ID: 123 456 789<br>Passcode: 42 ", kDenseSmall, kDenseLarge);
}

// IDs outside the inventory are the company's only in a Zoom invitation:
// each one asks which vendor's markers stand nearest, which reads the
// text's marker blocks, not a window of its own.
TEST(LinearWork, LabelledIdsOutsideTheInventoryMatchInLinearWork) {
  ExpectLinear("Meeting ID: 987 654 321<br>Passcode: 42 ", kDenseSmall, kDenseLarge);
  ExpectLinear("Meeting ID: 987 654 321<br>Microsoft Teams ", kDenseSmall, kDenseLarge);
}

// Each invitation with numbers of its own: every context is a snippet not
// seen before, yet those that differ only in digits share one redaction.
TEST(LinearWork, InvitationsDifferingInDigitsMatchInLinearWork) {
  ExpectLinear("Meeting ID: ### ### ###<br>Passcode: 42 ", kDenseSmall, kDenseLarge,
               RepeatNumbered);
  ExpectLinear("https://zoom.us/j/#########?pwd=abc ", kDenseSmall, kDenseLarge, RepeatNumbered);
}

TEST(LinearWork, LongDigitRunMatchesInLinearWork) { ExpectLinear("1"); }

TEST(LinearWork, DigitGroupsMatchInLinearWork) {
  ExpectLinear("123 456 789 ");
  ExpectLinear("855-1234-5678,");
}

TEST(LinearWork, NumbersAfterTagEndsMatchInLinearWork) {
  ExpectLinear(">123456789 ", kDenseSmall, kDenseLarge);
  ExpectLinear(";123456789.", kDenseSmall, kDenseLarge);
}

TEST(LinearWork, NestedWrappersMatchInLinearWork) {
  ExpectLinear("https://www.google.com/url?q=https%253A%252F%252Fzoom.us%252Fj%252F123456789%26");
}

TEST(LinearWork, LongPercentRunMatchesInLinearWork) {
  ExpectLinear("%25");
  ExpectLinear("%2C%2C123456789%23", kDenseSmall, kDenseLarge);
}

TEST(LinearWork, EntityRunMatchesInLinearWork) {
  ExpectLinear("&amp;amp;amp;");
  ExpectLinear("&amp;");
}

TEST(LinearWork, RepeatedPwdMatchesInLinearWork) {
  ExpectLinear("zoom.us/j/123456789?pwd=");
  ExpectLinear("pwd=");
}

TEST(LinearWork, RepeatedOneTapDialStringsMatchInLinearWork) {
  ExpectLinear("+16699009128,,123456789#,,,,*424242#", kDenseSmall, kDenseLarge);
  ExpectLinear("+15550009128,,987654321#,,,,*424242#", kDenseSmall, kDenseLarge);
}

TEST(LinearWork, CancelledFindStopsWithinSixtyFourKiB) {
  const std::string text = Repeat("zoom.us/j/123456789 Meeting ID: 123 456 789 ", 8 << 20);
  CancelToken token;
  token.Cancel();
  MatchStats stats;
  std::vector<MeetingRef> refs = SharedMatcher().Find(text, nullptr, {&token, &stats});
  EXPECT_TRUE(refs.empty());
  EXPECT_TRUE(stats.cancelled);
  EXPECT_LE(stats.bytes_decoded, kMaxDecodedPerByte * 64 * 1024);
}

}  // namespace
}  // namespace meetleak
