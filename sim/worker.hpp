// A worker serving one connection, as impl/server/connection.cpp does: the same machine
// (core/connection_step.hpp) says each step (send what the session said; hand a finished
// message to the mailbox; spill a long body; close at the end; otherwise wait for bytes or
// the deadline), carried out over the agenda instead of blocking calls. The Session is the
// very core smtpd runs; only the socket and the spool are simulated.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/drain_ledger.hpp"
#include "core/session.hpp"
#include "sim/agenda.hpp"
#include "sim/digest.hpp"
#include "sim/mailbox.hpp"
#include "sim/network.hpp"
#include "sim/notice.hpp"
#include "sim/oracle.hpp"

namespace postable::sim {

struct Connection;

class Worker {
 public:
  struct Context {
    const SessionConfig& config;
    Agenda<Notice>& agenda;
    Network& network;
    Mailbox& mailbox;
    Oracle& oracle;
    Summary& summary;
    DrainLedger& drain;                       // the server's stop, as smtpd's workers live it
    std::function<void(Connection&)> closed;  // the session is over: free the worker
    std::size_t spill_at;  // the most of a body held before it goes to the spool (0: never)
  };

  explicit Worker(Context context) : context_(std::move(context)) {}
  // The acceptor handed `c` over: the session greets.
  void start(Connection& c);
  // Bytes (or the end of the stream) reached the server's socket.
  void receive(Connection& c, std::string_view bytes, bool eof);
  // The mailbox stored the message `c` was waiting on (its number), or could not.
  void stored(Connection& c, std::optional<std::uint64_t> number);
  // The connection's timer went off.
  void timer(Connection& c);
  // The drain's machine woke `c`'s worker (the stop, or the drain's end): it looks again.
  void wake(Connection& c);

 private:
  void serve(Connection& c);
  void stop_waiting(Connection& c);
  void read(Connection& c, std::string_view bytes, bool eof);
  void read_buffered(Connection& c);
  void spill(Connection& c);
  Envelope take_message(Connection& c);
  void arm_timer(Connection& c);

  Context context_;
};

}  // namespace postable::sim
