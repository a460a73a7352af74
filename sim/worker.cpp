#include "sim/worker.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "core/connection_step.hpp"

#include "sim/connection.hpp"

namespace postable::sim {

void Worker::start(Connection& c) {
  Connection* raw = &c;
  c.server.emplace(context_.config, context_.agenda.now(), [this, raw](const model::Row& row) {
    ++context_.summary.row_counts[std::size_t(&row - model::rows.data())];
    if (row.clock == Clock::restart) raw->last_restart = context_.agenda.now();
  });
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

// A worker does not read while it stores a message: bytes wait in the socket's buffer.
void Worker::receive(Connection& c, std::string_view bytes, bool eof) {
  if (c.server_closed) return;
  if (!c.server || !c.waiting) {  // in the backlog, or busy: read once it waits
    c.socket_buffer += bytes;
    c.socket_eof = c.socket_eof || eof;
    return;
  }
  stop_waiting(c);  // it waited, so nothing was buffered: recv() returns these bytes
  read(c, bytes, eof);
  serve(c);
}

// What one recv() returns, taken by the session: bytes, then perhaps the stream's end (kept
// for later when the bytes completed a message: the worker stores it first).
void Worker::read(Connection& c, std::string_view bytes, bool eof) {
  Session& server = *c.server;
  if (!bytes.empty()) hear(server, Heard::bytes, bytes, context_.agenda.now());
  if (!eof) return;
  if (!server.wants_input()) {
    c.socket_eof = true;
    return;
  }
  hear(server, Heard::end, {}, context_.agenda.now());
}

// What the socket's buffer holds, read at once (its storage kept for the next bytes).
void Worker::read_buffered(Connection& c) {
  std::string held = std::move(c.socket_buffer);
  c.socket_buffer.clear();
  const bool eof = std::exchange(c.socket_eof, false);
  read(c, held, eof);
  held.clear();
  if (c.socket_buffer.empty()) c.socket_buffer.swap(held);
}

void Worker::stored(Connection& c, std::optional<std::uint64_t> number) {
  if (number) {
    c.server->on_delivered(*number, context_.agenda.now());
  } else {
    c.server->on_delivery_failed(context_.agenda.now());
  }
  serve(c);
}

// Shaped like serve_connection, over the same machine (core/connection_step.hpp): runs until
// the session waits for the client, the mailbox, or its timer, or ends.
void Worker::serve(Connection& c) {
  stop_waiting(c);  // whatever resumed it
  Session& server = *c.server;
  const auto may_wait = [this, &c](bool for_command) {
    return context_.drain.may_wait(c.worker, for_command);
  };
  for (;;) {
    if (!server.output().empty()) context_.network.send(c, Kind::to_client, server.output(), false);
    server.clear_output();
    const auto now = [this] { return context_.agenda.now(); };
    switch (
        next_connection_step(server, context_.drain.phase(), context_.spill_at, now, may_wait)) {
      case ConnectionStep::close:
        return context_.closed(c);
      case ConnectionStep::deliver:
        return context_.mailbox.deliver(c, take_message(c));  // which resumes it
      case ConnectionStep::spill:
        spill(c);
        break;
      case ConnectionStep::look_again:
        break;
      case ConnectionStep::wait:
        if (context_.spill_at > 0 && server.body_to_spill(context_.spill_at)) {
          return context_.oracle.fail("a worker waits holding a body past the spool's limit", c.id);
        }
        arm_timer(c);
        if (c.socket_buffer.empty() && !c.socket_eof) {
          c.waiting = true;
          return;  // it waits for the client
        }
        context_.drain.waited(c.worker);  // recv() returns at once with what is buffered
        read_buffered(c);
        break;
    }
  }
}

// A piece of a long body to the worker's spool, in its stored form, as server/spool.cpp
// writes it: the same quoter, piece by piece.
void Worker::spill(Connection& c) {
  Session& server = *c.server;
  const auto piece = server.body_to_spill(context_.spill_at);
  if (piece->offset == 0) {
    c.spooled.clear();
    c.spooled_bytes = 0;
    c.quoter = BodyQuoter{};
  }
  if (piece->offset != c.spooled_bytes) {
    context_.oracle.fail("a body piece was spilled at byte " + std::to_string(piece->offset) +
                             " of its body, after " + std::to_string(c.spooled_bytes),
                         c.id);
  }
  c.quoter.feed(piece->bytes, c.spooled);
  c.spooled_bytes += piece->bytes.size();
  ++context_.summary.spills;
  server.body_spilled();
}

// The message the session has complete, with the front of its body from the spool if it was
// spilled (the envelope says how much was: a spool left by a message that was never stored
// is not this one's): the mailbox gets the envelope, and the body in its stored form.
Envelope Worker::take_message(Connection& c) {
  Envelope envelope = *c.server->take_delivery();
  c.stored_body.reset();
  const BodyFront front = body_front(envelope, c.spooled_bytes);
  if (front == BodyFront::missing) {
    context_.oracle.fail("the spool does not hold the front of the body delivered", c.id);
  }
  if (front == BodyFront::in_spool) {
    c.quoter.feed(envelope.body, c.spooled);
    c.quoter.finish(c.spooled);
    c.stored_body = std::exchange(c.spooled, {});
    c.spooled_bytes = 0;
  }
  return envelope;
}

void Worker::arm_timer(Connection& c) {
  if (c.timer_pending) return;  // one timer per connection: it re-arms itself when it fires early
  c.timer_pending = true;
  context_.agenda.schedule(std::max(*c.server->deadline(), context_.agenda.now()),
                           Notice{Kind::timeout, c.id, c.slot});
}

void Worker::timer(Connection& c) {
  if (c.server_closed) return;
  c.timer_pending = false;
  Session& server = *c.server;
  if (!server.wants_input()) return;  // storing: the timer is armed again afterwards
  const Instant now = context_.agenda.now();
  if (now < *server.deadline()) return arm_timer(c);  // the clock restarted since
  context_.oracle.timer_fired(now, c.last_restart, context_.config.timeout, c.id);
  if (context_.oracle.failed()) return;
  stop_waiting(c);
  hear(server, Heard::deadline, {}, now);
  serve(c);
}

}  // namespace postable::sim
