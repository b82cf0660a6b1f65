// RunLock: flock on the database file itself, through a descriptor of it.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "db/store.h"

namespace meetleak {
namespace {

// The pid holding a flock on the file `fd` is open on, read from
// /proc/locks ("1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"), or "?".
std::string FlockHolder(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return "?";
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream in(line);
    std::string index, type, mode, access, pid, id;
    if (!(in >> index >> type)) continue;
    if (type == "->") in >> type;  // a waiter: "1: -> FLOCK …"
    if (!(in >> mode >> access >> pid >> id) || type != "FLOCK") continue;
    unsigned major = 0, minor = 0;
    unsigned long long inode = 0;
    if (std::sscanf(id.c_str(), "%x:%x:%llu", &major, &minor, &inode) != 3) continue;
    if (inode == st.st_ino && major == ::major(st.st_dev) && minor == ::minor(st.st_dev))
      return pid;
  }
  return "?";
}

}  // namespace

Result<std::unique_ptr<RunLock>> RunLock::Acquire(const std::string& db_path) {
  if (IsPostgresUrl(db_path))
    return Status::InvalidInput(db_path + ": a PostgreSQL database takes leases, not a run lock");
  // O_CREAT follows a symlink and creates its target 0600, as LeakStore::Open
  // would: the lock is taken before the store is opened.
  int fd = ::open(db_path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(db_path + ": cannot open to lock: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string holder = err == EWOULDBLOCK ? FlockHolder(fd) : "";
    ::close(fd);
    if (err == EWOULDBLOCK)
      return Status::Busy(db_path + " is locked by pid " + holder + " (another meetleak run)");
    return Status::IOError(db_path + ": cannot lock: " + std::strerror(err));
  }
  return std::unique_ptr<RunLock>(new RunLock(fd));
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace meetleak
