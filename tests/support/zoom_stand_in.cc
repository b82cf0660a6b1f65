#include "tests/support/zoom_stand_in.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace meetleak::testing {
namespace {

using json = nlohmann::json;

std::string Base64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Query(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return "";
  std::string rest = target.substr(q + 1);
  std::size_t at = 0;
  while (at <= rest.size()) {
    auto amp = rest.find('&', at);
    std::string pair = rest.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    if (amp == std::string::npos) break;
    at = amp + 1;
  }
  return "";
}

Reply Json(int status, const json& body) {
  return Reply{
      .status = status, .body = body.dump(), .headers = {{"Content-Type", "application/json"}}};
}

Reply Error(int status, int code, const std::string& message) {
  return Json(status, json{{"code", code}, {"message", message}});
}

json MeetingListEntry(const ZoomFixture::Meeting& m, const ZoomFixture::User& u) {
  return {{"uuid", "uuid-" + m.id},
          {"id", std::stoll(m.id)},
          {"host_id", u.id},
          {"topic", m.topic},
          {"type", m.type},
          {"start_time", m.start_time},
          {"duration", 60},
          {"timezone", "UTC"},
          {"created_at", "2026-11-01T00:00:00Z"},
          {"join_url", "https://acme-corp.zoom.us/j/" + m.id +
                           (m.password.empty() ? "" : "?pwd=enc" + m.password)}};
}

json MeetingDetails(const ZoomFixture::Meeting& m, const ZoomFixture::User& u) {
  json j = MeetingListEntry(m, u);
  j["host_email"] = u.email;
  j["password"] = m.password;
  j["h323_password"] = m.password.empty() ? "" : "123456";
  j["pstn_password"] = m.password.empty() ? "" : "123456";
  j["encrypted_password"] = m.password.empty() ? "" : "enc" + m.password;
  j["start_url"] = "https://acme-corp.zoom.us/s/" + m.id + "?zak=zakTOKENsecret" + m.id;
  j["settings"] = {{"waiting_room", m.waiting_room},
                   {"join_before_host", m.join_before_host},
                   {"host_video", true}};
  if (!m.recurrence_end.empty())
    j["recurrence"] = {{"type", 2}, {"end_date_time", m.recurrence_end}};
  return j;
}

}  // namespace

ZoomFixture ZoomFixture::Generate(int users, int meetings_per_user) {
  ZoomFixture f;
  long long next_id = 81000000000LL;
  for (int i = 1; i <= users; ++i) {
    User u;
    u.id = "u" + std::to_string(i) + "AbCd";
    u.email = "user" + std::to_string(i) + "@acme.example";
    u.pmi = std::to_string(5000000000LL + i * 7919LL);
    u.vanity = "user" + std::to_string(i);
    for (int k = 0; k < meetings_per_user; ++k) {
      Meeting m;
      m.id = std::to_string(next_id++);
      m.topic = "Meeting " + std::to_string(k) + " of user " + std::to_string(i);
      if (k % 5 == 4) {
        m.type = 8;
        m.recurrence_end = "2027-06-30T10:00:00Z";
      }
      m.upcoming = k % 2 == 0;
      u.meetings.push_back(m);
    }
    f.users.push_back(std::move(u));
  }
  return f;
}

std::vector<std::string> ZoomFixture::Secrets() const {
  std::vector<std::string> out;
  for (const User& u : users) {
    if (!u.pmi_password.empty()) out.push_back(u.pmi_password);
    for (const auto* list : {&u.meetings, &u.webinars})
      for (const Meeting& m : *list)
        if (!m.password.empty()) out.push_back(m.password), out.push_back("zakTOKENsecret" + m.id);
  }
  return out;
}

struct ZoomStandIn::Impl {
  Options options;
  TestServer server{TestServer::Options{.no_delay = true}};
  mutable std::mutex mu;
  ZoomFixture fixture;
  std::map<std::string, std::size_t> user_index;                        // id -> users[i]
  std::map<std::string, std::pair<std::size_t, bool>> meeting_index;    // id -> (user, webinar)
  std::map<std::string, std::chrono::steady_clock::time_point> tokens;  // token -> expiry
  std::vector<std::string> issued;
  std::map<std::string, std::size_t> page_tokens;  // opaque token -> offset
  std::vector<Fault> faults;
  std::map<std::string, int> seen_by_fault;
  int api_requests = 0;
  int revoke_after = -1;
  bool half_users = false;
  std::vector<std::string> received;   // every passcode a PATCH set
  std::map<std::string, int> updates;  // user id -> PATCH calls served
  int user_daily_updates = 100;        // Zoom's meeting updates per user per day

