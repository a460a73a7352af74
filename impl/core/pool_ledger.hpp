// The worker pool and its acceptor as a pure state machine. The acceptor may accept only when
// a worker is idle and not yet promised a connection; each accepted connection goes to
// exactly one worker, which serves it to its end before it is idle again. The stop is an
// input like the others, and the acceptor sees it whatever the workers are doing: with every
// worker busy (a loaded server's normal state) it stops at once, it does not wait for one.
// An accept under way keeps one idle worker for its connection, stop or no stop.
//
//   worker:   worker_waits() -> worker_step(): wait | take() -> serve -> worker_waits() ...
//                                              | leave: worker_leaves() (stopped, none for it)
//   acceptor: acceptor_step(): wait | accept: begin_accept() -> [accept()] -> hand_off(c)
//                                                                         or accept_ended()
//                              | stop (then the drain)
#pragma once

#include <cstddef>
#include <optional>

#include "core/assert.hpp"

namespace postable {

enum class AcceptorStep { wait, accept, stop };
enum class WorkerStep { wait, take, leave };

template <typename Connection>
class PoolLedger {
 public:
  explicit PoolLedger(std::size_t workers) : workers_(workers) { POSTABLE_ASSERT(workers > 0); }

  void worker_waits() {
    POSTABLE_ASSERT(idle_ < workers_);
    ++idle_;
  }
  bool may_accept() const { return idle_ > 0 && !handed_.has_value() && !accepting_; }
  void begin_accept() {
    POSTABLE_ASSERT(may_accept());
    accepting_ = true;
  }
  void hand_off(Connection connection) {
    POSTABLE_ASSERT(accepting_ && idle_ > 0 && !handed_.has_value());
    accepting_ = false;
    handed_.emplace(std::move(connection));
  }
  // The accept gave nothing to hand off (a stop came first, or an error).
  void accept_ended() {
    POSTABLE_ASSERT(accepting_);
    accepting_ = false;
  }
  bool has_work() const { return handed_.has_value(); }
  // A stop signal: no more accepts; idle workers leave; a connection handed off is served.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

  // What the acceptor does next: the stop first, whatever the workers' state.
  AcceptorStep acceptor_step() const {
    if (stopped_) return AcceptorStep::stop;
    return may_accept() ? AcceptorStep::accept : AcceptorStep::wait;
  }
  // What an idle worker does next: a connection handed to it first, even after the stop; the
  // last idle worker stays while an accept is under way, for the connection it may bring.
  WorkerStep worker_step() const {
    if (has_work()) return WorkerStep::take;
    return stopped_ && (!accepting_ || idle_ > 1) ? WorkerStep::leave : WorkerStep::wait;
  }
  void worker_leaves() {
    POSTABLE_ASSERT(worker_step() == WorkerStep::leave);
    --idle_;
    ++left_;
  }
  Connection take() {
    POSTABLE_ASSERT(handed_.has_value() && idle_ > 0);
    --idle_;
    Connection connection = std::move(*handed_);
    handed_.reset();
    return connection;
  }

  std::size_t workers() const { return workers_; }
  std::size_t idle() const { return idle_; }
  std::size_t busy() const { return workers_ - idle_ - left_; }

 private:
  std::size_t workers_;
  std::size_t idle_ = 0;
  std::size_t left_ = 0;  // workers gone after the stop: neither idle nor busy
  std::optional<Connection> handed_;  // accepted, not yet taken: at most one
  bool accepting_ = false;            // the acceptor is in accept(), for an idle worker
  bool stopped_ = false;
};

}  // namespace postable
