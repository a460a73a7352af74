// The server's stop as a pure state machine (protocol.md, "Shutdown"), driven by the drain
// monitor (server/drain.hpp): which workers serve a connection, which of them wait for
// their client and for what, and so which must be woken when the stop comes and when the
// drain ends.
//
//   worker:   serving(w, true) { may_wait(w, for_command) -> [wait] -> waited(w) }...
//             serving(w, false)
//   acceptor: stop() -> [wake its workers] ... end_drain() -> [wake its workers]
//
// After stop() no session waits for a command (each is told and closes), and after
// end_drain() none waits at all: may_wait() says no, and every worker already waiting is
// in the list to wake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace postable {

enum class DrainPhase : std::uint8_t { running, stopping, over };

// What the stop means for a session about to wait for its client, as both worlds' connection
// loops ask it (protocol.md, "Shutdown"): to be told of the stop (Session::on_shutdown: at once
// between messages, after the reply inside one), of the drain's end (on_drain_over), or
// nothing yet (it may wait, if may_wait() agrees).
enum class StopNews : std::uint8_t { none, stop, drain_over };
StopNews stop_news(DrainPhase phase, bool session_stopping);

class DrainLedger {
 public:
  explicit DrainLedger(std::size_t workers);

  void serving(std::size_t worker, bool serving);
  // A worker is about to wait for its client, for a command or for more of a message.
  // False when it must not (the stop has come for it): it looks at the phase again.
  bool may_wait(std::size_t worker, bool for_command);
  // The wait is over; true when the stop or the drain's end woke it (its stream then looks
  // ended, but the client did not close it).
  bool waited(std::size_t worker);

  // The stop: the workers to wake, every one waiting for a command.
  std::vector<std::size_t> stop();
  // The drain's end: the workers to wake, every one serving a connection.
  std::vector<std::size_t> end_drain();

  DrainPhase phase() const { return phase_; }

 private:
  enum class Worker : std::uint8_t { idle, busy, waiting_for_command, waiting_for_data, woken };
  std::vector<Worker> workers_;
  std::vector<std::size_t> wake_all(bool (*wanted)(Worker));
  DrainPhase phase_ = DrainPhase::running;
};

}  // namespace postable
