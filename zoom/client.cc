// zoom::Client: token, pacing, retries, paging.
#include "zoom/client.h"

#include <algorithm>
#include <random>
#include <thread>

#include "base/ascii.h"
#include "base/url.h"
#include "zoom/internal.h"

namespace meetleak::zoom {

using internal::Wipe;
using json = nlohmann::json;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kBackoffCap{60'000};

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (ascii::IsAlnum(static_cast<char>(c)) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// "GET /users/x/meetings?type=scheduled": the call as messages name it,
// without its page token (an opaque cursor that means nothing to a reader).
std::string Describe(std::string_view method, std::string_view path) {
  std::string p(path);
  // ListAll puts the token last: "…&next_page_token=…".
  const auto at = p.find("&next_page_token=");
  if (at != std::string::npos) p.erase(at);
  return std::string(method) + " " + p;
}

// Zoom's {"code": N, "message": "…"} of an error answer (quietly empty when
// the body is something else).
void ReadError(const json& body, Answer* answer) {
  if (!body.is_object()) return;
  if (auto it = body.find("code"); it != body.end() && it->is_number_integer())
    answer->code = it->get<int>();
  for (const char* key : {"message", "reason", "error"})
    if (auto it = body.find(key); it != body.end() && it->is_string() && answer->message.empty())
      answer->message = it->get<std::string>().substr(0, 300);
}

std::string StatusText(const Answer& a) {
  std::string text = "HTTP " + std::to_string(a.status);
  if (a.code != 0 || !a.message.empty()) {
    text += " (";
    if (a.code != 0) text += "code " + std::to_string(a.code) + (a.message.empty() ? "" : ": ");
    text += a.message + ")";
  }
  return text;
}

bool IsDailyLimit(const HttpResponse& r, const Answer& a) {
  return ascii::EqualsIgnoreCase(r.Header("x-ratelimit-type"), "daily-limit") ||
         ascii::Lower(a.message).find("daily rate limit") != std::string::npos;
}

}  // namespace

Status CheckApiUrl(std::string_view url, std::string_view key) {
  Result<Url> u = Url::Parse(url);
  if (!u.ok()) return Status::InvalidInput(std::string(key) + ": not a URL");
  if (u->scheme() == "https") return Status::OK();
  if (u->scheme() == "http" && IsLoopbackName(u->lookup_host())) return Status::OK();
  return Status::InvalidInput(std::string(key) +
                              ": must be an https URL (http only on a loopback host)");
}

struct Client::Impl {
  ClientOptions options;
  HttpTransport* http;
  Clock* clock;
  Sleeper sleep;
  std::string token;
  Clock::TimePoint token_expiry{};
  std::optional<Clock::TimePoint> last_start;
  int api_requests = 0, token_requests = 0;
  std::minstd_rand jitter{std::random_device{}()};

  ~Impl() {
    Wipe(token);
    Wipe(options.client_secret);
  }

  // Spaces request starts by the budget.
  void Pace() {
    const auto gap = std::chrono::duration_cast<Clock::TimePoint::duration>(
        std::chrono::duration<double>(1.0 / options.requests_per_second));
    if (last_start) {
      const auto ready = *last_start + gap;
      const auto now = clock->Now();
      if (now < ready) sleep(std::chrono::ceil<milliseconds>(ready - now));
    }
    last_start = clock->Now();
  }

  milliseconds Backoff(int attempt) {
    milliseconds delay = options.backoff_base;
    for (int i = 1; i < attempt && delay < kBackoffCap; ++i) delay *= 2;
    delay = std::min(delay, kBackoffCap);
    std::uniform_int_distribution<long long> extra(0, delay.count() / 2);  // 0–50 % jitter
    return delay + milliseconds(extra(jitter));
  }

  // One request with the retries of the header comment. `what` names it.
  // A 2xx/3xx/4xx answer other than 429 is returned as it is.
  Result<HttpResponse> Exchange(const HttpRequest& request, const std::string& what, int* counter) {
    std::string last_failure;
    for (int attempt = 1;; ++attempt) {
      Pace();
      ++*counter;
      Result<HttpResponse> r = http->Send(request);
      milliseconds wait{0};
      if (!r.ok()) {
        last_failure = r.status().message();
        wait = Backoff(attempt);
      } else if (r->status == 429) {
        Answer a{.status = 429};
        std::string copy = r->body;
        Result<json> body = internal::ParseWithoutSecrets(copy, nullptr);
        if (body.ok()) ReadError(*body, &a);
        if (IsDailyLimit(*r, a))
          return Status::Unavailable(what + ": Zoom's daily API limit is reached (" +
                                     StatusText(a) + "); the sync stops and changes nothing");
        last_failure = StatusText(a);
        std::optional<std::chrono::seconds> after =
            internal::ParseRetryAfter(r->Header("retry-after"), clock->Now());
        wait = after ? milliseconds(std::min(*after, options.retry_after_max)) : Backoff(attempt);
      } else if (r->status >= 500) {
        last_failure = "HTTP " + std::to_string(r->status);
        wait = Backoff(attempt);
      } else {
        return r;
      }
      if (attempt > options.max_retries) {
        std::string message = what;
        message += ": " + last_failure;
        message += " (gave up after " + std::to_string(attempt) + " attempts)";
        return Status::Unavailable(message);
      }
      sleep(wait);
    }
  }

  Status RequestToken() {
    Wipe(token);
    HttpRequest req{.method = "POST",
                    .url = options.oauth_url + "?grant_type=account_credentials&account_id=" +
                           PercentEncode(options.account_id)};
    std::string credentials = options.client_id + ":" + options.client_secret;
    req.headers.push_back("Authorization: Basic " + internal::Base64(credentials));
    Wipe(credentials);
    req.headers.emplace_back("Content-Type: application/x-www-form-urlencoded");
    const Clock::TimePoint asked = clock->Now();
    Result<HttpResponse> r = Exchange(req, "the token request to oauth_url", &token_requests);
    Wipe(req.headers[0]);
    if (!r.ok()) return r.status();
    json body;
    try {
      body = json::parse(r->body);
    } catch (const json::exception&) {
      body = nullptr;
    }
    Wipe(r->body);
    if (r->status != 200 || !body.is_object() || !body.contains("access_token") ||
        !body["access_token"].is_string()) {
      Answer a{.status = r->status};
      if (body.is_object()) body.erase("access_token");
      ReadError(body, &a);
      if (r->status == 200)
        return Status::Unavailable("oauth_url: the answer holds no access_token");
      return Status::Refused("oauth_url: the credentials were refused (" + StatusText(a) +
                             "); check account_id, client_id and client_secret_env");
    }
    token = body["access_token"].get<std::string>();
    Wipe(body["access_token"].get_ref<std::string&>());
    long long expires_in = 3600;
    if (body.contains("expires_in") && body["expires_in"].is_number_integer())
      expires_in = body["expires_in"].get<long long>();
    const auto margin = std::min<long long>(options.token_margin.count(), expires_in / 2);
    token_expiry = asked + std::chrono::seconds(expires_in - margin);
    return Status::OK();
  }

  Result<Answer> Call(std::string_view method, std::string_view path, const json* payload) {
    const std::string what = Describe(method, path);
    bool renewed = false;
    for (;;) {
      if (token.empty() || clock->Now() >= token_expiry) {
        MEETLEAK_RETURN_IF_ERROR(RequestToken());
        renewed = true;
      }
      HttpRequest req{.method = std::string(method), .url = options.api_url + std::string(path)};
      req.headers.push_back("Authorization: Bearer " + token);
      req.headers.emplace_back("Accept: application/json");
      if (payload) {
        req.headers.emplace_back("Content-Type: application/json");
        req.body = payload->dump();
      }
      Result<HttpResponse> r = Exchange(req, what, &api_requests);
      Wipe(req.headers[0]);
      if (!r.ok()) return r.status();
      Answer a{.status = r->status};
      if (!r->body.empty()) {
        Result<json> body = internal::ParseWithoutSecrets(r->body, options.passcode_digest);
        if (!body.ok() && r->status < 300)
          return Status::Unavailable(what + ": " + body.status().message());
        if (body.ok()) a.body = std::move(*body);
      }
      if (r->status >= 300) ReadError(a.body, &a);
      if (r->status == 401) {
        if (renewed)
          return Status::Refused(what + ": the API refused a new token (" + StatusText(a) + ")");
        Wipe(token);  // expired or revoked early: one new token, one more try
        continue;
      }
      if (r->status >= 300 && r->status < 400)
        return Status::Unavailable(what + ": " + StatusText(a) + " (redirects are not followed)");
      return a;
    }
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options, HttpTransport* http,
                                               Clock* clock, Sleeper sleeper) {
  MEETLEAK_RETURN_IF_ERROR(CheckApiUrl(options.api_url, "zoom.api_url"));
  MEETLEAK_RETURN_IF_ERROR(CheckApiUrl(options.oauth_url, "zoom.oauth_url"));
  if (options.account_id.empty()) return Status::InvalidInput("zoom.account_id: not set");
  if (options.client_id.empty()) return Status::InvalidInput("zoom.client_id: not set");
  if (options.client_secret.empty())
    return Status::InvalidInput("zoom.client_secret_env: the client secret is empty");
  if (!(options.requests_per_second > 0))
    return Status::InvalidInput("zoom.requests_per_second: must be more than 0");
  while (!options.api_url.empty() && options.api_url.back() == '/') options.api_url.pop_back();
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->http = http;
  impl->clock = clock;
  impl->sleep = sleeper ? std::move(sleeper)
                        : Sleeper([](milliseconds d) { std::this_thread::sleep_for(d); });
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Result<Answer> Client::Call(std::string_view method, std::string_view path, const json* body) {
  return impl_->Call(method, path, body);
}

Result<std::vector<json>> Client::ListAll(std::string_view path, std::string_view field,
                                          Answer* refused) {
  std::vector<json> items;
  const char sep = path.find('?') == std::string_view::npos ? '?' : '&';
  std::string page_token;
  for (int page = 1;; ++page) {
    std::string p = std::string(path) + sep + "page_size=300";
    if (!page_token.empty()) p += "&next_page_token=" + PercentEncode(page_token);
    Result<Answer> a = impl_->Call("GET", p, nullptr);
    if (!a.ok()) return a.status();
    if (a->status >= 400) {
      if (refused != nullptr && page == 1) {
        *refused = std::move(*a);
        return items;
      }
      return Status::Unavailable(Describe("GET", p) + ": " + StatusText(*a) + " (page " +
                                 std::to_string(page) + ")");
    }
    const json& body = a->body;
    if (!body.is_object())
      return Status::Unavailable(Describe("GET", p) + ": the answer is not a JSON object");
    if (auto it = body.find(field); it != body.end() && it->is_array())
      for (json& item : a->body[std::string(field)]) items.push_back(std::move(item));
    page_token.clear();
    if (auto it = body.find("next_page_token"); it != body.end() && it->is_string())
      page_token = it->get<std::string>();
    if (page_token.empty()) return items;
  }
}

int Client::api_requests() const { return impl_->api_requests; }
int Client::token_requests() const { return impl_->token_requests; }

}  // namespace meetleak::zoom
