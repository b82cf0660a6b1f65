// RunLock: flock on "<db>.lock", holding the holder's pid.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "db/store.h"

namespace meetleak {
namespace {

std::string ReadHolder(int fd) {
  char buf[64] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "?" : pid;
}

}  // namespace

Result<std::unique_ptr<RunLock>> RunLock::Acquire(const std::string& db_path) {
  const std::string lock_path = db_path + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::IOError(lock_path + ": cannot open lock file: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string holder = ReadHolder(fd);
    ::close(fd);
    if (err == EWOULDBLOCK)
      return Status::Busy(lock_path + ": " + db_path + " is locked by pid " + holder +
                          " (another meetleak run)");
    return Status::IOError(lock_path + ": cannot lock: " + std::strerror(err));
  }
  // Only the holder writes the pid, so a reader never sees a stale one
  // while the lock is held.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int err = errno;
    ::close(fd);
    return Status::IOError(lock_path + ": cannot write pid: " + std::strerror(err));
  }
  return std::unique_ptr<RunLock>(new RunLock(fd));
}

RunLock::~RunLock() {
  // The file stays (removing it would race a process that just opened it);
  // closing drops the flock.
  ::close(fd_);
}

}  // namespace meetleak
