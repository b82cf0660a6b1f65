// ZoomStandIn: a loopback stand-in of Zoom's REST API and OAuth token
// endpoint on TestServer, driven by a fixture (tests only).
//
//   ZoomFixture f = ZoomFixture::Generate(/*users=*/3, /*meetings_per_user=*/4);
//   ZoomStandIn zoom;                    // http://127.0.0.1:<port>
//   zoom.SetFixture(f);
//   options.api_url = zoom.api_url();    // …/v2
//   options.oauth_url = zoom.oauth_url();
//   zoom.AddFault({.path = "/v2/users", .nth = 2, .reply = {.status = 500}});
//
// As Zoom documents it: POST /oauth/token?grant_type=account_credentials&
// account_id=… with HTTP Basic client_id:client_secret (401 otherwise),
// answering {access_token, token_type, expires_in, scope}; API calls need
// "Authorization: Bearer <a live token>" (401 code 124 otherwise). Lists
// page by page_size (max 300) and an opaque next_page_token; GET
// /users?status=active, /users/{id}, /users/{id}/settings,
// /users/{id}/meetings?type=scheduled|upcoming_meetings, /users/{id}/webinars
// (400 code 200 "Webinar plan is missing…" for a user without the plan),
// /meetings/{id}. Answers carry the secret fields Zoom sends (password,
// encrypted_password, h323/pstn passwords, join_url with pwd=, start_url
// with zak=, personal_meeting_url, pmi_password): the client must drop them.
// Remediation: PATCH /meetings/{id}, /webinars/{id} (password at most 10
// of letters, digits, @ - _ *, else 400 code 300; settings.waiting_room),
// PATCH /users/{id} (pmi) and /users/{id}/settings (schedule_meeting's
// pmi_password, require_password_for_pmi_meetings) answer 204 and change the
// fixture, so GET /meetings/{id} answers the current passcode; more than 100
// meeting updates of one user answer 429. GET /webinars/{id} too.
// Faults: AddFault answers the nth request of a path (prefix) with a reply of
// the test's choosing; RevokeTokensAfter makes live tokens fail mid-sync.
#ifndef MEETLEAK_TESTS_SUPPORT_ZOOM_STAND_IN_H_
#define MEETLEAK_TESTS_SUPPORT_ZOOM_STAND_IN_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_server.h"

namespace meetleak::testing {

struct ZoomFixture {
  struct Meeting {
    std::string id{};  // 9–11 digits
    int type = 2;      // 2 scheduled, 3/8 recurring, 5/6/9 webinar
    std::string topic{};
    std::string start_time = "2026-12-10T10:00:00Z";
    std::string recurrence_end{};         // "" = none
    std::string password = "Secr3tPass";  // "" = no passcode
    bool waiting_room = true;
    bool join_before_host = false;
    bool upcoming = true;  // also in type=upcoming_meetings
  };
  struct User {
    std::string id, email;
    std::string pmi;     // 10 digits
    std::string vanity;  // "" = no personal link
    std::string pmi_password = "PmiPass9";
    std::string pmi_policy = "all";  // require_password_for_pmi_meetings
    bool waiting_room = true;
    bool join_before_host = false;
    bool embed_password_in_join_link = true;
    bool webinar_plan = false;
    std::vector<Meeting> meetings, webinars;
  };
  std::vector<User> users;

  // `users` users (user1@acme.example …), each with a PMI, a personal link
  // and `meetings_per_user` scheduled meetings (every 5th recurring).
  static ZoomFixture Generate(int users, int meetings_per_user);
  // Every secret string the fixture's answers carry (for "never stored" tests).
  std::vector<std::string> Secrets() const;
};

class ZoomStandIn {
 public:
  struct Options {
    std::string account_id = "acct-1";
    std::string client_id = "client-1";
    std::string client_secret = "s2s-Client-Secret-0123456789";
    std::chrono::seconds token_lifetime{3600};  // expires_in; enforced on real time
  };
  struct Fault {
    std::string path;  // request path prefix, e.g. "/v2/users" or "/oauth/token"
    int nth = 1;       // the nth request (1-based) matching it …
    int count = 1;     // … and this many after it
    Reply reply{};
  };

  ZoomStandIn();
  explicit ZoomStandIn(Options options);
  ~ZoomStandIn();

  void SetFixture(ZoomFixture fixture);
  void AddFault(Fault fault);
  // Every token issued so far answers 401 once `api_requests` more API
  // requests have been served (a token that expires mid-sync).
  void RevokeTokensAfter(int api_requests);
  // GET /users lists only every other user (a half-empty answer).
  void ListHalfTheUsers(bool on);

  std::string api_url() const;    // http://127.0.0.1:P/v2
  std::string oauth_url() const;  // http://127.0.0.1:P/oauth/token
  const Options& options() const;
  std::vector<RecordedRequest> Log() const;  // every request, in arrival order
  std::vector<std::string> IssuedTokens() const;
  int api_requests() const;  // requests to /v2 served (faults included)
  // The fixture as the PATCH calls left it.
  ZoomFixture Current() const;
  // Every passcode a PATCH sent (meeting, webinar and PMI passcodes), in order.
  std::vector<std::string> ReceivedPasscodes() const;
  // PATCH calls served for a user (by Zoom user id).
  int UpdatesOf(const std::string& user_id) const;

  // A 429 as Zoom sends it: per-second (with or without Retry-After) or the
  // daily limit (X-RateLimit-Type: Daily-limit).
  static Reply RateLimited(const std::string& retry_after = "");
  static Reply DailyLimit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_SUPPORT_ZOOM_STAND_IN_H_
