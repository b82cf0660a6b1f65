// StoreWriter: runs LeakStore writes in the order submitted, on a thread of
// its own, so that the fetching thread never waits on SQLite (a pass's
// writes cost about as much CPU as its transfers).
//
//   StoreWriter writer(&store);
//   writer.Submit([docs](LeakStore& s) { return s.WriteDocuments(docs).status(); });
//   Status s = writer.Wait();   // every submitted task has run: the first error
//
// The store stays the caller's and is shared: any other use of it goes
// through WithStore(), which holds it against the writer's task in progress
// (not against the queue: what WithStore reads is what is committed so far).
// At most kMaxQueued tasks wait; Submit() blocks beyond that, so a writer
// slower than the crawl sets the pace instead of holding the pass in memory.
// After a task fails, later tasks are skipped (never half a pass's order);
// failed() tells any thread at once. Destruction waits for the queue.
#ifndef MEETLEAK_DB_STORE_WRITER_H_
#define MEETLEAK_DB_STORE_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "base/status.h"
#include "db/store.h"

namespace meetleak {

class StoreWriter {
 public:
  using Task = std::function<Status(LeakStore&)>;
  static constexpr std::size_t kMaxQueued = 4;

  // `store` is borrowed: it must outlive the writer. The writer's thread
  // has SIGINT and SIGTERM blocked (they are the process's to handle) and
  // runs at the caller's priority, not below it: the caller waits on it (a
  // full queue, a read through WithStore), and a starved writer would stall
  // the caller with it.
  explicit StoreWriter(LeakStore* store);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void Submit(Task task);
  // Waits until every submitted task has run; the first failure, if any.
  Status Wait();
  bool failed() const { return failed_.load(std::memory_order_acquire); }

  template <class F>
  auto WithStore(F&& f) {
    std::lock_guard<std::mutex> hold(store_mu_);
    return f(*store_);
  }

 private:
  void Loop();
  void CheckpointWhileIdle(std::unique_lock<std::mutex>& lock);

  LeakStore* store_;
  std::mutex store_mu_;  // held while a task or a WithStore() call uses the store
  std::mutex mu_;        // guards the fields below
  std::condition_variable changed_;
  std::deque<Task> queue_;
  bool running_ = false;  // a task taken from the queue has not finished
  bool quit_ = false;
  Status error_;
  std::atomic<bool> failed_{false};
  std::thread thread_;  // last: started once the fields above exist
};

}  // namespace meetleak

#endif  // MEETLEAK_DB_STORE_WRITER_H_
