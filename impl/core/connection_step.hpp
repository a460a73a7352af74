// A connection's loop as one pure machine, run by smtpd's workers (server/connection.cpp,
// over poll/recv/send) and by the simulator's (sim/worker.cpp, over the agenda) alike: after
// the session's output has gone out, what the worker does next, and what a wait for the
// client means for the session when it ends. The drivers carry the steps out.
//
//   [send output] -> next_connection_step(): close | deliver | spill | look_again | wait
//   wait -> [bytes, the end of the stream, the deadline, or the stop's wake-up] -> hear()
//
// Header-only, so that a planted bug (tests/mutants.cmake) is built into both worlds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/drain_ledger.hpp"
#include "core/session.hpp"

namespace postable {

enum class ConnectionStep : std::uint8_t {
  close,       // the session is over: close the connection
  deliver,     // a message is complete: hand it to the mailbox, tell the session the outcome
  spill,       // the body held is long: write body_to_spill() to the spool, then body_spilled()
  look_again,  // the session was told of the stop, or may not wait: send what it says
  wait,        // wait for the client until session.deadline(), then hear() what came
};

// The next step, once the session's output is sent. `held_max` is the most of a body a
// connection holds before it goes to the spool; `now()` reads the clock, only when the stop
// must be told; `may_wait(for_command)` asks the drain's machine whether the worker may wait
// now (DrainLedger::may_wait, under the drain's lock).
template <typename Now, typename MayWait>
ConnectionStep next_connection_step(Session& session, DrainPhase phase, std::size_t held_max,
                                    Now&& now, MayWait&& may_wait) {
  if (session.closed()) return ConnectionStep::close;
  if (session.awaiting_delivery()) return ConnectionStep::deliver;
  if (session.body_to_spill(held_max)) return ConnectionStep::spill;
  // What the stop means for a session about to wait: at once between messages, after the
  // reply inside one, the drain's end for all (protocol.md, "Shutdown").
  switch (stop_news(phase, session.stopping())) {
    case StopNews::stop:
      session.on_shutdown(now());
      return ConnectionStep::look_again;
    case StopNews::drain_over:
      session.on_drain_over(now());
      return ConnectionStep::look_again;
    case StopNews::none:
      break;
  }
  if (!may_wait(session.mode() == Mode::command)) return ConnectionStep::look_again;
  return ConnectionStep::wait;
}

// How a wait for the client ended.
enum class Heard : std::uint8_t {
  bytes,     // the client sent `bytes`
  end,       // the stream ended: the client closed it, or it was reset
  deadline,  // the session's deadline passed
  woken,     // the stop shut the socket's reading side: the stream looks ended, but is not
};

inline void hear(Session& session, Heard heard, std::string_view bytes, Instant now) {
  switch (heard) {
    case Heard::bytes:
      return session.feed(bytes, now);
    case Heard::end:
      return session.on_eof(now);  // nothing more comes: a message cut short is not stored
    case Heard::deadline:
      return session.on_timeout(now);
    case Heard::woken:
      return;  // the next step tells the session of the stop
  }
}

}  // namespace postable
