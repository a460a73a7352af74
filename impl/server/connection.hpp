// Serves one connection to its end: reads into the session, writes its replies fully,
// stores its messages, and sleeps no longer than the session's deadline (see receive() in
// connection.cpp). A worker never blocks without a deadline: writes get the timeout too.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "core/envelope.hpp"
#include "core/session.hpp"
#include "server/drain.hpp"
#include "server/socket.hpp"
#include "server/spool.hpp"
#include "server/tracer.hpp"

namespace postable {

struct ConnectionReport {
  std::uint64_t messages = 0;
  std::string ending;       // the last row, e.g. "RCPT -> CLOSED on QUIT ok / 221", or why it broke
  std::string spool_error;  // why a long message could not be stored, if one could not
};

// Stores a message: the envelope's head and its body as stored (Mailbox::deliver()), for the
// connection named.
using Deliver = std::function<std::optional<std::uint64_t>(const Envelope&, const StoredBody&,
                                                           std::uint32_t connection)>;

// How a worker's connection hears of the server's stop: the drain, and which worker it is.
struct StopWatch {
  Drain& drain;
  std::size_t worker;
};

// What a worker keeps from connection to connection.
struct ConnectionContext {
  std::span<char> buffer;  // the worker's read buffer
  Duration busy_poll;      // how long to look for the client's next command before sleeping
  StopWatch watch;
  Spool& spool;  // where a long body goes as it comes
  const Tracer& tracer;
};

// The most of a body a connection holds before it goes to the spool (a read's worth more may
// come in before it does): so a connection's memory is bounded whatever the message size.
inline constexpr std::size_t body_held_max = 256 * 1024;

// After the stop, a session waiting for a command is told at once, one inside a message once
// it ends (or the drain does): protocol.md, "Shutdown".
ConnectionReport serve_connection(Connection& connection, const SessionConfig& config,
                                  const Deliver& deliver, ConnectionContext& context);

Instant monotonic_now();

}  // namespace postable
