// What multiclient is told: where the server is, how hard to push, and what the server was
// started with (its name and limits), so that the model can say what every reply must be.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/smtp_table.hpp"

namespace postable::multiclient {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8765;
  std::size_t connections = model::pool_threads;
  double duration_seconds = 60;
  std::uint64_t sessions = 0;  // 0: as many as fit in the duration
  std::uint64_t seed = 1;      // 0: drawn from the clock; always printed
  double deviate = 0.2;        // chance that a step breaks the protocol on purpose
  bool timeouts = false;       // also idle and slow clients (each costs the server's timeout)
  std::string verify_dir;
  std::string json_path;
  bool quiet = false;
  // The server's settings, as it was started.
  std::string name = "postable";
  double server_timeout_seconds = double(model::timeout_seconds);
  std::uint64_t max_size = model::message_bytes_max;
  std::uint64_t backup_every = model::backup_every;
  std::uint64_t error_limit = model::error_limit;
  std::uint64_t junk_limit = model::junk_limit;
  bool strict = false;
};

}  // namespace postable::multiclient
