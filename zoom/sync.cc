// zoom::ReadInventory: users → their PMI, settings, meetings and webinars.
#include "zoom/sync.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "base/ascii.h"
#include "zoom/internal.h"

namespace meetleak::zoom {
namespace {

using json = nlohmann::json;
constexpr std::int64_t kExpiryGrace = 30LL * 86400;  // Zoom expires a past meeting 30 days on
constexpr std::size_t kPageSize = 300;

int Pages(std::size_t items) {
  return static_cast<int>(std::max<std::size_t>(1, (items + kPageSize - 1) / kPageSize));
}

std::string Text(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return "";
}

std::optional<bool> Flag(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

const json& Child(const json& o, const char* key) {
  static const json kEmpty = json::object();
  auto it = o.find(key);
  return it != o.end() && it->is_object() ? *it : kEmpty;
}

std::optional<std::int64_t> Time(const json& o, const char* key) {
  const std::string t = Text(o, key);
  return t.empty() ? std::nullopt : internal::ParseIsoUtc(t);
}

bool IsMeetingId(const std::string& id) {
  return id.size() >= 9 && id.size() <= 11 && std::all_of(id.begin(), id.end(), ascii::IsDigit);
}

MeetingKind KindOf(int type, bool webinar) {
  if (webinar) return MeetingKind::kWebinar;
  if (type == 3 || type == 8) return MeetingKind::kRecurring;
  if (type == 4) return MeetingKind::kPmi;
  return MeetingKind::kScheduled;
}

struct UserSettings {
  std::optional<bool> embed{}, waiting_room{}, join_before_host{}, pmi_passcode{};
};

struct Reader {
  Reader(Client& c, Clock* k) : client(c), clock(k) {}
  Client& client;
  Clock* clock;
  SyncResult out;
  std::unordered_map<std::string, const InventoryMeeting*> previous;
  std::vector<std::size_t> fresh_index, stale_index;  // rows whose details are due / not
  std::set<std::string> seen;
  int no_webinar_plan = 0;
  Answer webinar_refusal;

  Result<std::vector<json>> List(const std::string& path, const char* field,
                                 Answer* refused = nullptr) {
    Result<std::vector<json>> items = client.ListAll(path, field, refused);
    if (items.ok()) out.fewest_requests += Pages(items->size());
    return items;
  }

  Result<Answer> Get(const std::string& path) {
    Result<Answer> a = client.Call("GET", path);
    if (!a.ok()) return a.status();
    if (a->status >= 400)
      return Status::Unavailable("GET " + path + ": HTTP " + std::to_string(a->status) +
                                 (a->message.empty() ? "" : " (" + a->message + ")"));
    return a;
  }

  Result<UserSettings> ReadUser(const std::string& id, const std::string& email) {
    Result<Answer> user = Get("/users/" + id);
    if (!user.ok()) return user.status();
    Result<Answer> settings = Get("/users/" + id + "/settings");
    if (!settings.ok()) return settings.status();
    out.fewest_requests += 2;
    const json& schedule = Child(settings->body, "schedule_meeting");
    UserSettings s{.embed = Flag(schedule, "embed_password_in_join_link"),
                   .waiting_room = Flag(Child(settings->body, "in_meeting"), "waiting_room"),
                   .join_before_host = Flag(schedule, "join_before_host")};
    const std::string policy = Text(schedule, "require_password_for_pmi_meetings");
    if (!policy.empty())
      s.pmi_passcode =
          policy == "all" || (policy == "jbh_only" && s.join_before_host.value_or(false));
    const std::string pmi = Text(user->body, "pmi");
    if (IsMeetingId(pmi))
      AddRow({.meeting_id = pmi,
              .owner_email = email,
              .topic = "Personal Meeting Room",
              .kind = MeetingKind::kPmi,
              .source = RowSource::kZoom,
              .passcode_set = s.pmi_passcode,
              .waiting_room = s.waiting_room,
              .join_before_host = s.join_before_host,
              .embed_password_in_join_link = s.embed});
    const std::string vanity = Text(user->body, "vanity_url");
    if (auto at = vanity.rfind("/my/"); at != std::string::npos && at + 4 < vanity.size())
      out.links.push_back({ascii::Lower(vanity.substr(at + 4)), email, RowSource::kZoom});
    return s;
  }

  void AddRow(InventoryMeeting row) {
    if (!seen.insert(row.meeting_id).second) return;  // the first listing wins
    out.meetings.push_back(std::move(row));
  }

  // A list entry → a row; its details are due when it is new or changed.
  void AddListed(const json& entry, const std::string& email, const UserSettings& s, bool webinar) {
    const std::string id = Text(entry, "id");
    if (!IsMeetingId(id) || seen.count(id)) return;
    int type =
        entry.contains("type") && entry["type"].is_number_integer() ? entry["type"].get<int>() : 2;
    InventoryMeeting row{.meeting_id = id,
                         .owner_email = email,
                         .topic = Text(entry, "topic"),
                         .kind = KindOf(type, webinar),
                         .source = RowSource::kZoom,
                         .start_time = Time(entry, "start_time"),
                         .embed_password_in_join_link = s.embed};
    row.list_hash = std::to_string(std::hash<std::string>{}(entry.dump()));
    auto prev = previous.find(id);
    if (prev != previous.end() && prev->second->list_hash == row.list_hash) {
      const InventoryMeeting& p = *prev->second;
      row.recurrence_end = p.recurrence_end;
      row.passcode_set = p.passcode_set;
      row.waiting_room = p.waiting_room;
      row.join_before_host = p.join_before_host;
      row.details_at = p.details_at;
    }
    const bool fresh = prev == previous.end() || prev->second->list_hash != row.list_hash;
    seen.insert(id);
    out.meetings.push_back(std::move(row));
    if (webinar) return;  // a webinar's list entry is all a sync reads of it
    (fresh ? fresh_index : stale_index).push_back(out.meetings.size() - 1);
  }

  Status ReadUserMeetings(const std::string& id, const std::string& email) {
    Result<UserSettings> s = ReadUser(id, email);
    if (!s.ok()) return s.status();
    for (const char* type : {"scheduled", "upcoming_meetings"}) {
      Result<std::vector<json>> list = List("/users/" + id + "/meetings?type=" + type, "meetings");
      if (!list.ok()) return list.status();
      for (const json& m : *list) AddListed(m, email, *s, false);
    }
    Answer refused;
    Result<std::vector<json>> webinars = List("/users/" + id + "/webinars", "webinars", &refused);
    if (!webinars.ok()) return webinars.status();
    if (refused.status != 0) {
      if (refused.status == 401 || refused.status == 403 || refused.status >= 500)
        return Status::Unavailable("GET /users/" + id + "/webinars: HTTP " +
                                   std::to_string(refused.status));
      ++no_webinar_plan;
      webinar_refusal = std::move(refused);
    }
    for (const json& w : *webinars) AddListed(w, email, *s, true);
    return Status::OK();
  }

  // GET /meetings/{id}: the settings a list entry lacks. A meeting deleted
  // since it was listed answers 404: its row is dropped.
  Status ReadDetails(InventoryMeeting* row, bool* gone) {
    Result<Answer> a = client.Call("GET", "/meetings/" + row->meeting_id);
    if (!a.ok()) return a.status();
    if (a->status == 404) {
      *gone = true;
      return Status::OK();
    }
    if (a->status >= 400)
      return Status::Unavailable("GET /meetings/" + row->meeting_id + ": HTTP " +
                                 std::to_string(a->status) +
                                 (a->message.empty() ? "" : " (" + a->message + ")"));
    const json& m = a->body;
    const json& settings = Child(m, "settings");
    row->passcode_set =
        Flag(m, "password").value_or(false) || Flag(m, "encrypted_password").value_or(false);
    row->waiting_room = Flag(settings, "waiting_room");
    row->join_before_host = Flag(settings, "join_before_host");
    row->recurrence_end = Time(Child(m, "recurrence"), "end_date_time");
    if (auto start = Time(m, "start_time")) row->start_time = start;
    row->details_at = std::chrono::system_clock::to_time_t(clock->Now());
    return Status::OK();
  }

  Status ReadAllDetails(double rolling_share) {
    std::vector<std::size_t> todo = fresh_index;
    out.fewest_requests += static_cast<int>(fresh_index.size());
    std::vector<std::size_t> stale = stale_index;
    std::sort(stale.begin(), stale.end(), [&](std::size_t a, std::size_t b) {
      return out.meetings[a].details_at < out.meetings[b].details_at;
    });
    const auto extra = static_cast<std::size_t>(std::floor(rolling_share * out.fewest_requests));
    stale.resize(std::min(stale.size(), extra));
    todo.insert(todo.end(), stale.begin(), stale.end());
    std::vector<bool> drop(out.meetings.size(), false);
    for (std::size_t i : todo) {
      bool gone = false;
      MEETLEAK_RETURN_IF_ERROR(ReadDetails(&out.meetings[i], &gone));
      drop[i] = gone;
    }
    std::vector<InventoryMeeting> kept;
    for (std::size_t i = 0; i < out.meetings.size(); ++i)
      if (!drop[i]) kept.push_back(std::move(out.meetings[i]));
    out.meetings = std::move(kept);
    return Status::OK();
  }
};

bool SameMeeting(const InventoryMeeting& a, const InventoryMeeting& b) {
  return a.owner_email == b.owner_email && a.topic == b.topic && a.kind == b.kind &&
         a.start_time == b.start_time && a.recurrence_end == b.recurrence_end &&
         a.passcode_set == b.passcode_set && a.waiting_room == b.waiting_room &&
         a.join_before_host == b.join_before_host &&
         a.embed_password_in_join_link == b.embed_password_in_join_link &&
         a.expired_at.has_value() == b.expired_at.has_value();
}

void ApplyExpiry(InventoryMeeting* row, std::int64_t now) {
  std::optional<std::int64_t> end;
  if (row->kind == MeetingKind::kScheduled || row->kind == MeetingKind::kWebinar)
    end = row->start_time;
  if (row->kind == MeetingKind::kRecurring) end = row->recurrence_end;
  if (end && *end + kExpiryGrace <= now) row->expired_at = *end + kExpiryGrace;
}

// Gone rows kept as expired; the diff against the previous live rows.
void Finish(SyncResult* out, const std::vector<InventoryMeeting>& previous,
            const std::vector<PersonalLink>& previous_links, std::int64_t now) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < out->meetings.size(); ++i) {
    ApplyExpiry(&out->meetings[i], now);
    index.emplace(out->meetings[i].meeting_id, i);
  }
  for (const InventoryMeeting& p : previous) {
    const bool was_live = !p.expired_at.has_value();
    out->diff.previous_live += was_live ? 1 : 0;
    auto it = index.find(p.meeting_id);
    if (it == index.end()) {
      InventoryMeeting kept = p;
      if (!kept.expired_at) kept.expired_at = now;
      out->meetings.push_back(kept);
      if (was_live) out->diff.removed.push_back(p);
      continue;
    }
    const InventoryMeeting& n = out->meetings[it->second];
    if (was_live && n.expired_at)
      out->diff.removed.push_back(p);
    else if (!SameMeeting(p, n) && !n.expired_at)
      out->diff.changed.push_back(n);
  }
  std::set<std::string> before;
  for (const InventoryMeeting& p : previous) before.insert(p.meeting_id);
  for (const InventoryMeeting& n : out->meetings)
    if (!before.count(n.meeting_id) && !n.expired_at) out->diff.added.push_back(n);
  std::map<std::string, std::string> old_links, new_links;
  for (const PersonalLink& l : previous_links) old_links[l.vanity] = l.owner_email;
  for (const PersonalLink& l : out->links) new_links[l.vanity] = l.owner_email;
  out->diff.previous_live += old_links.size();
  for (const PersonalLink& l : previous_links)
    if (!new_links.count(l.vanity)) out->diff.links_removed.push_back(l);
  for (const PersonalLink& l : out->links) {
    auto it = old_links.find(l.vanity);
    if (it == old_links.end())
      out->diff.links_added.push_back(l);
    else if (it->second != l.owner_email)
      out->diff.links_changed.push_back(l);
  }
}

}  // namespace

