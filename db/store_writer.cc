#include "db/store_writer.h"

#include <pthread.h>
#include <signal.h>

namespace meetleak {

StoreWriter::StoreWriter(LeakStore* store) : store_(store) {
  // SIGINT and SIGTERM are the process's (its signal thread waits for them): the
  // thread starts with them blocked, whenever it is created, so the kernel
  // never picks it to take one (the default action would end the process).
  sigset_t stop, old;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &old);
  thread_ = std::thread([this] { Loop(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void StoreWriter::Submit(Task task) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
  queue_.push_back(std::move(task));
  changed_.notify_all();
}

Status StoreWriter::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return queue_.empty() && !running_; });
  return error_;
}

// With nothing else to write, the WAL is copied back into the database
// while the caller still works (a pass fetching its next pages); otherwise
// the last close of the store would copy it all, after the pass. A writer
// kept busy (the queue never empty) leaves it to SQLite's own checkpoints.
// A checkpoint that fails is no failed write (what was committed stays in
// the WAL, and SQLite tries again later): the pass goes on.
void StoreWriter::CheckpointWhileIdle(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  {
    std::lock_guard<std::mutex> hold(store_mu_);
    static_cast<void>(store_->Checkpoint());
  }
  lock.lock();
}

void StoreWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [this] { return quit_ || !queue_.empty(); });
    if (queue_.empty()) return;  // quit, with nothing left to write
    Task task = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    const bool skip = !error_.ok();
    changed_.notify_all();  // room in the queue
    lock.unlock();
    Status s;
    if (!skip) {
      std::lock_guard<std::mutex> hold(store_mu_);
      s = task(*store_);
    }
    task = nullptr;  // what it captured is freed off the caller's thread
    lock.lock();
    if (!skip && s.ok() && queue_.empty() && !quit_) CheckpointWhileIdle(lock);
    running_ = false;
    if (!s.ok() && error_.ok()) {
      error_ = std::move(s);
      failed_.store(true, std::memory_order_release);
    }
    changed_.notify_all();
  }
}

}  // namespace meetleak
