// One connection of the simulated world: the virtual client at one end, the server's Session
// (once a worker took it) at the other, and the two links between them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/body_quoting.hpp"
#include "core/mailbox_machine.hpp"
#include "core/session.hpp"
#include "sim/client.hpp"
#include "sim/network.hpp"

namespace postable::sim {

struct Connection {
  std::uint64_t id = 0;
  std::uint32_t slot = 0;
  std::unique_ptr<Client> client;
  std::optional<Session> server;  // once accepted
  Link to_server, to_client;
  // The server's socket receive buffer: what arrived while its worker was storing a message
  // and so not reading (the real worker leaves it in the kernel's buffer until it reads again).
  std::string socket_buffer;
  bool socket_eof = false;
  Instant last_restart{};      // the oracle's own record of the server's clock
  bool timer_pending = false;  // a timeout is on the agenda; it re-arms if the deadline moved
  std::string received;        // client side: the start of a reply line
  Instant batch_sent{};
  bool server_closed = false, client_closed = false;
  bool connected = false;  // in the backlog or served: a crash of the server ends it
  bool crashed = false;    // the server died: what it sent arrives, then the end
  bool reset = false;      // the network reset it: what was in flight is lost, then the end
  bool timed_out = false;  // by the server, while the client's mirror waited for a message's end
  std::uint64_t worker = 0;
  Instant accepted_at{};
  bool waiting = false;       // its worker waits for the client (the drain's machine knows it)
  bool stopped = false;       // the server stopped: it may close after its 421, or (in the backlog)
                              // unanswered
  bool told_to_stop = false;  // client side: it heard the stop's 421, and says no more
  // Its message in the mailbox's hands (sim/mailbox.hpp): the envelope, and once its record is
  // appended, its number and its steps in the machine.
  Envelope delivery;
  bool delivering = false, appended = false;
  std::uint64_t number = 0;
  SyncTicket ticket;
  Batching batching;
  // Its worker's spool (server/spool.hpp): the front of a long body, in its stored form.
  BodyQuoter quoter;
  std::string spooled;
  std::uint64_t spooled_bytes = 0;         // of the body as sent
  std::optional<std::string> stored_body;  // the message's whole stored body, when spooled
};

}  // namespace postable::sim
