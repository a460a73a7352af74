// The server's stop as its workers live it: a thin shell of one mutex over the pure
// DrainLedger. A worker asleep in recv() is woken by shutting the reading side of its socket:
// recv() returns 0 at once, and the 421 can still be sent. The lock makes the wake-up
// certain: a worker says it is about to wait under it, so either it sees the stop before it
// sleeps, or the stop sees it waiting and wakes it.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "core/drain_ledger.hpp"

namespace postable {

class Drain {
 public:
  explicit Drain(std::size_t workers) : ledger_(workers), fds_(workers, -1), working_(workers) {}

  // Read without the lock between waits; the lock decides at each wait.
  DrainPhase phase() const { return phase_.load(std::memory_order_acquire); }

  // A worker's side. `fd` is its connection's socket (-1 once it is done with it).
  void serving(std::size_t worker, int fd) {
    std::lock_guard lock(mutex_);
    fds_[worker] = fd;
    ledger_.serving(worker, fd >= 0);
  }
  bool may_wait(std::size_t worker, bool for_command) {
    std::lock_guard lock(mutex_);
    return ledger_.may_wait(worker, for_command);
  }
  bool waited(std::size_t worker) {  // true: the stop woke it
    std::lock_guard lock(mutex_);
    return ledger_.waited(worker);
  }
  void worker_left() {
    std::lock_guard lock(mutex_);
    --working_;
    left_.notify_all();
  }

  // The acceptor's side: the stop, then (if workers are still at it) the drain's end.
  void stop() {
    std::lock_guard lock(mutex_);
    wake(ledger_.stop());
  }
  void end_drain() {
    std::lock_guard lock(mutex_);
    wake(ledger_.end_drain());
  }
  // True once every worker has left; false if `deadline` came first.
  bool wait_for_workers(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return left_.wait_until(lock, deadline, [this] { return working_ == 0; });
  }

 private:
  // Under the lock, so no worker closes (and no accept reuses) a descriptor being shut here.
  void wake(const std::vector<std::size_t>& workers) {
    phase_.store(ledger_.phase(), std::memory_order_release);
    for (std::size_t worker : workers) shutdown(fds_[worker], SHUT_RD);
  }

  std::mutex mutex_;
  std::condition_variable left_;
  DrainLedger ledger_;
  std::vector<int> fds_;
  std::size_t working_;
  std::atomic<DrainPhase> phase_ = DrainPhase::running;
};

}  // namespace postable
