// The run lock across processes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "db/store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace meetleak::testing {
namespace {

// Forks a child that takes the lock, reports through a pipe, and sleeps.
pid_t ChildHoldingLock(const std::string& db) {
  int ready[2];
  if (pipe(ready) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    Result<std::unique_ptr<RunLock>> lock = RunLock::Acquire(db);
    char ok = lock.ok() ? 'y' : 'n';
    if (write(ready[1], &ok, 1) != 1) _exit(3);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char ok = 0;
  if (read(ready[0], &ok, 1) != 1 || ok != 'y') pid = -1;
  close(ready[0]);
  return pid;
}

TEST(RunLockTest, SecondRunIsToldWhichProcessHoldsTheLock) {
  TempDir dir;
  const std::string db = (dir.path() / "meetleak.db").string();
  const pid_t holder = ChildHoldingLock(db);
  ASSERT_GT(holder, 0);
  Result<std::unique_ptr<RunLock>> second = RunLock::Acquire(db);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy);
  EXPECT_NE(second.status().message().find("locked by pid " + std::to_string(holder)),
            std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(db), std::string::npos);

  // The holder dies without cleaning up: the kernel drops its lock.
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  Result<std::unique_ptr<RunLock>> third = RunLock::Acquire(db);
  ASSERT_OK(third);
}

TEST(RunLockTest, ReleasedWhenTheLockObjectDies) {
  TempDir dir;
  const std::string db = (dir.path() / "meetleak.db").string();
  {
    Result<std::unique_ptr<RunLock>> first = RunLock::Acquire(db);
    ASSERT_OK(first);
    EXPECT_EQ(RunLock::Acquire(db).status().code(), Status::Code::kBusy);  // same process too
  }
  EXPECT_OK(RunLock::Acquire(db));
}

TEST(RunLockTest, UnwritableFolderIsAnIoError) {
  Result<std::unique_ptr<RunLock>> lock = RunLock::Acquire("/nonexistent-dir/meetleak.db");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), Status::Code::kIOError);
}

}  // namespace
}  // namespace meetleak::testing
