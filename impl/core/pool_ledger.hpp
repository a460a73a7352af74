// The worker pool's bookkeeping as a pure state machine. The acceptor may accept only when
// a worker is idle and not yet promised a connection; each accepted connection goes to
// exactly one worker, which serves it to its end before it is idle again.
//
//   worker:   worker_waits() ... take() -> serve -> worker_waits() ...
//   acceptor: may_accept() -> [accept()] -> hand_off(connection)
#pragma once

#include <cstddef>
#include <optional>

#include "core/assert.hpp"

namespace postable {

template <typename Connection>
class PoolLedger {
 public:
  explicit PoolLedger(std::size_t workers) : workers_(workers) { POSTABLE_ASSERT(workers > 0); }

  void worker_waits() {
    POSTABLE_ASSERT(idle_ < workers_);
    ++idle_;
  }
  bool may_accept() const { return idle_ > 0 && !handed_.has_value(); }
  void hand_off(Connection connection) {
    POSTABLE_ASSERT(may_accept());
    handed_.emplace(std::move(connection));
  }
  bool has_work() const { return handed_.has_value(); }
  Connection take() {
    POSTABLE_ASSERT(handed_.has_value() && idle_ > 0);
    --idle_;
    Connection connection = std::move(*handed_);
    handed_.reset();
    return connection;
  }

  std::size_t workers() const { return workers_; }
  std::size_t idle() const { return idle_; }
  std::size_t busy() const { return workers_ - idle_; }

 private:
  std::size_t workers_;
  std::size_t idle_ = 0;
  std::optional<Connection> handed_;  // accepted, not yet taken: at most one
};

}  // namespace postable
