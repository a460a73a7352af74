// A worker serving one connection, standing in for impl/server/connection.cpp: the same loop
// as serve_connection (send what the session said; hand a finished message to the mailbox;
// stop at the end; otherwise wait for bytes or the deadline), driven by the agenda instead of
// blocking calls. The Session is the very core smtpd runs.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/drain_ledger.hpp"
#include "core/session.hpp"
#include "sim/agenda.hpp"
#include "sim/buggify.hpp"
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
    const Buggify& buggify;
    Summary& summary;
    DrainLedger& drain;                       // the server's stop, as smtpd's workers live it
    std::function<void(Connection&)> closed;  // the session is over: free the worker
    double latency_max_ms;                    // the network's, without faults
  };

  explicit Worker(Context context)
      : context_(std::move(context)),
        pause_bugs_(context_.buggify.planted(Fault::close_on_silence) ||
                    context_.buggify.planted(Fault::split_line_on_pause)) {}
  // The acceptor handed `c` over: the session greets.
  void start(Connection& c);
  // Bytes (or the end of the stream) reached the server's socket.
  void receive(Connection& c, std::string_view bytes, bool eof);
  // The mailbox stored the message `c` was waiting on.
  void stored(Connection& c, std::uint64_t number);
  // The connection's timer went off.
  void timer(Connection& c);
  // The drain's machine woke `c`'s worker (the stop, or the drain's end): it looks again.
  void wake(Connection& c);

 private:
  void serve(Connection& c);
  bool tell_the_stop(Connection& c);
  void stop_waiting(Connection& c);
  void read(Connection& c, std::string_view bytes, bool eof);
  Instant fire_time(Instant deadline) const;  // when the (perhaps faulty) timer goes off
  bool pause_bug_acts(Connection& c, std::string_view bytes);

  Context context_;
  bool pause_bugs_;  // a planted bug that misreads a pause: the arrivals are watched
};

}  // namespace postable::sim
