// The whole server: a listener, an acceptor (the calling thread), a pool of workers, the
// mailbox monitor over the file store, and the backup thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/session.hpp"
#include "server/file_store.hpp"

namespace postable {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8765;
  std::filesystem::path dir = ".";
  std::size_t threads = model::pool_threads;
  std::uint64_t backup_every = model::backup_every;
  bool quiet = false;
  Durability durability = Durability::sync;
  bool resume = false;  // recover the files a crash left, instead of starting empty
  // How long a worker looks for a client's next command before it sleeps (see receive()
  // in connection.cpp); zero sleeps at once.
  Duration busy_poll = std::chrono::microseconds(50);
  // After SIGTERM or SIGINT, how long sessions inside a message may take to end it.
  Duration drain = std::chrono::seconds(model::drain_seconds);
  SessionConfig session;
  std::filesystem::path trace;  // where to write the run's trace (empty: none)
};

// Runs until SIGINT or SIGTERM: then stops accepting, tells each session as soon as it is
// between messages (after `drain`, every one), completes any due backup, and returns 0.
// Prints `listening on ADDR:PORT` on stdout first. Start-up failures (port in use, folder
// not writable) throw std::runtime_error with a one-line reason.
int run_server(const ServerConfig& config);

}  // namespace postable
