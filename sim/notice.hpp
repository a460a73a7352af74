// What the agenda holds: a notice that something happens to a connection (or to the server)
// at a virtual instant. The bytes in flight live with their connection, not here.
#pragma once

#include <cstdint>

namespace postable::sim {

enum class Kind : std::uint8_t {
  arrive,
  accept,
  to_server,
  to_client,
  timeout,
  backup_done,    // the backup's move ended; `client` holds the server's life, as for a sync
  names_synced,   // the folder's sync after a move ended (`client`: the life)
  delivery_turn,  // a delivery's batching turn is over
  sync_done,  // `client` holds the server's life (crashes so far): a sync of an earlier one is void
  crash,      // the server dies (and starts again at once, with --resume); `client`: times put off
  reset_by_client,  // the network resets the connection; the client's side knows first
  reset_by_server,  // the same, the server's side first
  stop,             // SIGTERM: the pool's machine hears it, the acceptor sees it when it says
  drain_over,       // the drain's time is up: every session still open is closed
};

// `client` names the connection; `slot` finds it without a lookup, and a notice whose
// connection has gone (a timer left behind) finds another id there, or nothing.
struct Notice {
  explicit Notice(Kind k, std::uint64_t c = 0, std::uint32_t s = 0) : kind(k), slot(s), client(c) {}
  Kind kind;
  std::uint32_t slot;
  std::uint64_t client;
};

}  // namespace postable::sim
