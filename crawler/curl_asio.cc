#include "crawler/curl_asio.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace meetleak::crawler_internal {
namespace {

namespace asio = boost::asio;

constexpr int kRead = 0;
constexpr int kWrite = 1;
// Immediate re-runs for data already waiting before falling back to a wait,
// so a socket libcurl chooses not to drain cannot spin the loop.
constexpr int kMaxImmediateRuns = 16;

struct SocketEntry {
  explicit SocketEntry(asio::io_context& io) : descriptor(io) {}
  asio::posix::stream_descriptor descriptor;
  bool owned = false;  // opened by our OPENSOCKETFUNCTION; closed only by us
  int want = 0;        // CURL_POLL_IN / OUT / INOUT, 0 when removed
  bool ever_watched = false;
  bool pending[2] = {false, false};
  std::uint64_t wait_id[2] = {0, 0};  // invalidates handlers of cancelled waits
  int immediate_runs = 0;
};

}  // namespace

struct CurlAsio::Impl {
  explicit Impl(asio::io_context& io) : io(io), timer(io), multi(curl_multi_init()) {}

  asio::io_context& io;
  asio::steady_timer timer;
  CURLM* multi;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  std::unordered_map<curl_socket_t, std::shared_ptr<SocketEntry>> sockets;
  std::unordered_map<CURL*, Done> transfers;
  Stats stats;
  // The timer libcurl wants (CURLMOPT_TIMERFUNCTION) and the one armed.
  std::optional<std::chrono::steady_clock::time_point> wanted;
  bool timer_armed = false;
  std::uint64_t timer_id = 0;
  bool now_posted = false;

  // --- libcurl callbacks (never call into libcurl from these) ---

  static curl_socket_t OpenSocket(void* clientp, curlsocktype, curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(clientp);
    int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    self->ForgetStale(fd);
    auto entry = std::make_shared<SocketEntry>(self->io);
    boost::system::error_code ec;
    entry->descriptor.assign(fd, ec);
    if (ec) {
      ::close(fd);
      return CURL_SOCKET_BAD;
    }
    entry->owned = true;
    self->sockets[fd] = std::move(entry);
    ++self->stats.sockets_opened;
    return fd;
  }

