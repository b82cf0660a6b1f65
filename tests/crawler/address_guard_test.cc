#include "crawler/address_guard.h"

#include <gtest/gtest.h>

namespace meetleak::crawler_internal {
namespace {

TEST(AddressGuardTest, ForbidsEveryInternalRange) {
  for (const char* a : {"127.0.0.1",
                        "127.0.0.2",
                        "127.255.255.254",
                        "10.0.0.1",
                        "10.255.1.1",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.168.1.1",
                        "169.254.169.254",
                        "100.64.0.1",
                        "100.127.255.255",
                        "224.0.0.1",
                        "239.255.255.250",
                        "0.0.0.0",
                        "0.1.2.3",
                        "255.255.255.255",
                        "240.0.0.1",
                        "::1",
                        "::",
                        "fc00::1",
                        "fd12:3456::1",
                        "fe80::1",
                        "[fe80::1]",
                        "ff02::1",
                        "fec0::1",
                        "::ffff:127.0.0.1",
                        "::ffff:10.1.2.3",
                        "::ffff:169.254.169.254",
                        "::127.0.0.1",
                        "64:ff9b::a00:1",
                        "64:ff9b::7f00:1",
                        "not-an-address"}) {
    EXPECT_TRUE(IsForbiddenAddress(a)) << a;
  }
}

TEST(AddressGuardTest, AllowsPublicAddresses) {
  for (const char* a :
       {"93.184.216.34", "8.8.8.8", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
        "192.167.1.1", "169.253.1.1", "2606:2800:220:1:248:1893:25c8:1946",
        "[2001:4860:4860::8888]", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"}) {
    EXPECT_FALSE(IsForbiddenAddress(a)) << a;
  }
}

TEST(AddressGuardTest, AnyForbiddenAddressRefusesTheHost) {
  EXPECT_TRUE(CheckAddresses("example.org", {"93.184.216.34"}).ok());
  Status s = CheckAddresses("rebind.example", {"93.184.216.34", "10.0.0.7"});
  EXPECT_EQ(s.code(), Status::Code::kRefused);
  EXPECT_NE(s.message().find("rebind.example"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("10.0.0.7"), std::string::npos) << s.message();
  EXPECT_FALSE(CheckAddresses("empty.example", {}).ok());
}

TEST(AddressGuardTest, RecognisesIpLiterals) {
  EXPECT_TRUE(IsIpLiteral("127.0.0.2"));
  EXPECT_TRUE(IsIpLiteral("[::1]"));
  EXPECT_TRUE(IsIpLiteral("::ffff:10.0.0.1"));
  EXPECT_FALSE(IsIpLiteral("example.org"));
  EXPECT_FALSE(IsIpLiteral("127.0.0.1.nip.io"));
}

TEST(AddressGuardTest, PinEntryBracketsIpv6AndDropsDuplicates) {
  EXPECT_EQ(
      CurlResolveEntry("example.org", 443, {"93.184.216.34", "2606:2800::1", "93.184.216.34"}),
      "example.org:443:93.184.216.34,[2606:2800::1]");
}

}  // namespace
}  // namespace meetleak::crawler_internal
