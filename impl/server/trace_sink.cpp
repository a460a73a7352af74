#include "server/trace_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace postable {

namespace {

// How often the flusher writes the buffers out, and how full a buffer may grow before a
// record wakes it sooner (a busy worker's events between two flushes).
constexpr auto flush_period = std::chrono::milliseconds(20);
constexpr std::size_t buffer_soft_max = 256 * 1024;

}  // namespace

TraceSink::TraceSink(const std::filesystem::path& path, std::string_view header,
                     std::size_t producers, std::function<void(const std::string&)> log)
    : start_(std::chrono::steady_clock::now()), log_(std::move(log)) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot write the trace " + path.string() + ": " +
                             std::strerror(errno));
  }
  for (std::size_t p = 0; p < producers; ++p) buffers_.push_back(std::make_unique<Buffer>());
  std::string start = trace::encode_header(header);
  write_out(start);
  flusher_ = std::thread([this] { flush_every_few_ms(); });
}

TraceSink::~TraceSink() {
  {
    std::lock_guard hold(lock_);
    stopping_ = true;
  }
  wake_.notify_one();
  flusher_.join();
  ::close(fd_);
}

void TraceSink::record(std::size_t producer, trace::Event event) {
  if (failed()) return;
  Buffer& buffer = *buffers_[producer];
  std::size_t size = 0;
  {
    // Stamped under the buffer's lock: an event the flusher leaves for its next round is
    // later than that round's `flushed` mark, which lets the reader put the file in order.
    std::lock_guard hold(buffer.lock);
    event.time_ns = now_ns();
    trace::append_event(buffer.bytes, event);
    size = buffer.bytes.size();
  }
  if (size >= buffer_soft_max) wake_.notify_one();
}

std::uint64_t TraceSink::now_ns() const {
  return std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - start_)
                           .count());
}

// Writes `bytes` whole (a chunk of whole events), or gives tracing up on the first failure.
void TraceSink::write_out(std::string& bytes) {
  std::string_view left = bytes;
  while (!left.empty() && !failed()) {
    const ssize_t wrote = ::write(fd_, left.data(), left.size());
    if (wrote > 0) {
      left.remove_prefix(std::size_t(wrote));
    } else if (wrote < 0 && errno == EINTR) {
      continue;
    } else {
      failed_.store(true, std::memory_order_relaxed);
      log_(std::string("trace: cannot write (") + (wrote < 0 ? std::strerror(errno) : "no room") +
           "); tracing stops, the server goes on");
    }
  }
  bytes.clear();
}

void TraceSink::flush_every_few_ms() {
  std::vector<std::string> spares(buffers_.size());
  std::unique_lock hold(lock_);
  while (!stopping_) {
    wake_.wait_for(hold, flush_period);
    hold.unlock();
    flush_all(spares);
    hold.lock();
  }
  hold.unlock();
  flush_all(spares);  // what the last moments recorded
}

// A `flushed` mark stamped first, then each buffer swapped with an empty one under its lock,
// and all written outside the locks. A round with nothing to write writes nothing.
void TraceSink::flush_all(std::vector<std::string>& spares) {
  std::string mark;
  trace::append_event(mark, {now_ns(), trace::Kind::flushed, 0, 0, 0, 0, 0, {}});
  bool any = false;
  for (std::size_t p = 0; p < buffers_.size(); ++p) {
    std::lock_guard hold(buffers_[p]->lock);
    spares[p].swap(buffers_[p]->bytes);
    any = any || !spares[p].empty();
  }
  if (!any) return;
  write_out(mark);
  for (std::string& spare : spares) write_out(spare);
}

}  // namespace postable
