#include "server/signal_watch.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace postable {

SignalWatch::SignalWatch(int stop_fd, std::function<void()> on_stop)
    : done_(eventfd(0, EFD_CLOEXEC)) {
  if (!done_) throw std::runtime_error(std::string("cannot watch signals: ") + strerror(errno));
  thread_ = std::thread([stop_fd, done = done_.get(), on_stop = std::move(on_stop)] {
    std::array<pollfd, 2> watch{{{stop_fd, POLLIN, 0}, {done, POLLIN, 0}}};
    while (poll(watch.data(), watch.size(), -1) < 0 && errno == EINTR) {
    }
    if (watch[0].revents != 0) on_stop();
  });
}

SignalWatch::~SignalWatch() {
  const std::uint64_t one = 1;
  if (write(done_.get(), &one, sizeof one) != sizeof one) {
    // Cannot happen for an eventfd far from its limit; the join below would then wait for
    // the signal, which is the only other way the watch ends.
  }
  thread_.join();
}

}  // namespace postable
