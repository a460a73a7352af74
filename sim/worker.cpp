#include "sim/worker.hpp"

#include <algorithm>
#include <string>

#include "sim/connection.hpp"

namespace postable::sim {

void Worker::start(Connection& c) {
  Connection* raw = &c;
  c.server.emplace(context_.config, context_.agenda.now(), [this, raw](const model::Row& row) {
    ++context_.summary.row_counts[std::size_t(&row - model::rows.data())];
    if (row.clock == Clock::restart) raw->last_restart = context_.agenda.now();
  });
  c.last_arrival = context_.agenda.now();
  context_.drain.serving(c.worker, true);
  serve(c);
}

// The wait is over, for whatever reason: the drain's machine is told, as smtpd's worker
// tells it after its recv() returns.
void Worker::stop_waiting(Connection& c) {
  if (!c.waiting) return;
  c.waiting = false;
  context_.drain.waited(c.worker);
}

void Worker::wake(Connection& c) {
  if (c.server_closed || !c.waiting) return;  // busy: it sees the phase before it waits
  stop_waiting(c);
  serve(c);
}

// Before it waits, as read_or_stop() in connection.cpp: what the stop means for the session
// (stop_news, the drain's machine). True when the session was told, or may not wait: the
// loop sends what it says and looks again.
bool Worker::tell_the_stop(Connection& c) {
  Session& session = *c.server;
  switch (stop_news(context_.drain.phase(), session.stopping())) {
    case StopNews::stop:
      session.on_shutdown(context_.agenda.now());
      return true;
    case StopNews::drain_over:
      session.on_drain_over(context_.agenda.now());
      return true;
    case StopNews::none:
      break;
  }
  if (!context_.drain.may_wait(c.worker, session.mode() == Mode::command)) return true;
  c.waiting = true;
  return false;
}

// A worker does not read while it stores a message: bytes wait in the socket's buffer.
void Worker::receive(Connection& c, std::string_view bytes, bool eof) {
  if (c.server_closed) return;
  if (!c.server) {  // still in the backlog (a reset reached it): read once accepted
    c.socket_buffer += bytes;
    c.socket_eof = c.socket_eof || eof;
    return;
  }
  if (pause_bugs_ && pause_bug_acts(c, bytes)) return;
  if (c.server->awaiting_delivery() || !c.socket_buffer.empty() || !c.waiting) {
    c.socket_buffer += bytes;
    c.socket_eof = c.socket_eof || eof;
    return;
  }
  stop_waiting(c);
  read(c, bytes, eof);
  serve(c);
}

// The planted bugs that misread a pause (only a world that plants one pays for the watch):
// true when the bug has closed the connection or handed it to serve().
bool Worker::pause_bug_acts(Connection& c, std::string_view bytes) {
  const Instant now = context_.agenda.now();
  const Duration pause = now - c.last_arrival;
  c.last_arrival = now;
  const bool was_mid_line = c.mid_line;
  if (!bytes.empty()) c.mid_line = bytes.back() != '\n';
  if (bytes.empty() || !c.server->wants_input()) return false;
  if (context_.buggify.planted(Fault::close_on_silence) && pause > context_.config.timeout / 2) {
    context_.closed(c);  // taken for a dead client: closed without a word
    return true;
  }
  // A pause no latency of this world makes between a line's pieces: a spike's, or a stall's.
  const auto latency_max = std::chrono::duration<double, std::milli>(context_.latency_max_ms);
  if (context_.buggify.planted(Fault::split_line_on_pause) && was_mid_line &&
      pause > 2 * latency_max + std::chrono::milliseconds(1) && c.socket_buffer.empty()) {
    c.server->feed("\r\n", now);  // the line so far taken for a whole one
    if (!c.server->wants_input() && !c.server->awaiting_delivery()) {
      serve(c);
      return true;
    }
  }
  return false;
}

// What one recv() returned, taken by the session.
void Worker::read(Connection& c, std::string_view bytes, bool eof) {
  Session& server = *c.server;
  if (!bytes.empty()) server.feed(bytes, context_.agenda.now());
  if (eof && c.reset && server.mode() == Mode::data &&
      context_.buggify.planted(Fault::store_on_reset)) {
    server.feed("\r\n.\r\n", context_.agenda.now());  // the reset taken for the end
  }
  if (eof) {
    if (server.wants_input())
      server.on_eof(context_.agenda.now());
    else if (server.awaiting_delivery())
      c.socket_eof = true;
  }
}

void Worker::stored(Connection& c, std::uint64_t number) {
  c.server->on_delivered(number, context_.agenda.now());
  serve(c);
}

// Shaped like serve_connection: runs until the session waits for the client, the mailbox, or
// its timer, or ends.
void Worker::serve(Connection& c) {
  stop_waiting(c);  // whatever resumed it
  Session& server = *c.server;
  for (;;) {
    if (!server.output().empty()) context_.network.send(c, Kind::to_client, server.output(), false);
    server.clear_output();
    if (server.awaiting_delivery()) {
      const auto number = context_.mailbox.deliver(c, *server.take_delivery());
      if (!number) return;  // it waits for the backup, which resumes it
      server.on_delivered(*number, context_.agenda.now());
      continue;
    }
    if (server.closed()) return context_.closed(c);
    if (!c.timer_pending) {  // one timer per connection: it re-arms itself when it fires early
      c.timer_pending = true;
      context_.agenda.schedule(std::max(fire_time(*server.deadline()), context_.agenda.now()),
                               Notice{Kind::timeout, c.id, c.slot});
    }
    if (c.socket_buffer.empty() && !c.socket_eof) {
      if (tell_the_stop(c)) continue;
      return;  // it waits for the client
    }
    const std::string held = std::move(c.socket_buffer);
    const bool eof = c.socket_eof;
    c.socket_buffer.clear();
    c.socket_eof = false;
    read(c, held, eof);
  }
}

Instant Worker::fire_time(Instant deadline) const {
  const bool early = context_.buggify.planted(Fault::early_timeout);
  return early ? deadline + Duration(-1'000'000) : deadline;
}

void Worker::timer(Connection& c) {
  if (c.server_closed) return;
  c.timer_pending = false;
  Session& server = *c.server;
  if (!server.wants_input()) return;  // storing: the timer is armed again afterwards
  const Instant deadline = *server.deadline();
  const Instant now = context_.agenda.now();
  if (now < fire_time(deadline)) {  // the clock restarted since: wait for the new one
    c.timer_pending = true;
    context_.agenda.schedule(fire_time(deadline), Notice{Kind::timeout, c.id, c.slot});
    return;
  }
  context_.oracle.timer_fired(now, c.last_restart, context_.config.timeout, c.id);
  if (context_.oracle.failed()) return;
  stop_waiting(c);
  server.on_timeout(now);
  serve(c);
}

}  // namespace postable::sim
