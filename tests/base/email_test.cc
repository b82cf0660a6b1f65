#include "base/email.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meetleak {
namespace {

TEST(EmailAddress, AcceptsWhatADirectoryHolds) {
  for (std::string s : {"ana@acme.example", "first.last+tag@mail.acme-corp.com",
                        "o'brien@acme.co.uk", "ops@xn--bcher-kva.xn--p1ai"}) {
    EXPECT_TRUE(IsEmailAddress(s)) << s;
  }
}

// The config's old rule accepted all of these (one '@', a dot after it).
TEST(EmailAddress, RejectsWhatTheConfigUsedToAccept) {
  for (std::string s : {"a@b.c", "a@@b.example", "a@b..example", "a@-b.example", "a@b.example.",
                        "a@b_c.example", "a@b.example:25", "a\"@b.example", "@b.example",
                        "a@localhost", "a b@c.example", "a@b.123"}) {
    EXPECT_FALSE(IsEmailAddress(s)) << s;
  }
}

}  // namespace
}  // namespace meetleak
