#include "server/connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>

#include "core/connection_step.hpp"
#include "core/table.hpp"

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
    const ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
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

// How long one blocking recv() may sleep: three quarters of the session's timeout, or zero
// (never block in recv) for timeouts under a second, where the kernel's coarse receive
// timer could overshoot the deadline.
Duration long_wait_for(Duration timeout) {
  return timeout >= std::chrono::seconds(1) ? timeout * 3 / 4 : Duration::zero();
}

// What the client sent, or that the deadline passed.
struct Received {
  ssize_t bytes = 0;  // > 0 read, 0 end of stream, < 0 error (errno)
  bool deadline_passed = false;
};

// Looks for bytes without sleeping until the window closes (or the deadline comes).
std::optional<ssize_t> look_for_bytes(int fd, std::span<char> buffer, Instant until) {
  do {
    const ssize_t got = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got >= 0 || (errno != EAGAIN && errno != EINTR)) return got;
    sched_yield();
  } while (monotonic_now() < until);
  return std::nullopt;
}

// Sleeps until bytes come or the deadline passes. While the deadline is far this is one
// blocking recv() bounded by the socket's receive timeout (`long_wait`): one system call
// per command instead of a poll and a read, and the kernel's cheap coarse timer instead of
// a high-resolution one. That timer fires at most an eighth late (plus a tick), so a wait
// of 3/4 of the timeout begun with 7/8 of it left ends by 27/32 of it, before the deadline;
// the last stretch is a precise ppoll(). The deadline is never passed early.
Received sleep_for_bytes(int fd, std::span<char> buffer, Instant deadline, Duration long_wait) {
  for (;;) {
    const Duration left = deadline - monotonic_now();
    if (long_wait > Duration::zero() && left >= long_wait * 7 / 6) {
      const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;  // the long wait ended
      return {got, false};
    }
    if (!wait_ready(fd, POLLIN, deadline)) return {0, true};
    const ssize_t got = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    return {got, false};
  }
}

// Reads what the client sent: a look for `busy_poll`, then a sleep to the deadline.
// A client on the same machine often answers a reply within microseconds. Sleeping in
// recv() then costs a context switch here and a wake-up in the client's send; looking
// again for a moment first, yielding the CPU to the other workers between looks, costs
// neither (README, "How it compares": a fifth faster for one session of smtp-source, a
// seventh for 32). A distant client costs one window of looks per command.
Received receive(int fd, std::span<char> buffer, Instant deadline, Duration long_wait,
                 Duration busy_poll) {
  if (busy_poll > Duration::zero()) {
    const Instant until = std::min(monotonic_now() + busy_poll, deadline);
    if (const std::optional<ssize_t> got = look_for_bytes(fd, buffer, until)) {
      return {*got, false};
    }
  }
  return sleep_for_bytes(fd, buffer, deadline, long_wait);
}

void set_receive_timeout(int fd, Duration wait) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
  const timeval limit{time_t(micros / 1000000), suseconds_t(micros % 1000000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
}

// Waits for the client, and tells the session what came (core/connection_step.hpp).
void wait_and_hear(int fd, Session& session, ConnectionContext& context, Duration long_wait,
                   std::uint32_t connection) {
  Drain& drain = context.watch.drain;
  const Received got =
      receive(fd, context.buffer, *session.deadline(), long_wait, context.busy_poll);
  // A stream that ended because the stop shut its reading side is not the client's close.
  const bool woken_by_the_stop = drain.waited(context.watch.worker);
  if (got.bytes > 0) {
    context.tracer.read(context.watch.worker, connection,
                        std::string_view(context.buffer.data(), std::size_t(got.bytes)));
  }
  const Heard heard = got.deadline_passed ? Heard::deadline
                      : got.bytes > 0     ? Heard::bytes
                      : woken_by_the_stop ? Heard::woken
                                          : Heard::end;
  hear(session, heard,
       std::string_view(context.buffer.data(), std::size_t(std::max<ssize_t>(got.bytes, 0))),
       monotonic_now());
}

// Stores the message the session has complete, and tells it the outcome.
void deliver_one(Session& session, const Deliver& deliver, Spool& spool, ConnectionReport& report,
                 std::uint32_t connection) {
  std::optional<Envelope> envelope = session.take_delivery();
  const std::optional<StoredBody> body = spool.stored_body(*envelope);
  const std::optional<std::uint64_t> number =
      body ? deliver(*envelope, *body, connection) : std::nullopt;
  if (number) {
    ++report.messages;
    session.on_delivered(*number, monotonic_now());
  } else {
    if (!body) report.spool_error = spool.last_error();
    session.on_delivery_failed(monotonic_now());
  }
  session.reuse_body_storage(std::move(envelope->body));
}

}  // namespace

ConnectionReport serve_connection(Connection& connection, const SessionConfig& config,
                                  const Deliver& deliver, ConnectionContext& context) {
  ConnectionReport report;
  const int fd = connection.socket.get();
  const Duration long_wait = long_wait_for(config.timeout);
  set_receive_timeout(fd, long_wait);
  context.watch.drain.serving(context.watch.worker, fd);
  // The last row is named once, at the end, not formatted for every command.
  const model::Row* last_row = nullptr;
  const std::uint32_t id = connection.id;
  Session session(config, monotonic_now(), [&last_row, &context, id](const model::Row& row) {
    last_row = &row;
    context.tracer.fired(context.watch.worker, id, std::uint16_t(&row - model::rows.data()));
  });
  std::string_view broke;
  const auto may_wait = [&context](bool for_command) {
    return context.watch.drain.may_wait(context.watch.worker, for_command);
  };
  for (bool open = true; open;) {
    const bool sent = send_all(fd, session.output(), monotonic_now() + config.timeout);
    session.clear_output();  // keeps the reply buffer for the next reply
    if (!sent) {
      broke = " (the client stopped reading)";
      break;
    }
    const bool was_stopping = session.stopping();
    const ConnectionStep step = next_connection_step(session, context.watch.drain.phase(),
                                                     body_held_max, monotonic_now, may_wait);
    if (session.stopping() && !was_stopping) context.tracer.told_of_stop(context.watch.worker, id);
    switch (step) {
      case ConnectionStep::close:
        open = false;
        break;
      case ConnectionStep::deliver:
        deliver_one(session, deliver, context.spool, report, id);
        break;
      case ConnectionStep::spill: {
        const auto piece = session.body_to_spill(body_held_max);
        context.spool.write(piece->bytes, piece->offset);
        session.body_spilled();
        break;
      }
      case ConnectionStep::look_again:
        break;
      case ConnectionStep::wait:
        wait_and_hear(fd, session, context, long_wait, id);
        break;
    }
  }
  context.watch.drain.serving(context.watch.worker, -1);
  context.tracer.closed(context.watch.worker, id);
  if (last_row != nullptr) report.ending = describe(*last_row);
  report.ending += broke;
  if (!report.spool_error.empty()) report.ending += " (" + report.spool_error + ")";
  return report;
}

}  // namespace postable
