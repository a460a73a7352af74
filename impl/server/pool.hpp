// The worker-pool monitor: a mutex and two condition variables around PoolLedger. The
// acceptor waits until a worker is idle before it calls accept(), so surplus connections
// wait in the kernel's listen backlog, never in a queue of ours.
#pragma once

#include <mutex>
#include <optional>

#include "core/pool_ledger.hpp"
#include "server/sync.hpp"

namespace postable {

template <typename Connection, typename Sync = StdSync>
class Pool {
 public:
  explicit Pool(std::size_t workers) : ledger_(workers) {}

  // Acceptor: blocks until a worker is idle (true: accept, then hand_off() or accept_ended())
  // or the pool stops (false), whichever the ledger says comes first.
  bool wait_for_idle_worker() {
    std::unique_lock lock(mutex_);
    while (ledger_.acceptor_step() == AcceptorStep::wait) worker_idle_.wait(lock);
    if (ledger_.acceptor_step() != AcceptorStep::accept) return false;
    ledger_.begin_accept();
    return true;
  }

  // How many workers are idle now (for the trace).
  std::size_t idle_workers() {
    std::unique_lock lock(mutex_);
    return ledger_.idle();
  }

  // Acceptor: gives an accepted connection to the idle worker wait_for_idle_worker found.
  void hand_off(Connection connection) {
    std::unique_lock lock(mutex_);
    ledger_.hand_off(std::move(connection));
    work_ready_.notify_one();
  }
  // Acceptor: the accept brought no connection; a worker kept for it may leave on a stop.
  void accept_ended() {
    std::unique_lock lock(mutex_);
    ledger_.accept_ended();
    work_ready_.notify_all();
  }

  // Worker: reports itself idle and blocks for the next connection; nullopt once stopping.
  std::optional<Connection> next_connection() {
    std::unique_lock lock(mutex_);
    ledger_.worker_waits();
    worker_idle_.notify_one();
    while (ledger_.worker_step() == WorkerStep::wait) work_ready_.wait(lock);
    if (ledger_.worker_step() == WorkerStep::leave) {
      ledger_.worker_leaves();
      return std::nullopt;
    }
    Connection connection = ledger_.take();
    // The hand-off slot is free again: if another worker is idle, the acceptor may go on.
    worker_idle_.notify_one();
    return connection;
  }

  // The stop signal, from any thread: the acceptor returns from its wait even with every
  // worker busy; idle workers return; a connection already handed off is still served.
  void stop() {
    std::unique_lock lock(mutex_);
    ledger_.stop();
    work_ready_.notify_all();
    worker_idle_.notify_all();
  }

 private:
  typename Sync::mutex mutex_;
  typename Sync::condition_variable worker_idle_;
  typename Sync::condition_variable work_ready_;
  PoolLedger<Connection> ledger_;
};

}  // namespace postable
