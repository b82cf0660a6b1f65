#include "zoom/client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>

#include "tests/zoom/zoom_fixture.h"

namespace meetleak::zoom {
namespace {

using meetleak::testing::Reply;
using meetleak::testing::ZoomFixture;
using meetleak::testing::ZoomStandIn;
using std::chrono::milliseconds;
using std::chrono::seconds;

class ClientTest : public ZoomTest {
 protected:
  void SetUp() override { zoom_.SetFixture(ZoomFixture::Generate(2, 650)); }
  std::string MeetingPath() { return "/meetings/81000000000"; }
};

TEST_F(ClientTest, TokenRequestCarriesBasicCredentialsGrantTypeAndAccount) {
  auto client = MakeClient();
  Result<Answer> a = client->Call("GET", "/users/u1AbCd");
  ASSERT_OK(a);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(a->body["email"], "user1@acme.example");
  auto log = zoom_.Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].target, "/oauth/token?grant_type=account_credentials&account_id=acct-1");
  EXPECT_EQ(log[1].Header("authorization"), "Bearer " + zoom_.IssuedTokens().at(0));
}

TEST_F(ClientTest, RefusedCredentialsSayWhichKeysToCheckAndNeverTheSecret) {
  ClientOptions o = Options();
  o.client_secret = "wrong-Secret-value";
  auto client = MakeClient(o);
  Result<Answer> a = client->Call("GET", "/users/u1AbCd");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kRefused);
  EXPECT_NE(a.status().message().find("client_secret_env"), std::string::npos);
  EXPECT_NE(a.status().message().find("HTTP 401"), std::string::npos);
  EXPECT_EQ(a.status().message().find("wrong-Secret-value"), std::string::npos);
  EXPECT_EQ(zoom_.Log().size(), 1u);  // no API request without a token
}

TEST_F(ClientTest, TokenIsRenewedBeforeItExpires) {
  auto client = MakeClient();
  ASSERT_OK(client->Call("GET", "/users/u1AbCd"));
  clock_.Advance(seconds(3600 - 30));  // inside the renewal margin
  ASSERT_OK(client->Call("GET", "/users/u2AbCd"));
  EXPECT_EQ(client->token_requests(), 2);
  EXPECT_EQ(client->api_requests(), 2);  // no 401 was needed
}

TEST_F(ClientTest, A401GetsOneNewTokenAndTheCallSucceeds) {
  auto client = MakeClient();
  ASSERT_OK(client->Call("GET", "/users/u1AbCd"));
  zoom_.RevokeTokensAfter(0);  // the live token dies now
  Result<Answer> a = client->Call("GET", "/users/u2AbCd");
  ASSERT_OK(a);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(client->token_requests(), 2);
}

TEST_F(ClientTest, A401ForAFreshTokenFailsInsteadOfLooping) {
  zoom_.AddFault(
      {.path = "/v2/users",
       .nth = 1,
       .count = 100,
       .reply = Reply{.status = 401, .body = R"({"code":124,"message":"Invalid access token."})"}});
  auto client = MakeClient();
  Result<Answer> a = client->Call("GET", "/users/u1AbCd");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kRefused);
  EXPECT_LE(client->api_requests(), 2);
}

TEST(ApiUrlTest, HttpsOnlyExceptOnLoopback) {
  EXPECT_OK(CheckApiUrl("https://api.zoom.us/v2", "zoom.api_url"));
  EXPECT_OK(CheckApiUrl("http://127.0.0.1:8080/v2", "zoom.api_url"));
  EXPECT_OK(CheckApiUrl("http://localhost:8080/v2", "zoom.api_url"));
  Status s = CheckApiUrl("http://api.zoom.us/v2", "zoom.api_url");
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput);
  EXPECT_NE(s.message().find("zoom.api_url"), std::string::npos);
  EXPECT_FALSE(CheckApiUrl("ftp://127.0.0.1/", "zoom.oauth_url").ok());
  EXPECT_FALSE(CheckApiUrl("http://10.0.0.1/", "zoom.oauth_url").ok());
}

TEST_F(ClientTest, SecretFieldsAreDroppedAsTheAnswerIsParsed) {
  auto client = MakeClient();
  Result<Answer> a = client->Call("GET", MeetingPath());
  ASSERT_OK(a);
  const nlohmann::json& m = a->body;
  EXPECT_EQ(m["password"], true);  // only "a passcode is set" survives
  EXPECT_EQ(m["encrypted_password"], true);
  EXPECT_EQ(m["h323_password"], true);
  EXPECT_FALSE(m.contains("start_url"));
  EXPECT_FALSE(m.contains("join_url"));
  EXPECT_EQ(m["settings"]["waiting_room"], true);
  const std::string dump = m.dump();
  for (const std::string& secret :
       {std::string("Secr3tPass"), std::string("zakTOKEN"), std::string("pwd=")})
    EXPECT_EQ(dump.find(secret), std::string::npos) << secret;
  Result<Answer> settings = client->Call("GET", "/users/u1AbCd/settings");
  ASSERT_OK(settings);
  EXPECT_EQ(settings->body["schedule_meeting"]["pmi_password"], true);
  Result<Answer> user = client->Call("GET", "/users/u1AbCd");
  ASSERT_OK(user);
  EXPECT_FALSE(user->body.contains("personal_meeting_url"));
  EXPECT_EQ(user->body["vanity_url"], "https://acme-corp.zoom.us/my/user1");
}

