// The stop signal, carried to whoever must see it from a thread of its own. The acceptor
// may be asleep waiting for an idle worker (every worker busy: a loaded server's normal
// state), where it never polls the signal's descriptor; this thread hands the stop to the
// pool's machine, which wakes it. It only waits and carries: the machine decides.
#pragma once

#include <functional>
#include <thread>

#include "server/socket.hpp"

namespace postable {

class SignalWatch {
 public:
  // Calls `on_stop` once, when `stop_fd` (a signalfd) becomes readable. It does not read the
  // signal: the acceptor's poll sees the descriptor ready too.
  SignalWatch(int stop_fd, std::function<void()> on_stop);
  ~SignalWatch();  // ends the watch, signal or not, and joins its thread
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

 private:
  Fd done_;  // an eventfd the destructor writes, to end the watch
  std::thread thread_;
};

}  // namespace postable
