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
#include "server/socket.hpp"

namespace postable {

struct ConnectionReport {
  std::uint64_t messages = 0;
  std::string ending;  // the last row, e.g. "RCPT -> CLOSED on QUIT ok / 221", or why it broke
};

using Deliver = std::function<std::optional<std::uint64_t>(const Envelope&)>;

// `buffer` is the worker's read buffer, reused from connection to connection.
// `busy_poll`: how long to look for the client's next command before sleeping (0: never).
ConnectionReport serve_connection(Connection& connection, const SessionConfig& config,
                                  Duration busy_poll, const Deliver& deliver,
                                  std::span<char> buffer);

Instant monotonic_now();

}  // namespace postable