  std::optional<Reply> MatchFault(const std::string& path) {
    for (std::size_t i = 0; i < faults.size(); ++i) {
      const Fault& f = faults[i];
      if (path.rfind(f.path, 0) != 0) continue;
      int n = ++seen_by_fault[std::to_string(i)];
      if (n >= f.nth && n < f.nth + f.count) return f.reply;
    }
    return std::nullopt;
  }

  Reply Token(const RecordedRequest& r) {
    if (r.method != "POST") return Error(405, 405, "Method not allowed");
    if (r.Header("authorization") !=
        "Basic " + Base64(options.client_id + ":" + options.client_secret))
      return Json(401,
                  {{"reason", "Invalid client_id or client_secret"}, {"error", "invalid_client"}});
    if (Query(r.target, "grant_type") != "account_credentials")
      return Json(400, {{"reason", "unsupported grant type"}, {"error", "unsupported_grant_type"}});
    if (Query(r.target, "account_id") != options.account_id)
      return Json(400, {{"reason", "Invalid account_id"}, {"error", "invalid_request"}});
    std::string token = "tok-" + std::to_string(issued.size() + 1) + "-eyJhbGciOiJIUzUxMiJ9secret";
    tokens[token] = std::chrono::steady_clock::now() + options.token_lifetime;
    issued.push_back(token);
    return Json(200, {{"access_token", token},
                      {"token_type", "bearer"},
                      {"expires_in", options.token_lifetime.count()},
                      {"scope", "user:read:list_users:admin meeting:read:list_meetings:admin"}});
  }

  // A page of `items` by page_size and next_page_token.
  Reply Page(const RecordedRequest& r, const char* field, const std::vector<json>& items) {
    std::size_t size = 30;
    if (std::string s = Query(r.target, "page_size"); !s.empty())
      size = std::min<std::size_t>(300, std::stoul(s));
    std::size_t offset = 0;
    if (std::string t = Query(r.target, "next_page_token"); !t.empty()) {
      auto it = page_tokens.find(t);
      if (it == page_tokens.end())
        return Error(400, 300, "The next page token is invalid or expired.");
      offset = it->second;
    }
    json body{{"page_size", size}, {"total_records", items.size()}, {"next_page_token", ""}};
    body[field] = json::array();
    for (std::size_t i = offset; i < items.size() && i < offset + size; ++i)
      body[field].push_back(items[i]);
    if (offset + size < items.size()) {
      std::string token =
          "pg" + std::to_string(page_tokens.size() + 1) + "x" + std::to_string(offset + size);
      page_tokens[token] = offset + size;
      body["next_page_token"] = token;
    }
    return Json(200, body);
  }

  Reply Users(const RecordedRequest& r) {
    std::vector<json> items;
    for (std::size_t i = 0; i < fixture.users.size(); ++i) {
      if (half_users && i % 2 == 1) continue;
      const auto& u = fixture.users[i];
      items.push_back({{"id", u.id},
                       {"email", u.email},
                       {"type", 2},
                       {"status", "active"},
                       {"pmi", std::stoll(u.pmi)}});
    }
    return Page(r, "users", items);
  }

  Reply User(const RecordedRequest& r, const ZoomFixture::User& u, const std::string& rest) {
    if (rest.empty()) {
      json j{{"id", u.id},
             {"email", u.email},
             {"type", 2},
             {"pmi", std::stoll(u.pmi)},
             {"use_pmi", false},
             {"personal_meeting_url",
              "https://acme-corp.zoom.us/j/" + u.pmi + "?pwd=enc" + u.pmi_password}};
      if (!u.vanity.empty()) j["vanity_url"] = "https://acme-corp.zoom.us/my/" + u.vanity;
      return Json(200, j);
    }
    if (rest == "/settings")
      return Json(200, {{"schedule_meeting",
                         {{"embed_password_in_join_link", u.embed_password_in_join_link},
                          {"require_password_for_pmi_meetings", u.pmi_policy},
                          {"pmi_password", u.pmi_password},
                          {"join_before_host", u.join_before_host}}},
                        {"in_meeting", {{"waiting_room", u.waiting_room}}}});
    if (rest == "/meetings") {
      const std::string type = Query(r.target, "type");
      std::vector<json> items;
      for (const auto& m : u.meetings)
        if (type != "upcoming_meetings" || m.upcoming) items.push_back(MeetingListEntry(m, u));
      return Page(r, "meetings", items);
    }
    if (rest == "/webinars") {
      if (!u.webinar_plan)
        return Error(400, 200,
                     "Webinar plan is missing. You must subscribe to the webinar plan and enable "
                     "webinar for this user in order to perform this action.");
      std::vector<json> items;
      for (const auto& w : u.webinars) items.push_back(MeetingListEntry(w, u));
      return Page(r, "webinars", items);
    }
    return Error(404, 404, "Not found");
  }