  static int CloseSocket(void* clientp, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(clientp);
    auto it = self->sockets.find(fd);
    if (it != self->sockets.end()) {
      Release(*it->second);
      self->sockets.erase(it);
    }
    ++self->stats.sockets_closed;
    return ::close(fd);
  }

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
    static_cast<Impl*>(userp)->Watch(fd, what);
    return 0;
  }

  // libcurl's timer, without calling back into libcurl from here. Re-arming
  // an Asio timer rewrites the reactor's timerfd, which dominated profiles
  // when done on every callback, so: 0 ms is a post; a later deadline than
  // the armed one keeps the armed timer (on firing early it re-arms for the
  // deadline libcurl wants, without calling libcurl); -1 cancels.
  static int OnTimer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    if (timeout_ms < 0) {
      self->wanted.reset();
      if (self->timer_armed) self->DisarmTimer();
      return 0;
    }
    if (timeout_ms == 0) {
      ++self->stats.zero_ms_timers;
      self->wanted.reset();
      if (!self->now_posted) {
        self->now_posted = true;
        asio::post(self->io, [self, alive = std::weak_ptr<bool>(self->alive)] {
          if (alive.expired()) return;
          self->now_posted = false;
          self->Action(CURL_SOCKET_TIMEOUT, 0);
        });
      }
      return 0;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    self->wanted = deadline;
    if (self->timer_armed && self->timer.expiry() <= deadline) return 0;
    self->ArmTimer(deadline);
    return 0;
  }

  void ArmTimer(std::chrono::steady_clock::time_point at) {
    timer_armed = true;
    std::uint64_t id = ++timer_id;
    timer.expires_at(at);
    timer.async_wait(
        [this, id, alive = std::weak_ptr<bool>(alive)](const boost::system::error_code& ec) {
          if (ec || alive.expired() || id != timer_id) return;
          timer_armed = false;
          if (!wanted) return;
          if (std::chrono::steady_clock::now() < *wanted) return ArmTimer(*wanted);  // fired early
          wanted.reset();
          Action(CURL_SOCKET_TIMEOUT, 0);
        });
  }

  void DisarmTimer() {
    timer_armed = false;
    ++timer_id;
    timer.cancel();
  }

  // --- socket bookkeeping ---

  static void Release(SocketEntry& entry) {
    ++entry.wait_id[kRead];
    ++entry.wait_id[kWrite];
    entry.pending[kRead] = entry.pending[kWrite] = false;
    entry.descriptor.release();  // cancels waits, leaves Asio; never closes
  }

  // A descriptor number reused after libcurl closed one of its own without a
  // REMOVE: drop the stale watch before the number means something else.
  void ForgetStale(curl_socket_t fd) {
    auto it = sockets.find(fd);
    if (it == sockets.end()) return;
    Release(*it->second);
    sockets.erase(it);
  }

  void Watch(curl_socket_t fd, int what) {
    auto it = sockets.find(fd);
    if (what == CURL_POLL_REMOVE) {
      if (it == sockets.end()) return;
      SocketEntry& entry = *it->second;
      if (!entry.owned) {  // libcurl's own descriptor: stop watching, never close
        Release(entry);
        sockets.erase(it);
        return;
      }
      entry.want = 0;
      CancelWaits(entry);
      return;
    }
    if (it == sockets.end()) {
      auto entry = std::make_shared<SocketEntry>(io);
      boost::system::error_code ec;
      entry->descriptor.assign(fd, ec);
      if (ec) return;  // libcurl's timeout will end the transfer
      ++stats.foreign_sockets;
      it = sockets.emplace(fd, std::move(entry)).first;
    }
    SocketEntry& entry = *it->second;
    if (entry.want == 0 && entry.ever_watched) ++stats.readds;
    entry.ever_watched = true;
    if (entry.want != what) {
      CancelWaits(entry);
      entry.want = what;
    }
    Arm(fd, it->second);
  }

  static void CancelWaits(SocketEntry& entry) {
    if (!entry.pending[kRead] && !entry.pending[kWrite]) return;
    ++entry.wait_id[kRead];
    ++entry.wait_id[kWrite];
    entry.pending[kRead] = entry.pending[kWrite] = false;
    boost::system::error_code ignored;
    entry.descriptor.cancel(ignored);
  }

  void Arm(curl_socket_t fd, const std::shared_ptr<SocketEntry>& entry) {
    for (int dir : {kRead, kWrite}) {
      int flag = dir == kRead ? CURL_POLL_IN : CURL_POLL_OUT;
      if (!(entry->want & flag) || entry->pending[dir]) continue;
      entry->pending[dir] = true;
      std::uint64_t id = ++entry->wait_id[dir];
      auto on_ready = [this, fd, dir, id, weak = std::weak_ptr<SocketEntry>(entry),
                       alive = std::weak_ptr<bool>(alive)](const boost::system::error_code& ec) {
        if (alive.expired()) return;
        OnReady(fd, dir, id, weak, ec);
      };
      if (ReadyNow(fd, dir) && entry->immediate_runs < kMaxImmediateRuns) {
        ++entry->immediate_runs;
        asio::post(io, [on_ready] { on_ready({}); });
      } else {
        entry->immediate_runs = 0;
        entry->descriptor.async_wait(dir == kRead ? asio::posix::descriptor_base::wait_read
                                                  : asio::posix::descriptor_base::wait_write,
                                     on_ready);
      }
    }
  }

  static bool ReadyNow(curl_socket_t fd, int dir) {
    pollfd p{fd, static_cast<short>(dir == kRead ? POLLIN : POLLOUT), 0};
    return ::poll(&p, 1, 0) > 0;
  }

  void OnReady(curl_socket_t fd, int dir, std::uint64_t id, const std::weak_ptr<SocketEntry>& weak,
               const boost::system::error_code& ec) {
    auto entry = weak.lock();
    if (!entry || entry->wait_id[dir] != id) return;  // cancelled, released or replaced
    entry->pending[dir] = false;
    if (ec == asio::error::operation_aborted) return;
    int mask = ec ? CURL_CSELECT_ERR : (dir == kRead ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
    ++stats.socket_events;
    if (!Action(fd, mask)) return;  // we were destroyed by a completion callback
    auto it = sockets.find(fd);
    if (it != sockets.end() && it->second == entry) Arm(fd, entry);  // re-arm while wanted
  }

  // Runs libcurl for one event, then drains completions. Returns false when
  // a completion callback destroyed us.
  bool Action(curl_socket_t fd, int mask) {
    int running = 0;
    CURLMcode rc = curl_multi_socket_action(multi, fd, mask, &running);
    if (rc != CURLM_OK) ++stats.multi_errors;
    return DrainCompleted();
  }

  bool DrainCompleted() {
    std::vector<std::pair<Done, CURLcode>> finished;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      ++stats.completed;
      CURL* easy = msg->easy_handle;
      CURLcode result = msg->data.result;
      curl_multi_remove_handle(multi, easy);
      auto it = transfers.find(easy);
      if (it == transfers.end()) continue;
      finished.emplace_back(std::move(it->second), result);
      transfers.erase(it);
    }
    std::weak_ptr<bool> still(alive);
    for (auto& [done, result] : finished) {
      if (still.expired()) return false;
      if (done) done(result);
    }
    return !still.expired();
  }
};

CurlAsio::CurlAsio(asio::io_context& io, long max_connections) : impl_(std::make_unique<Impl>(io)) {
  CURLM* m = impl_->multi;
  if (max_connections > 0) curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, max_connections);
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, impl_.get());
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, impl_.get());
}

CurlAsio::~CurlAsio() {
  Impl& s = *impl_;
  for (auto& [easy, done] : s.transfers) curl_multi_remove_handle(s.multi, easy);
  s.transfers.clear();
  curl_multi_cleanup(s.multi);  // closes cached connections through CloseSocket
  for (auto& [fd, entry] : s.sockets) Impl::Release(*entry);  // foreign ones: never closed here
  s.sockets.clear();
  s.timer.cancel();
  s.alive.reset();
}

Status CurlAsio::Add(CURL* easy, Done done) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::OpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, impl_.get());
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::CloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, impl_.get());
  impl_->transfers[easy] = std::move(done);
  CURLMcode rc = curl_multi_add_handle(impl_->multi, easy);
  if (rc != CURLM_OK) {
    impl_->transfers.erase(easy);
    return Status::Internal(std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc));
  }
  return Status::OK();
}

void CurlAsio::Remove(CURL* easy) {
  auto it = impl_->transfers.find(easy);
  if (it == impl_->transfers.end()) return;
  impl_->transfers.erase(it);
  curl_multi_remove_handle(impl_->multi, easy);
}

std::size_t CurlAsio::active() const { return impl_->transfers.size(); }
const CurlAsio::Stats& CurlAsio::stats() const { return impl_->stats; }
CURLM* CurlAsio::multi() const { return impl_->multi; }

}  // namespace meetleak::crawler_internal
