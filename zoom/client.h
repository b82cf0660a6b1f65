// zoom::Client: Zoom's REST API through a Server-to-Server OAuth app
// (../shared/DESIGN.md, "Zoom integration"). It serves the inventory sync
// (reads, zoom/sync.h) and remediation (writes: Call with a body).
//
//   auto http = zoom::NewCurlTransport({.ca_bundle = ""});
//   Result<std::unique_ptr<zoom::Client>> client =
//       zoom::Client::Create(options, http.get(), SystemClock());
//   Result<zoom::Answer> me = (*client)->Call("GET", "/users/abc");
//   Result<std::vector<nlohmann::json>> users =
//       (*client)->ListAll("/users?status=active", "users");
//
// Talks only to `api_url` and `oauth_url`, which must be https (http only
// on a loopback host, for tests); no redirect is followed, so the token
// never leaves for another host. The crawler's rule (never fetch a Zoom URL
// found in content) is untouched: this is a separate component that crawled
// content never reaches.
//
// Token: POST {oauth_url}?grant_type=account_credentials&account_id=… with
// HTTP Basic client_id:client_secret. Requested again `token_margin` before
// `expires_in` runs out and once when the API answers 401. The token and the
// secret live only in memory (wiped when replaced or destroyed); they are
// never in a message, a log line or a Status.
//
// Rate: request starts (token requests included) are spaced 1 /
// requests_per_second apart. A 429 waits Retry-After (seconds, an HTTP date
// or Zoom's ISO 8601 date; capped at retry_after_max) or, without one,
// backs off exponentially with jitter; 5xx and network failures back off the
// same way; after max_retries the call fails naming it. A daily-limit 429
// (X-RateLimit-Type: Daily-limit, or the daily-limit message) fails at once
// (kUnavailable, "daily API limit").
//
// Secrets in answers: every JSON answer is parsed with the API's secret
// fields removed as they are read (zoom/secret_fields in the .cc): the
// passcodes (password, h323_password, pstn_password, encrypted_password,
// pmi_password) become `true`/`false` (a passcode is set or not), or, when
// ClientOptions::passcode_digest is set, that function's value (remediation
// compares keyed hashes); start_url, join_url, personal_meeting_url, any
// key holding "zak", and any string value carrying pwd=, zak= or tk= are
// dropped. The raw body is wiped once parsed.
//
// Errors: kInvalidInput for bad options (naming the key); kUnavailable for a
// call that failed (network, HTTP status, retries spent, daily limit),
// naming method and path (never a token, secret or page token); kRefused
// when the credentials are refused. One Client is used from one thread.
#ifndef MEETLEAK_ZOOM_CLIENT_H_
#define MEETLEAK_ZOOM_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace meetleak::zoom {

// --- The HTTP layer (tests inject their own or use a loopback server) ---
struct HttpRequest {
  std::string method{};                // GET, POST, PATCH
  std::string url{};                   // absolute
  std::vector<std::string> headers{};  // "Name: value"
  std::string body{};
};
struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string Header(std::string_view lower_name) const;  // "" when absent
};
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // One exchange, no redirect followed. kUnavailable on a network or TLS
  // failure, saying which in libcurl's words (never the request's headers).
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};
struct TransportOptions {
  std::chrono::seconds timeout{30};  // whole exchange
  bool verify_tls = true;
  std::string ca_bundle;  // "" = the system's
  std::string proxy;      // "" = libcurl's environment variables
  std::string user_agent = "meetleak/" MEETLEAK_VERSION;
  std::size_t max_body_bytes = 64 << 20;  // a longer answer fails
};
// libcurl easy handles, one connection cache kept across calls.
std::unique_ptr<HttpTransport> NewCurlTransport(TransportOptions options);

// --- The API client ---------------------------------------------------------
struct ClientOptions {
  std::string account_id, client_id;
  std::string client_secret;  // from client_secret_env; wiped by the Client
  std::string api_url = "https://api.zoom.us/v2";
  std::string oauth_url = "https://zoom.us/oauth/token";
  double requests_per_second = 10;  // the client-side budget (the account's limit is shared)
  int max_retries = 5;              // per call: 429 (not daily), 5xx, network
  std::chrono::seconds retry_after_max{300};  // a longer Retry-After is cut to this
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::seconds token_margin{60};  // renew this long before expires_in runs out
  // Remediation: what a passcode field becomes (e.g. a keyed hash). Unset:
  // `true` when a passcode is set, else `false`.
  std::function<std::string(std::string_view field, std::string_view value)> passcode_digest;
};
// Waits between retries and for the rate budget. Default: really sleeps.
// Tests pass one that advances a FakeClock.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

// kInvalidInput "KEY: …" unless `url` is https, or http on a loopback host.
Status CheckApiUrl(std::string_view url, std::string_view key);

// An API answer that is not a failure of the call: 2xx, or a 4xx the
// caller may expect (e.g. a user without a webinar plan). Zoom's error
// bodies are {"code": N, "message": "…"}.
struct Answer {
  int status = 0;
  nlohmann::json body{};  // secrets removed; null when empty
  int code = 0;           // Zoom's error code (4xx), 0 otherwise
  std::string message{};  // Zoom's error message (4xx), "" otherwise
};

class Client {
 public:
  static Result<std::unique_ptr<Client>> Create(ClientOptions options, HttpTransport* http,
                                                Clock* clock, Sleeper sleeper = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One call: `path` relative to api_url, query included ("/users/x").
  // A 2xx or 4xx (other than 401/429) answer is returned; everything else
  // is a failed Status (see the header comment).
  Result<Answer> Call(std::string_view method, std::string_view path,
                      const nlohmann::json* body = nullptr);
  // Every page of a list: `path` + page_size=300 and next_page_token until
  // the token is empty; the elements of each page's `field` array, in
  // order. A 4xx answer fails naming the call, unless `refused` is given:
  // then a 4xx on the first page fills it and returns no items.
  Result<std::vector<nlohmann::json>> ListAll(std::string_view path, std::string_view field,
                                              Answer* refused = nullptr);

  int api_requests() const;    // requests sent to api_url, retries included
  int token_requests() const;  // requests sent to oauth_url

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace meetleak::zoom

#endif  // MEETLEAK_ZOOM_CLIENT_H_