bool SyncDiff::ShrinksTooMuch() const {
  return (removed.size() + links_removed.size()) * 5 > previous_live;
}

Result<SyncResult> ReadInventory(Client& client, const std::vector<InventoryMeeting>& previous,
                                 const std::vector<PersonalLink>& previous_links, Clock* clock,
                                 const SyncOptions& options) {
  const int requests_before = client.api_requests();
  Reader r(client, clock);
  for (const InventoryMeeting& p : previous) r.previous.emplace(p.meeting_id, &p);
  Result<std::vector<json>> users = r.List("/users?status=active", "users");
  if (!users.ok()) return users.status();
  for (const json& u : *users) {
    const std::string id = Text(u, "id");
    const std::string email = ascii::Lower(Text(u, "email"));
    if (id.empty() || email.empty()) continue;
    ++r.out.users;
    MEETLEAK_RETURN_IF_ERROR(r.ReadUserMeetings(id, email));
  }
  MEETLEAK_RETURN_IF_ERROR(r.ReadAllDetails(options.rolling_share));
  if (r.no_webinar_plan > 0)
    r.out.warnings.push_back(
        std::to_string(r.no_webinar_plan) +
        " user(s) without a webinar plan: their webinars "
        "were not read (GET /users/{id}/webinars: HTTP " +
        std::to_string(r.webinar_refusal.status) +
        (r.webinar_refusal.message.empty() ? "" : ", " + r.webinar_refusal.message) + ")");
  Finish(&r.out, previous, previous_links, std::chrono::system_clock::to_time_t(clock->Now()));
  r.out.api_requests = client.api_requests() - requests_before;
  return std::move(r.out);
}

}  // namespace meetleak::zoom
