// The sync policy the monitors are written against: a mutex, a condition variable and a
// thread. The server uses the standard ones; the property tests substitute a controlled
// scheduler that picks who runs next at every lock, wait and notify.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

namespace postable {

struct StdSync {
  using mutex = std::mutex;
  using condition_variable = std::condition_variable;
  using thread = std::thread;
};

}  // namespace postable
