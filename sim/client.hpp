// A virtual client: a behaviour, its own seeded generator, a script of the forward path read
// from the table (impl/peer), and a mirror of the server (the table-driven core) that says
// what the server must answer to the bytes it sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/rng.hpp"
#include "peer/forward_path.hpp"
#include "peer/mirror.hpp"
#include "sim/params.hpp"

namespace postable::sim {

Behaviour draw_behaviour(const Mix& mix, Rng& rng);

struct Batch {
  std::string bytes;
  bool bytewise = false;    // every byte its own packet
  bool then_close = false;  // the client hangs up after these bytes
};

class Client {
 public:
  Client(std::uint64_t id, Behaviour behaviour, std::uint64_t seed, const SessionConfig& config,
         Instant now);

  // What the client does once every reply it waits for has come: null means it waits (for a
  // timeout) or is done. The batch is already sent to the mirror, which owes its replies; it
  // stays valid until the next call.
  const Batch* next(Instant now);

  peer::Mirror& mirror() { return mirror_; }
  Behaviour behaviour() const { return behaviour_; }
  std::uint64_t id() const { return id_; }
  std::string transcript;     // what went each way, when transcribing
  bool transcribing = false;  // only the client of a violation is replayed with this on
  // When the client sent what last moved the session forward: the server's clock cannot have
  // started before, so a timeout earlier than this plus the timeout is early.
  Instant last_forward{};
  // The same as of the batch before the last: every step up to it the server has had.
  Instant confirmed_forward{};

 private:
  // Each appends what it makes to `out`.
  void command(std::string& out);
  void body(std::string& out);

  std::uint64_t id_;
  Behaviour behaviour_;
  Rng rng_;
  Instant sending_at_{};
  peer::Mirror mirror_;  // fed at a fixed instant: it predicts content; time is checked apart
  peer::ForwardScript script_;
  Batch batch_;  // reused: its buffer stays allocated
};

}  // namespace postable::sim