  // Zoom's passcode rule: at most 10 of letters, digits, @ - _ *.
  static bool ValidPasscode(const std::string& p) {
    if (p.empty() || p.size() > 10) return false;
    for (char c : p)
      if (!std::isalnum(static_cast<unsigned char>(c)) &&
          std::string("@-_*").find(c) == std::string::npos)
        return false;
    return true;
  }

  // A PATCH of the meeting or webinar `id` (204, as Zoom answers).
  Reply PatchMeeting(const RecordedRequest& r, const std::string& id, bool webinar) {
    auto it = meeting_index.find(id);
    if (it == meeting_index.end() || it->second.second != webinar)
      return Error(404, 3001,
                   (webinar ? "Webinar" : "Meeting") + std::string(" does not exist: ") + id);
    auto& u = fixture.users[it->second.first];
    if (++updates[u.id] > user_daily_updates)
      return Error(429, 429,
                   "You have reached the maximum daily rate limit for this API. The limit of "
                   "meeting updates for this user is 100 per day.");
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) return Error(400, 300, "Request Body should be a valid JSON object.");
    for (auto& m : webinar ? u.webinars : u.meetings) {
      if (m.id != id) continue;
      if (body.contains("password")) {
        const std::string p =
            body["password"].is_string() ? body["password"].get<std::string>() : "";
        received.push_back(p);
        if (!ValidPasscode(p)) return Error(400, 300, "Invalid password.");
        m.password = p;
      }
      if (body.contains("settings") && body["settings"].contains("waiting_room"))
        m.waiting_room = body["settings"]["waiting_room"].get<bool>();
      return Reply{.status = 204};
    }
    return Error(404, 3001, "Meeting does not exist: " + id);
  }

  Reply PatchUser(const RecordedRequest& r, ZoomFixture::User& u, const std::string& rest) {
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) return Error(400, 300, "Request Body should be a valid JSON object.");
    ++updates[u.id];
    if (rest.empty()) {
      if (body.contains("pmi")) u.pmi = std::to_string(body["pmi"].get<long long>());
      return Reply{.status = 204};
    }
    if (rest == "/settings") {
      const json& sm = body.value("schedule_meeting", json::object());
      if (sm.contains("pmi_password")) {
        received.push_back(sm["pmi_password"].get<std::string>());
        u.pmi_password = sm["pmi_password"].get<std::string>();
      }
      if (sm.contains("require_password_for_pmi_meetings"))
        u.pmi_policy = sm["require_password_for_pmi_meetings"].get<std::string>();
      return Reply{.status = 204};
    }
    return Error(404, 404, "Not found");
  }

  Reply Patch(const RecordedRequest& r, const std::string& path) {
    if (path.rfind("/v2/meetings/", 0) == 0) return PatchMeeting(r, path.substr(13), false);
    if (path.rfind("/v2/webinars/", 0) == 0) return PatchMeeting(r, path.substr(13), true);
    if (path.rfind("/v2/users/", 0) == 0) {
      std::string rest = path.substr(10);
      std::string id = rest.substr(0, rest.find('/'));
      auto it = user_index.find(id);
      if (it == user_index.end()) return Error(404, 1001, "User does not exist: " + id);
      return PatchUser(r, fixture.users[it->second], rest.substr(id.size()));
    }
    return Error(404, 404, "Not found");
  }

  Reply Api(const RecordedRequest& r, const std::string& path) {
    const std::string auth = r.Header("authorization");
    auto tok = auth.rfind("Bearer ", 0) == 0 ? tokens.find(auth.substr(7)) : tokens.end();
    if (tok == tokens.end() || std::chrono::steady_clock::now() >= tok->second)
      return Error(401, 124, "Invalid access token.");
    if (r.method == "PATCH") return Patch(r, path);
    if (path == "/v2/users") return Users(r);
    if (path.rfind("/v2/users/", 0) == 0) {
      std::string rest = path.substr(10);
      std::string id = rest.substr(0, rest.find('/'));
      auto it = user_index.find(id);
      if (it == user_index.end()) return Error(404, 1001, "User does not exist: " + id);
      return User(r, fixture.users[it->second], rest.substr(id.size()));
    }
    for (const bool webinar : {false, true}) {
      const std::string prefix = webinar ? "/v2/webinars/" : "/v2/meetings/";
      if (path.rfind(prefix, 0) != 0) continue;
      const std::string id = path.substr(prefix.size());
      auto it = meeting_index.find(id);
      if (it == meeting_index.end() || it->second.second != webinar)
        return Error(404, 3001,
                     (webinar ? "Webinar" : "Meeting") + std::string(" does not exist: ") + id);
      const auto& u = fixture.users[it->second.first];
      for (const auto& m : webinar ? u.webinars : u.meetings)
        if (m.id == id) return Json(200, MeetingDetails(m, u));
    }
    return Error(404, 404, "Not found");
  }

  Reply Handle(const RecordedRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    const std::string path = r.target.substr(0, r.target.find('?'));
    const bool api = path.rfind("/v2/", 0) == 0;
    if (api) {
      ++api_requests;
      if (revoke_after >= 0 && --revoke_after < 0) tokens.clear();
    }
    if (std::optional<Reply> fault = MatchFault(path)) return *fault;
    if (path == "/oauth/token") return Token(r);
    if (api) return Api(r, path);
    return Error(404, 404, "Not found");
  }
};

