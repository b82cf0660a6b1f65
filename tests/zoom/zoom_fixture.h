// A Client on the loopback Zoom stand-in, with a fake clock whose sleeps
// only advance it (retries and the budget cost no real time).
#ifndef MEETLEAK_TESTS_ZOOM_ZOOM_FIXTURE_H_
#define MEETLEAK_TESTS_ZOOM_ZOOM_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "tests/support/status_matchers.h"
#include "tests/support/zoom_stand_in.h"
#include "zoom/client.h"

namespace meetleak::zoom {

class ZoomTest : public ::testing::Test {
 protected:
  ClientOptions Options() {
    ClientOptions o;
    o.account_id = zoom_.options().account_id;
    o.client_id = zoom_.options().client_id;
    o.client_secret = zoom_.options().client_secret;
    o.api_url = zoom_.api_url();
    o.oauth_url = zoom_.oauth_url();
    o.max_retries = 3;
    return o;
  }
  std::unique_ptr<Client> MakeClient(ClientOptions o) {
    Result<std::unique_ptr<Client>> c =
        Client::Create(std::move(o), http_.get(), &clock_, [this](std::chrono::milliseconds d) {
          waits_.push_back(d);
          clock_.Advance(d);
        });
    EXPECT_OK(c);
    return c.ok() ? std::move(*c) : nullptr;
  }
  std::unique_ptr<Client> MakeClient() { return MakeClient(Options()); }

  // Waits longer than the budget's spacing (retries, Retry-After).
  std::vector<std::chrono::milliseconds> LongWaits() const {
    std::vector<std::chrono::milliseconds> out;
    for (auto w : waits_)
      if (w > std::chrono::milliseconds(150)) out.push_back(w);
    return out;
  }

  meetleak::testing::ZoomStandIn zoom_;
  std::unique_ptr<HttpTransport> http_ = NewCurlTransport({});
  FakeClock clock_;
  std::vector<std::chrono::milliseconds> waits_;
};

}  // namespace meetleak::zoom

#endif  // MEETLEAK_TESTS_ZOOM_ZOOM_FIXTURE_H_
