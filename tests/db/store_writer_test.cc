// StoreWriter (writes in order on a thread of their own), against a real
// SQLite file.
#include "db/store_writer.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace meetleak {
namespace {

using std::chrono::milliseconds;

class StoreWriterTest : public ::testing::Test {
 protected:
  StoreWriterTest() {
    Result<std::unique_ptr<LeakStore>> s =
        LeakStore::Open((dir_.path() / "meetleak.db").string(), SystemClock());
    EXPECT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  // A task that waits for `gate` before it returns.
  static StoreWriter::Task Gated(std::shared_future<void> gate) {
    return [gate](LeakStore&) {
      gate.wait();
      return Status::OK();
    };
  }
  testing::TempDir dir_;
  std::unique_ptr<LeakStore> store_;
};

TEST_F(StoreWriterTest, RunsTasksInOrderOffTheCallersThread) {
  StoreWriter writer(store_.get());
  std::vector<int> order;
  std::vector<std::thread::id> threads;
  for (int i = 0; i < 20; ++i) {
    writer.Submit([&, i](LeakStore&) {
      order.push_back(i);
      threads.push_back(std::this_thread::get_id());
      return Status::OK();
    });
  }
  ASSERT_OK(writer.Wait());
  ASSERT_EQ(order.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(order[i], i);
  for (std::thread::id t : threads) EXPECT_NE(t, std::this_thread::get_id());
}

TEST_F(StoreWriterTest, TheThreadNeverTakesTheStopSignals) {
  // Created before StopSignals blocks them (scan does): a Ctrl-C the kernel
  // gave this thread would end the process instead of stopping the pass.
  sigset_t none;
  sigemptyset(&none);
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, &none, &before);
  StoreWriter writer(store_.get());
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  sigset_t seen;
  sigemptyset(&seen);
  writer.Submit([&](LeakStore&) {
    pthread_sigmask(SIG_BLOCK, nullptr, &seen);
    return Status::OK();
  });
  ASSERT_OK(writer.Wait());
  EXPECT_TRUE(sigismember(&seen, SIGINT));
  EXPECT_TRUE(sigismember(&seen, SIGTERM));
}

TEST_F(StoreWriterTest, AFailedTaskSkipsTheRestAndIsReported) {
  StoreWriter writer(store_.get());
  int ran_after = 0;
  writer.Submit([](LeakStore&) { return Status::IOError("disk full"); });
  writer.Submit([&](LeakStore&) {
    ++ran_after;
    return Status::OK();
  });
  Status s = writer.Wait();
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_EQ(s.message(), "disk full");
  EXPECT_TRUE(writer.failed());
  EXPECT_EQ(ran_after, 0) << "a write after a failed one would break the commit order";
}

TEST_F(StoreWriterTest, SubmitWaitsWhenTheQueueIsFull) {
  StoreWriter writer(store_.get());
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  writer.Submit(Gated(gate));  // taken by the writer, then held
  std::this_thread::sleep_for(milliseconds(50));
  for (std::size_t i = 0; i < StoreWriter::kMaxQueued; ++i) writer.Submit(Gated(gate));
  auto extra = std::async(std::launch::async, [&] { writer.Submit(Gated(gate)); });
  EXPECT_EQ(extra.wait_for(milliseconds(200)), std::future_status::timeout);
  open.set_value();
  EXPECT_EQ(extra.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  ASSERT_OK(writer.Wait());
}

TEST_F(StoreWriterTest, WithStoreWaitsForTheTaskUsingTheStore) {
  StoreWriter writer(store_.get());
  std::promise<void> open;
  std::atomic<bool> task_done{false};
  std::shared_future<void> gate = open.get_future().share();
  writer.Submit([&](LeakStore&) {
    gate.wait();
    task_done = true;
    return Status::OK();
  });
  std::this_thread::sleep_for(milliseconds(50));
  auto reader = std::async(std::launch::async, [&] {
    return writer.WithStore([&](LeakStore& s) {
      EXPECT_TRUE(task_done.load()) << "the store was shared with a running task";
      return s.ListSources().ok();
    });
  });
  EXPECT_EQ(reader.wait_for(milliseconds(200)), std::future_status::timeout);
  open.set_value();
  EXPECT_TRUE(reader.get());
  ASSERT_OK(writer.Wait());
}

// What the writer committed reaches the database file itself once its
// queue runs dry, with the store still open: the last close of the store
// (after a pass) has little left to copy from the WAL. 2000 sources make
// far fewer WAL pages than SQLite's own checkpoint waits for (1000).
TEST_F(StoreWriterTest, CopiesTheWalIntoTheDatabaseFileWhenItsQueueRunsDry) {
  const std::filesystem::path db = dir_.path() / "meetleak.db";
  const std::uintmax_t before = std::filesystem::file_size(db);
  std::vector<LeakStore::SourceConfig> sources;
  for (int i = 0; i < 2000; ++i)
    sources.push_back(
        {"https://example.org/events/page-" + std::to_string(i) + ".html", "page", 3600});
  StoreWriter writer(store_.get());
  writer.Submit([&](LeakStore& s) { return s.SyncSources(sources); });
  ASSERT_OK(writer.Wait());
  EXPECT_GT(std::filesystem::file_size(db), before + 64 * 1024)
      << "the sources are still only in the WAL";
  Result<std::vector<LeakStore::SourceRow>> rows = store_->ListSources();
  ASSERT_OK(rows.status());
  EXPECT_EQ(rows->size(), 2000u);
}

}  // namespace
}  // namespace meetleak