ZoomStandIn::ZoomStandIn() : ZoomStandIn(Options{}) {}
ZoomStandIn::ZoomStandIn(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->server.RouteAll([this](const RecordedRequest& r) { return impl_->Handle(r); });
}
ZoomStandIn::~ZoomStandIn() = default;

void ZoomStandIn::SetFixture(ZoomFixture fixture) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fixture = std::move(fixture);
  impl_->user_index.clear();
  impl_->meeting_index.clear();
  for (std::size_t i = 0; i < impl_->fixture.users.size(); ++i) {
    const auto& u = impl_->fixture.users[i];
    impl_->user_index[u.id] = i;
    impl_->user_index[u.email] = i;  // Zoom takes a user's e-mail for its ID
    for (const auto& m : u.meetings) impl_->meeting_index[m.id] = {i, false};
    for (const auto& w : u.webinars) impl_->meeting_index[w.id] = {i, true};
  }
}

ZoomFixture ZoomStandIn::Current() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->fixture;
}

std::vector<std::string> ZoomStandIn::ReceivedPasscodes() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->received;
}

int ZoomStandIn::UpdatesOf(const std::string& user_id) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->updates.find(user_id);
  return it == impl_->updates.end() ? 0 : it->second;
}

void ZoomStandIn::AddFault(Fault fault) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->faults.push_back(std::move(fault));
}

void ZoomStandIn::RevokeTokensAfter(int api_requests) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->revoke_after = api_requests;
}

void ZoomStandIn::ListHalfTheUsers(bool on) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->half_users = on;
}

std::string ZoomStandIn::api_url() const { return impl_->server.Url("/v2"); }
std::string ZoomStandIn::oauth_url() const { return impl_->server.Url("/oauth/token"); }
const ZoomStandIn::Options& ZoomStandIn::options() const { return impl_->options; }
std::vector<RecordedRequest> ZoomStandIn::Log() const { return impl_->server.Requests(); }

std::vector<std::string> ZoomStandIn::IssuedTokens() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->issued;
}

int ZoomStandIn::api_requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->api_requests;
}

Reply ZoomStandIn::RateLimited(const std::string& retry_after) {
  Reply r =
      Error(429, 429,
            "You have reached the maximum per-second rate limit for this API. Try again later.");
  r.headers.emplace_back("X-RateLimit-Category", "Medium");
  r.headers.emplace_back("X-RateLimit-Type", "QPS");
  if (!retry_after.empty()) r.headers.emplace_back("Retry-After", retry_after);
  return r;
}

Reply ZoomStandIn::DailyLimit() {
  Reply r = Error(429, 429,
                  "You have exceeded the daily rate limit (30000) of Meeting API requests "
                  "permitted for this account. You may resume these requests at GMT 00:00:00.");
  r.headers.emplace_back("X-RateLimit-Category", "Medium");
  r.headers.emplace_back("X-RateLimit-Type", "Daily-limit");
  r.headers.emplace_back("X-RateLimit-Limit", "30000");
  r.headers.emplace_back("X-RateLimit-Remaining", "0");
  r.headers.emplace_back("Retry-After", "2026-11-27T00:00:00Z");
  return r;
}

}  // namespace meetleak::testing