TEST_F(ClientTest, ListAllFollowsNextPageTokenAtThreeHundredAPage) {
  auto client = MakeClient();
  Result<std::vector<nlohmann::json>> items =
      client->ListAll("/users/u1AbCd/meetings?type=scheduled", "meetings");
  ASSERT_OK(items);
  ASSERT_EQ(items->size(), 650u);
  EXPECT_EQ((*items)[0]["id"], 81000000000LL);
  EXPECT_EQ((*items)[649]["id"], 81000000649LL);
  int pages = 0;
  for (const auto& r : zoom_.Log()) {
    if (r.target.rfind("/v2/users/u1AbCd/meetings", 0) != 0) continue;
    ++pages;
    EXPECT_NE(r.target.find("page_size=300"), std::string::npos) << r.target;
    EXPECT_EQ(r.target.find("next_page_token=") != std::string::npos, pages > 1) << r.target;
  }
  EXPECT_EQ(pages, 3);
}

TEST_F(ClientTest, A429WaitsItsRetryAfterInSecondsOrAsADate) {
  zoom_.AddFault({.path = "/v2/users/u1AbCd", .nth = 1, .reply = ZoomStandIn::RateLimited("7")});
  auto client = MakeClient();
  ASSERT_OK(client->Call("GET", "/users/u1AbCd"));
  // An HTTP date a minute from the client's now.
  std::time_t in_a_minute = std::chrono::system_clock::to_time_t(clock_.Now()) + 60;
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&in_a_minute));
  zoom_.AddFault({.path = "/v2/users/u2AbCd", .nth = 1, .reply = ZoomStandIn::RateLimited(date)});
  ASSERT_OK(client->Call("GET", "/users/u2AbCd"));
  auto waits = LongWaits();
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_EQ(waits[0], seconds(7));
  EXPECT_GE(waits[1], seconds(59));
  EXPECT_LE(waits[1], seconds(60));
}

TEST_F(ClientTest, ALongRetryAfterIsCapped) {
  zoom_.AddFault({.path = "/v2/users", .nth = 1, .reply = ZoomStandIn::RateLimited("86400")});
  ClientOptions o = Options();
  o.retry_after_max = seconds(30);
  auto client = MakeClient(o);
  ASSERT_OK(client->Call("GET", "/users/u1AbCd"));
  ASSERT_EQ(LongWaits().size(), 1u);
  EXPECT_EQ(LongWaits()[0], seconds(30));
}

TEST_F(ClientTest, A429WithoutRetryAfterBacksOffExponentiallyWithJitter) {
  zoom_.AddFault({.path = "/v2/users", .nth = 1, .count = 3, .reply = ZoomStandIn::RateLimited()});
  auto client = MakeClient();
  ASSERT_OK(client->Call("GET", "/users/u1AbCd"));
  auto waits = LongWaits();
  ASSERT_EQ(waits.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const milliseconds base = milliseconds(1000) * (1 << i);
    EXPECT_GE(waits[i], base) << i;
    EXPECT_LE(waits[i], base + base / 2) << i;
  }
}

TEST_F(ClientTest, TheDailyLimitStopsAtOnceWithAClearError) {
  zoom_.AddFault({.path = "/v2/users", .nth = 1, .count = 10, .reply = ZoomStandIn::DailyLimit()});
  auto client = MakeClient();
  Result<Answer> a = client->Call("GET", "/users/u1AbCd");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(a.status().message().find("daily API limit"), std::string::npos);
  EXPECT_EQ(client->api_requests(), 1);
  EXPECT_TRUE(LongWaits().empty());
}

TEST_F(ClientTest, TheDailyLimitMessageAloneIsEnough) {
  Reply daily = ZoomStandIn::DailyLimit();
  daily.headers.clear();  // as a forum thread shows it: the message, no X-RateLimit-Type
  zoom_.AddFault({.path = "/v2/users", .nth = 1, .reply = daily});
  auto client = MakeClient();
  Result<Answer> a = client->Call("GET", "/users/u1AbCd");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("daily API limit"), std::string::npos);
}

TEST_F(ClientTest, ServerErrorsAreRetriedThenNameTheCall) {
  zoom_.AddFault({.path = "/v2/users", .nth = 1, .count = 2, .reply = Reply{.status = 503}});
  auto client = MakeClient();
  ASSERT_OK(client->Call("GET", "/users/u1AbCd"));
  zoom_.AddFault({.path = "/v2/meetings", .nth = 1, .count = 100, .reply = Reply{.status = 500}});
  Result<Answer> a = client->Call("GET", MeetingPath());
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("GET /meetings/81000000000: HTTP 500"), std::string::npos)
      << a.status().message();
}

TEST_F(ClientTest, TheRequestBudgetHoldsOnTheWire) {
  ClientOptions o = Options();
  o.requests_per_second = 40;
  Result<std::unique_ptr<Client>> client = Client::Create(o, http_.get(), SystemClock());
  ASSERT_OK(client);
  for (int i = 0; i < 60; ++i) ASSERT_OK((*client)->Call("GET", "/users/u1AbCd"));
  auto log = zoom_.Log();
  ASSERT_EQ(log.size(), 61u);
  // At 40 a second, any 41 requests in a row span a second (one arrival
  // may jitter by some ms on a loaded machine; a window does not care).
  for (std::size_t i = 1; i + 40 < log.size(); ++i)
    EXPECT_GE(log[i + 40].arrival - log[i].arrival, milliseconds(970)) << i;
}

TEST_F(ClientTest, ARedirectIsNotFollowed) {
  zoom_.AddFault(
      {.path = "/v2/users",
       .nth = 1,
       .reply = Reply{.status = 302, .headers = {{"Location", "http://127.0.0.2/steal"}}}});
  auto client = MakeClient();
  Result<Answer> a = client->Call("GET", "/users/u1AbCd");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("redirects are not followed"), std::string::npos);
}

}  // namespace
}  // namespace meetleak::zoom
