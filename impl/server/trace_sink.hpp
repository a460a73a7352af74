// Where a real run's trace goes (core/run_trace.hpp): each producer (a worker, the acceptor,
// the mailbox under its lock) appends encoded events to a buffer of its own, and a thread of
// the sink's writes the buffers out every few milliseconds, so that recording an event costs
// an uncontended lock and a copy, never a system call. The order within a producer is kept;
// across producers the events' times order them, and each round of writing begins with a
// `flushed` mark that bounds how far the file's order strays from the times'. A write that
// fails (a full disk) is logged once and tracing stops, while the server goes on serving: the
// trace is then cut, and its reader says so. A server killed with -9 leaves every chunk
// written so far, whole but perhaps the last.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/run_trace.hpp"

namespace postable {

class TraceSink {
 public:
  // Creates (or empties) `path` and writes the trace's header; `log` hears of a failed write,
  // once. Throws std::runtime_error with a one-line reason when the file cannot be made.
  TraceSink(const std::filesystem::path& path, std::string_view header, std::size_t producers,
            std::function<void(const std::string&)> log);
  ~TraceSink();  // writes what is left
  TraceSink(const TraceSink&) = delete;
  TraceSink& operator=(const TraceSink&) = delete;

  // Appends `event` to producer `producer`'s buffer (one producer per thread, or per lock),
  // stamped with the time it is recorded.
  void record(std::size_t producer, trace::Event event);
  // Nanoseconds since the sink began, on the monotonic clock: the events' time.
  std::uint64_t now_ns() const;
  bool failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  struct Buffer {
    std::mutex lock;
    std::string bytes;
  };
  void write_out(std::string& bytes);
  void flush_every_few_ms();
  void flush_all(std::vector<std::string>& spares);

  int fd_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::function<void(const std::string&)> log_;
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::atomic<bool> failed_ = false;
  std::mutex lock_;  // for the flusher's wait and stop
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace postable
