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

void TraceSink::record(std::size_t producer, const trace::Event& event) {
  if (failed()) return;
  Buffer& buffer = *buffers_[producer];
  std::size_t size = 0;
  {
    std::lock_guard hold(buffer.lock);
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
  std::string spare;
  std::unique_lock hold(lock_);
  while (!stopping_) {
    wake_.wait_for(hold, flush_period);
    hold.unlock();
    flush_all(spare);
    hold.lock();
  }
  hold.unlock();
  flush_all(spare);  // what the last moments recorded
}

// Each buffer swapped with an empty one under its lock, then written outside it.
void TraceSink::flush_all(std::string& spare) {
  for (const auto& buffer : buffers_) {
    {
      std::lock_guard hold(buffer->lock);
      spare.swap(buffer->bytes);
    }
    write_out(spare);
  }
}

}  // namespace postable
