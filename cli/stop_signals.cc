#include "cli/stop_signals.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace meetleak::cli {
namespace {

// The stop signals the process does not ignore: a command started with
// SIGINT ignored (`nohup`, `cmd &` in a script) keeps ignoring it.
sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction action {};
    if (sigaction(sig, nullptr, &action) == 0 && action.sa_handler == SIG_IGN) continue;
    sigaddset(&set, sig);
  }
  return set;
}

void Say(const char* text) { (void)!write(2, text, std::strlen(text)); }

}  // namespace

StopSignals::StopSignals() {
  const sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);  // inherited by every later thread
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (signal_fd_ < 0 || wake_fd_ < 0) {
    // Cannot happen short of running out of descriptors at start-up; the
    // signals then keep their default action (they end the process).
    std::cerr << "meetleak: warning: cannot watch SIGINT/SIGTERM (" << std::strerror(errno)
              << "): a signal ends the process at once\n";
    if (signal_fd_ >= 0) close(signal_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
    signal_fd_ = wake_fd_ = -1;
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    return;
  }
  waiter_ = std::thread([this] { WaitLoop(); });
}

StopSignals::~StopSignals() {
  if (waiter_.joinable()) {
    const std::uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
    waiter_.join();
  }
  if (signal_fd_ >= 0) close(signal_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  // A signal that came after the waiter stopped is delivered here, with its
  // default action.
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void StopSignals::WaitLoop() {
  for (;;) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    OnSignal(static_cast<int>(info.ssi_signo));
  }
}

void StopSignals::OnSignal(int signal) {
  if (!graceful_) {
    // No command is stopping gracefully: end the process by this signal, as
    // its default action would have.
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigaction(signal, &action, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    raise(signal);
    std::_Exit(128 + signal);  // not reached
  }
  if (++signals_seen_ >= 2) {
    Say("\nmeetleak: second signal: exiting now\n");
    std::_Exit(exit_code_.load());
  }
  Say("\nmeetleak: stopping: finishing the documents in flight (signal again to exit at once)\n");
  stop_token_.Cancel();
  std::lock_guard<std::mutex> lock(mu_);
  if (io_ != nullptr && stop_) {
    boost::asio::post(*io_, [stop = stop_] {
      if (*stop) (*stop)();
    });
  }
}

void StopSignals::OnStop(boost::asio::io_context* io, std::function<void()> stop) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_) *stop_ = nullptr;  // a stop already posted for the old phase does nothing
  io_ = io;
  stop_ = stop ? std::make_shared<std::function<void()>>(std::move(stop)) : nullptr;
  if (io_ != nullptr && stop_ && signals_seen_ > 0) {
    boost::asio::post(*io_, [s = stop_] {
      if (*s) (*s)();
    });
  }
}

}  // namespace meetleak::cli
