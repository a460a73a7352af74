#include "connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "table.hpp"

namespace postable {

Instant monotonic_now() {
  return Instant{std::chrono::steady_clock::now().time_since_epoch()};
}

namespace {

timespec to_timespec(Duration d) {
  if (d < Duration::zero()) d = Duration::zero();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(d);
  return timespec{time_t(seconds.count()), long((d - seconds).count())};
}

// Waits until `fd` is ready for `events` or `deadline` passes; false on the deadline.
bool wait_ready(int fd, short events, Instant deadline) {
  for (;;) {
    const Instant now = monotonic_now();
    if (now >= deadline) return false;
    pollfd watch{fd, events, 0};
    const timespec wait = to_timespec(deadline - now);
    const int ready = ppoll(&watch, 1, &wait, nullptr);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // let the read or write report the error
  }
}

// Sends all of `bytes` before `deadline`; false if the peer is gone or too slow.
bool send_all(int fd, std::string_view bytes, Instant deadline) {
  while (!bytes.empty()) {
    const ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(std::size_t(sent));
    } else if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_ready(fd, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

ConnectionReport serve_connection(Connection& connection, const SessionConfig& config,
                                  const Deliver& deliver, std::span<char> buffer) {
  ConnectionReport report;
  const int fd = connection.socket.get();
  Session session(config, monotonic_now(),
                  [&report](const model::Row& row) { report.ending = describe(row); });
  for (;;) {
    const std::string output = session.take_output();
    if (!send_all(fd, output, monotonic_now() + config.timeout)) {
      report.ending += " (the client stopped reading)";
      break;
    }
    if (session.closed()) break;
    if (session.awaiting_delivery()) {
      const std::optional<Envelope> envelope = session.take_delivery();
      const std::optional<std::uint64_t> number = deliver(*envelope);
      if (number) {
        ++report.messages;
        session.on_delivered(*number, monotonic_now());
      } else {
        session.on_delivery_failed(monotonic_now());
      }
      continue;
    }
    const Instant deadline = *session.deadline();
    if (!wait_ready(fd, POLLIN, deadline)) {
      session.on_timeout(monotonic_now());
      continue;
    }
    const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
    if (got > 0) {
      session.feed(std::string_view(buffer.data(), std::size_t(got)), monotonic_now());
    } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
      session.on_eof(monotonic_now());  // closed, or reset: either way nothing more comes
    }
  }
  return report;
}

}  // namespace postable
